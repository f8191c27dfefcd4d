// A loopback HTTP server for the client tests: records every request (method, path, headers,
// body) and answers each with the reply set by the test. Plus an independent SigV4 check of a
// captured request (node:crypto only), so both clients' signatures are verified the same way.

import { createHash, createHmac } from "node:crypto";
import { createServer } from "node:http";
import { listenOnLoopback } from "../../support/loopback.mjs";

/**
 * Starts the server on 127.0.0.1 and a free port. `reply` is { status, headers, body } (body: a
 * string, or an object sent as JSON) or a function of the captured request returning one.
 */
export async function startCaptureServer() {
  const requests = [];
  let reply = { status: 200, headers: {}, body: "{}" };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const captured = {
        method: req.method,
        url: req.url,
        path: req.url.split("?")[0],
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(captured);
      const r = typeof reply === "function" ? reply(captured) : reply;
      const body = typeof r.body === "string" ? r.body : JSON.stringify(r.body);
      res.writeHead(r.status ?? 200, { "content-type": "application/json", "x-amzn-requestid": "capture-request-id", ...r.headers });
      res.end(body);
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setReply(next) {
      reply = next;
    },
    /** Returns and forgets the requests captured so far. */
    take() {
      return requests.splice(0, requests.length);
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const sha256Hex = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

// RFC 3986 unreserved characters stay; everything else is %XX (uppercase), as SigV4 wants.
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export function parseAuthorization(value) {
  const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(value ?? "");
  if (!match) return null;
  const [accessKeyId, date, region, service, terminator] = match[1].split("/");
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    scope: match[1].split("/").slice(1).join("/"),
    signedHeaders: match[2].split(";"),
    signature: match[3],
  };
}

/**
 * Recomputes the SigV4 signature of a captured request with `secretAccessKey` and returns
 * { ok, reason, auth }. The request path and query are taken as sent (these tests' paths need
 * no normalization).
 */
export function verifySigV4(request, secretAccessKey) {
  const auth = parseAuthorization(request.headers.authorization);
  if (!auth) return { ok: false, reason: `malformed Authorization: ${request.headers.authorization}` };
  if (auth.terminator !== "aws4_request") return { ok: false, reason: "scope does not end in aws4_request", auth };
  const amzDate = request.headers["x-amz-date"];
  if (!/^\d{8}T\d{6}Z$/.test(amzDate ?? "")) return { ok: false, reason: `bad x-amz-date ${amzDate}`, auth };
  if (amzDate.slice(0, 8) !== auth.date) return { ok: false, reason: "scope date differs from x-amz-date", auth };
  for (const required of ["host", "x-amz-date"]) {
    if (!auth.signedHeaders.includes(required)) return { ok: false, reason: `${required} is not signed`, auth };
  }
  const sorted = [...auth.signedHeaders].sort();
  if (sorted.join(";") !== auth.signedHeaders.join(";")) return { ok: false, reason: "SignedHeaders not sorted", auth };
  // Header values as received (rawHeaders keeps repeated headers apart; join them with commas).
  const values = new Map();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase();
    const value = request.rawHeaders[i + 1].trim().replace(/\s+/g, " ");
    values.set(name, values.has(name) ? `${values.get(name)},${value}` : value);
  }
  for (const name of auth.signedHeaders) {
    if (!values.has(name)) return { ok: false, reason: `signed header ${name} was not sent`, auth };
  }
  const [path, query = ""] = request.url.split("?");
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const [k, v = ""] = pair.split("=");
      return [encode(decodeURIComponent(k)), encode(decodeURIComponent(v))];
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalPath = path.split("/").map((segment) => encode(decodeURIComponent(segment))).join("/");
  const payloadHash = sha256Hex(request.body);
  if (values.has("x-amz-content-sha256") && values.get("x-amz-content-sha256") !== payloadHash) {
    return { ok: false, reason: "x-amz-content-sha256 differs from the body's hash", auth };
  }
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    auth.signedHeaders.map((name) => `${name}:${values.get(name)}\n`).join(""),
    auth.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, auth.scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  return expected === auth.signature ? { ok: true, auth } : { ok: false, reason: "signature does not match", auth };
}
