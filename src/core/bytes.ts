// Byte helpers shared by body readers (pure).

/** Joins chunks whose lengths add up to `total` into one array. */
export function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
