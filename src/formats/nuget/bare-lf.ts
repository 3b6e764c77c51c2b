// NuGet 2.x ends the last multipart part with a bare LF before the closing boundary (`…data\n--B--`), where
// RFC 2046 wants CRLF. This stream puts the CR back in front of every `\n--<boundary>` that lacks it, so the
// shared multipart reader sees a well-formed body; everything else passes through unchanged, chunk by chunk.
// Spec: ../shared/reference/clients.md "NuGet 2.8.7 on mono" (malformed multipart); RFC 2046 §5.1.1.

export function restoreCrBeforeBoundaries(boundary: string): TransformStream<Uint8Array, Uint8Array> {
  const pattern = new TextEncoder().encode(`\n--${boundary}`);
  /** Bytes held back because they could be the start of the pattern (at most pattern.length - 1). */
  let held = new Uint8Array(0);
  /** The last byte handed out, to know whether a `\n` at the start of a chunk follows a CR. */
  let previous = -1;

  const emit = (controller: TransformStreamDefaultController<Uint8Array>, bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    controller.enqueue(bytes);
    previous = bytes[bytes.length - 1]!;
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      let data = chunk;
      if (held.length > 0) {
        data = new Uint8Array(held.length + chunk.length);
        data.set(held);
        data.set(chunk, held.length);
      }
      let start = 0;
      for (let at = data.indexOf(10, 0); at >= 0; at = data.indexOf(10, at + 1)) {
        if (at + pattern.length > data.length) {
          // Possibly a split pattern: hold from here on (a short tail) and wait for more bytes.
          if (matchesPrefix(data, at, pattern)) {
            emit(controller, data.subarray(start, at));
            held = data.slice(at);
            return;
          }
          continue;
        }
        if (!matchesAt(data, at, pattern)) continue;
        const before = at > 0 ? data[at - 1] : at === start ? previous : -1;
        if (before !== 13) {
          emit(controller, data.subarray(start, at));
          emit(controller, new Uint8Array([13]));
          start = at;
        }
      }
      emit(controller, data.subarray(start));
      held = new Uint8Array(0);
    },
    flush(controller) {
      emit(controller, held);
    },
  });
}

function matchesAt(data: Uint8Array, at: number, pattern: Uint8Array): boolean {
  for (let i = 0; i < pattern.length; i++) if (data[at + i] !== pattern[i]) return false;
  return true;
}

/** Whether the bytes from `at` to the end are a prefix of the pattern. */
function matchesPrefix(data: Uint8Array, at: number, pattern: Uint8Array): boolean {
  for (let i = 0; at + i < data.length; i++) if (data[at + i] !== pattern[i]) return false;
  return true;
}
