// The hostile servers of tests/node/hostile-servers.test.mjs (ours beside the AWS SDK, in Node)
// and tests/browser/hostile-servers.test.mjs (ours in Chromium): each a script for the fault
// server, the result ours documents, and where the AWS SDK differs.
import { json, awsError, html, httpDate } from "./fault-server.mjs";

export const STREAM = { StreamInfo: { StreamName: "s", Status: "ACTIVE", CreationTime: 1700000000 } };
const skewed = () => httpDate(Date.now() + 20 * 60_000);

const big = JSON.stringify({ ...STREAM, Pad: "x".repeat(20 << 20) });

// [name, script, what ours gives, the AWS SDK's difference if any]
export const CASES = [
  ["500 then 200", () => [awsError(500, "InternalFailure", "oops"), json(200, STREAM)], { ok: true, attempts: 2 }],
  ["a 503 storm", () => [awsError(503, "ServiceUnavailable", "busy")], { name: "ServiceUnavailable", fault: "server", attempts: 3 }],
  ["429", () => [awsError(429, "TooManyRequestsException", "slow down"), json(200, STREAM)], { ok: true, attempts: 2 }],
  [
    "ClientLimitExceededException",
    () => [awsError(400, "ClientLimitExceededException", "limit"), json(200, STREAM)],
    { ok: true, attempts: 2 },
    "the AWS SDK does not retry it; Kinesis Video documents it as throttling, so ours does",
  ],
  ["an HTML 502", () => [html(502, "Bad Gateway")], { name: "UnknownError", fault: "server", attempts: 3 }],
  [
    "truncated JSON, the connection cut",
    () => [{ ...json(200, STREAM), truncateAfter: 12 }],
    { name: "NetworkError", fault: "client", attempts: 3 },
  ],
  [
    "truncated JSON, the response ended",
    () => [{ status: 200, headers: { "Content-Type": "application/json" }, body: '{"StreamInfo":{"Str' }],
    { name: "DeserializationError", fault: "client", attempts: 1 },
    "the AWS SDK names it SyntaxError",
  ],
  [
    "valid JSON of the wrong shape",
    () => [json(200, { StreamInfo: { StreamName: 42, Status: "ACTIVE" } })],
    { name: "DeserializationError", fault: "client", attempts: 1 },
    "the AWS SDK throws a TypeError from its expectString",
  ],
  ["an empty 200", () => [{ status: 200, headers: {}, body: "" }], { ok: true, attempts: 1 }],
  [
    "a 20 MB body",
    () => [{ status: 200, headers: { "Content-Type": "application/json" }, body: big }],
    { name: "ResponseTooLargeError", fault: "client", attempts: 1 },
    "the AWS SDK has no size cap and reads it all (ours refuses above maxResponseBytes, 16 MiB by default)",
  ],
  ["a connection reset", () => [{ destroy: true }], { name: "NetworkError", fault: "client", attempts: 3 }],
  [
    "a response that never comes (for 10 s)",
    () => [{ delayMs: 10_000 }],
    { name: "TimeoutError", fault: "client", attempts: 3 },
    "the AWS SDK's requestTimeout only logs a warning by default: it waits and gets the late answer",
  ],
  [
    "a body that drips",
    () => [{ ...json(200, STREAM), hang: true }],
    { name: "TimeoutError", fault: "client", attempts: 3 },
    null, // not run: the AWS SDK waits for the body's end, which never comes
  ],
  [
    "a Date 20 minutes off with a skew error",
    () => [
      { ...awsError(403, "InvalidSignatureException", "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z"), headers: { "x-amzn-ErrorType": "InvalidSignatureException", "Content-Type": "application/json", Date: skewed() } },
      { ...json(200, STREAM), headers: { "Content-Type": "application/json", Date: skewed() } },
    ],
    { ok: true, attempts: 2 },
  ],
];

