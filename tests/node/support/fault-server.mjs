// A scripted HTTP server on 127.0.0.1 for fault-injection tests of the client.
//
// Each incoming request is answered by the next step of a script; once the script is used up, the
// last step answers every further request. A step is either a plain description
//   { status, headers, body, delayMs, destroy, truncateAfter, hang }
// or a function `(request, res) => void | Promise<void>` that answers by hand. Every request is
// recorded (method, url, headers, body text, arrival time) in `server.requests`.
import { createServer } from "node:http";
import { listenOnLoopback } from "../../support/loopback.mjs";

// CORS as the service answers a page: any origin, every response header readable (the error
// type and Date included). `*` in Allow-Headers does not cover Authorization: it is named.
const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "*" };

/** A JSON body with the headers the service sends. */
export function json(status, body, headers = {}) {
  return { status, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** An AWS rest-json error: the name in `x-amzn-ErrorType`, the message in the body. */
export function awsError(status, name, message, messageKey = "message") {
  return json(status, { [messageKey]: message }, { "x-amzn-ErrorType": name });
}

/** A proxy's HTML error page. */
export function html(status, text) {
  return {
    status,
    headers: { "Content-Type": "text/html" },
    body: `<html><head><title>${status}</title></head><body><h1>${text}</h1></body></html>`,
  };
}

/** An HTTP date (IMF-fixdate) of epoch milliseconds, as in the `Date` header. */
export function httpDate(ms) {
  return new Date(ms).toUTCString();
}

/** Epoch milliseconds of an `X-Amz-Date` value (`20240102T030405Z`). */
export function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** The `X-Amz-Date` form of epoch milliseconds. */
export function amzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function delay(ms, res) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A client that gave up (timeout, abort) closes the connection: stop waiting at once.
    res.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function answer(step, request, req, res) {
  if (typeof step === "function") return step(request, res);
  if (step.delayMs) await delay(step.delayMs, res);
  if (res.destroyed || res.writableEnded) return;
  if (step.destroy) {
    req.socket.destroy();
    return;
  }
  const body = step.body ?? "";
  const headers = { ...CORS, "x-amzn-RequestId": `req-${request.index}`, ...step.headers };
  if (step.hang) {
    // Headers now, then a body that never ends.
    res.writeHead(step.status ?? 200, headers);
    res.write(body.slice(0, 1));
    return;
  }
  if (step.truncateAfter !== undefined) {
    // Announce the whole body, send only its start, then cut the connection.
    res.writeHead(step.status ?? 200, { ...headers, "Content-Length": Buffer.byteLength(body) });
    res.write(body.slice(0, step.truncateAfter), () => res.destroy());
    return;
  }
  res.writeHead(step.status ?? 200, { ...headers, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Starts a scripted server on a free loopback port.
 * @param {Array<object|Function>} script the answers, in order; the last one repeats
 * @returns {Promise<{url: string, requests: object[], setScript(script): void, close(): Promise<void>}>}
 */
export async function startFaultServer(script = [json(200, {})]) {
  let steps = script;
  let first = 0; // index of the first request answered by the current script
  const requests = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req).catch(() => "");
    const request = {
      index: requests.length,
      method: req.method,
      url: req.url,
      headers: req.headers,
      body,
      receivedAt: Date.now(),
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...CORS, "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "*, authorization" });
      res.end();
      return;
    }
    requests.push(request);
    const step = steps[Math.min(request.index - first, steps.length - 1)];
    try {
      await answer(step, request, req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(599);
      res.end(String(error));
    }
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Replaces the script: the next request gets its first step. */
    setScript(script) {
      steps = script;
      first = requests.length;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

