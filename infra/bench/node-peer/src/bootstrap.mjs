// What Lambda's managed Node.js runtime does for a handler: load it (its init,
// top-level awaits and all), then ask the Runtime API for events one at a time and
// post each answer. PEER_HANDLER names the handler, as Lambda's _HANDLER would.
const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;

async function post(path, body) {
  await fetch(`${api}${path}`, { method: "POST", body: JSON.stringify(body) });
}

function failure(error) {
  return { errorType: error?.name ?? "Error", errorMessage: String(error?.message ?? error) };
}

let handler;
try {
  const handlers = await import("./handlers.mjs");
  handler = handlers[process.env.PEER_HANDLER];
  if (typeof handler !== "function") throw new Error(`no handler ${process.env.PEER_HANDLER}`);
} catch (error) {
  await post("/init/error", failure(error));
  process.exit(1);
}

for (;;) {
  const next = await fetch(`${api}/invocation/next`);
  const requestId = next.headers.get("lambda-runtime-aws-request-id");
  const event = await next.json();
  try {
    await post(`/invocation/${requestId}/response`, await handler(event));
  } catch (error) {
    await post(`/invocation/${requestId}/error`, failure(error));
  }
}
