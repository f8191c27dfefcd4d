// The waiting of an operation call. The wasm `Call` decides everything: the signed request, whether
// and when to retry, the output or the error. This loop only waits (for the credentials provider,
// for `fetch`, for a backoff delay) and hands back what came; the caller's abortSignal ends any wait.
// It imports nothing, so the crate's wasm tests can run it too.

/** Runs `call` (from `client.__start`) to its output; rejects with the call's error. */
export async function run(client, call) {
  try {
    const signal = call.signal;
    await credentialsReady(client, signal, () => call.aborted());
    for (;;) {
      if (isAborted(signal)) throw call.aborted();
      const outcome = await exchange(call.request(), call.payload, signal);
      if (outcome.failure === "aborted") throw call.aborted();
      const next = outcome.failure
        ? call.failure(outcome.failure, outcome.cause)
        : call.response(outcome.status, outcome.headers, outcome.body);
      if (typeof next !== "number") return next;
      if (next > 0) {
        let timer;
        const slept = new Promise((resolve) => (timer = setTimeout(resolve, next)));
        await unlessAborted(slept, signal, () => call.aborted()).finally(() => clearTimeout(timer));
      }
    }
  } finally {
    call.free();
  }
}

/** Waits, when the client's credentials provider must be called, for what it gives. */
export async function credentialsReady(client, signal, abortError) {
  const refresh = client.__credentials();
  if (!refresh) return;
  const [ok, value] = await unlessAborted(
    refresh.then(
      (v) => [true, v],
      (e) => [false, e],
    ),
    signal,
    abortError,
  );
  client.__credentialsSettled(ok, value);
}

// A caller's signal can shadow `aborted` with a getter that throws: that reads as not aborted.
function isAborted(signal) {
  try {
    return Boolean(signal?.aborted);
  } catch {
    return false;
  }
}

// Listening through the prototype: a signal's own `addEventListener` may be anything.
const { addEventListener, removeEventListener } = EventTarget.prototype;

/** `promise`'s outcome, or a rejection with `abortError()` as soon as `signal` fires. */
export function unlessAborted(promise, signal, abortError) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const stop = () => removeEventListener.call(signal, "abort", onAbort);
    const onAbort = () => {
      stop();
      reject(abortError());
    };
    if (isAborted(signal)) return onAbort();
    addEventListener.call(signal, "abort", onAbort);
    promise.then(
      (v) => (stop(), resolve(v)),
      (e) => (stop(), reject(e)),
    );
  });
}

/**
 * One HTTP exchange: `{ status, headers, body }`, or `{ failure }` ("aborted", "timeout" before
 * the headers, "timeout-body" after them, "too-large", or "network" with its `cause`). The body is
 * text, read no further than `maxResponseBytes`; for a successful answer whose `payload` it is, the
 * bytes ("whole") or the stream itself ("stream": the caller reads it, the abortSignal still ends it,
 * and the timeout ended with the headers). The timeout covers a text or whole body too.
 */
async function exchange({ url, headers, body, timeoutMs, maxResponseBytes }, payload, signal) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = timeoutMs === undefined ? undefined : setTimeout(abort, timeoutMs);
  if (signal) addEventListener.call(signal, "abort", abort);
  let response;
  let streaming = false;
  try {
    // A redirect would re-send the signed request, session token and body to another origin:
    // it is answered as an error instead (browsers then give an opaque response, status 0).
    response = await fetch(url, { method: "POST", headers, body, signal: controller.signal, redirect: "manual" });
    const ok = response.status >= 200 && response.status < 300;
    if (ok && payload === "stream") {
      streaming = true;
      return { status: response.status, headers: response.headers, body: response.body };
    }
    if (ok && payload === "whole") {
      return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
    }
    const text = await readText(response, maxResponseBytes);
    if (text === undefined) {
      abort();
      return { failure: "too-large" };
    }
    return { status: response.status, headers: response.headers, body: text };
  } catch (cause) {
    if (isAborted(signal)) return { failure: "aborted" };
    if (controller.signal.aborted) return { failure: response ? "timeout-body" : "timeout" };
    return { failure: "network", cause };
  } finally {
    clearTimeout(timer);
    // A stream the caller is reading keeps listening: aborting must still end it.
    if (signal && !streaming) removeEventListener.call(signal, "abort", abort);
  }
}

/** The body as text, or `undefined` once it is longer than `max` bytes (declared or read). */
async function readText(response, max) {
  if (Number(response.headers.get("content-length")) > max) return undefined;
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > max) return undefined;
    text += decoder.decode(value, { stream: true });
  }
}
