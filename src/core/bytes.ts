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

/** Reads a stream as UTF-8 text; null (after cancelling the stream) when it holds more than `maxBytes`. */
export async function readCappedText(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string | null> {
  const bytes = await readCappedBytes(stream, maxBytes);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

/** Reads a whole stream; null (after cancelling it) when it holds more than `maxBytes`. A stream error is thrown. */
export async function readCappedBytes(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}
