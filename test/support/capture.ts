// The Request a client helper (a contract adapter's `upload`, `call`) would send to the Worker, captured instead
// of sent, so a test can mutate it (the fuzzer) or send it over other bindings (the fault-injection tests).
import { exports } from "cloudflare:workers";

export async function captureRequest(send: () => Promise<Response>): Promise<Request> {
  const target = (exports as unknown as { default: { fetch: (r: Request) => Promise<Response> } }).default;
  const real = target.fetch;
  let captured: Request | null = null;
  target.fetch = async (request: Request) => {
    captured = request;
    return new Response(null, { status: 204 });
  };
  try {
    await send();
  } finally {
    target.fetch = real;
  }
  if (!captured) throw new Error("nothing was sent");
  return captured;
}
