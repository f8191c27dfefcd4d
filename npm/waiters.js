// Waiters for stream and signaling-channel states, which the AWS SDKs lack for this service.
// Each polls a Describe call with exponential backoff and jitter between minDelay and maxDelay
// (seconds) until the state is reached, a state that cannot lead there is seen, maxWaitTime runs
// out, or the abort signal fires.

function waiterError(name, message, reason) {
  const e = new Error(message);
  e.name = name;
  if (reason !== undefined) e.reason = reason;
  return e;
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(waiterError("AbortError", "the waiter was aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// check(output | undefined, error | undefined) -> "success" | "failure" | "retry"
async function wait(what, client, method, input, check, options = {}) {
  if (typeof client?.[method] !== "function") {
    throw new TypeError(`${what}: the first argument must be a client (one with ${method})`);
  }
  const { maxWaitTime = 300, minDelay = 2, maxDelay = 30, abortSignal } = options ?? {};
  if (!(maxWaitTime > 0) || !(minDelay > 0) || !(maxDelay >= minDelay)) {
    throw new TypeError("options: need maxWaitTime > 0 and 0 < minDelay <= maxDelay (seconds)");
  }
  const deadline = Date.now() + maxWaitTime * 1000;
  for (let attempt = 1; ; attempt++) {
    if (abortSignal?.aborted) throw waiterError("AbortError", "the waiter was aborted");
    let output, error;
    try {
      output = await client[method](input, { abortSignal });
    } catch (e) {
      if (e?.name === "AbortError") throw e;
      error = e;
    }
    const state = check(output, error);
    if (state === "success") return { state: "SUCCESS", reason: output ?? error };
    if (state === "failure") {
      throw waiterError("WaiterFailure", `${what}: reached a state from which it cannot succeed`, output ?? error);
    }
    if (state === "error") throw error;
    const ceiling = Math.min(maxDelay, minDelay * 2 ** (attempt - 1));
    const delayMs = (minDelay + Math.random() * (ceiling - minDelay)) * 1000;
    if (Date.now() + delayMs > deadline) {
      throw waiterError("TimeoutError", `${what}: not reached within ${maxWaitTime} s`, output ?? error);
    }
    await sleep(delayMs, abortSignal);
  }
}

const notFound = (e) => e?.name === "ResourceNotFoundException";
// Only a missing resource is an answer to a "deleted" waiter; other errors end any waiter.
const errorState = (e) => (notFound(e) ? "failure" : "error");

export function waitUntilStreamActive(client, input, options) {
  return wait("stream ACTIVE", client, "describeStream", input, (out, err) => {
    if (err) return errorState(err);
    const status = out.StreamInfo?.Status;
    return status === "ACTIVE" ? "success" : status === "DELETING" ? "failure" : "retry";
  }, options);
}

export function waitUntilStreamDeleted(client, input, options) {
  return wait("stream deleted", client, "describeStream", input, (out, err) =>
    err ? (notFound(err) ? "success" : "error") : "retry", options);
}

export function waitUntilSignalingChannelActive(client, input, options) {
  return wait("signaling channel ACTIVE", client, "describeSignalingChannel", input, (out, err) => {
    if (err) return errorState(err);
    const status = out.ChannelInfo?.ChannelStatus;
    return status === "ACTIVE" ? "success" : status === "DELETING" ? "failure" : "retry";
  }, options);
}

export function waitUntilSignalingChannelDeleted(client, input, options) {
  return wait("signaling channel deleted", client, "describeSignalingChannel", input, (out, err) =>
    err ? (notFound(err) ? "success" : "error") : "retry", options);
}
