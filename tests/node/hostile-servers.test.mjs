// Hostile or broken servers, each answered by our client and by @aws-sdk/client-kinesis-video
// against the same scripted server: the result ours documents (success, or the error's name,
// $fault and attempts), and the AWS SDK's beside it: both succeed or both fail, with the same
// number of attempts, except where a difference is listed (and why).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as sdkVideo from "@aws-sdk/client-kinesis-video";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { KinesisVideoClient } from "../../pkg/node.js";
import { startFaultServer, json, awsError, html, httpDate } from "./support/fault-server.mjs";

const CREDS = { accessKeyId: "AKIDHOSTILE000000000", secretAccessKey: "hostile-secret" };
const STREAM = { StreamInfo: { StreamName: "s", Status: "ACTIVE", CreationTime: 1700000000 } };
const TIMEOUT_MS = 400;
const skewed = () => httpDate(Date.now() + 20 * 60_000);

// The backoff draws from Math.random: zero makes both clients retry at once.
const withoutJitter = async (f) => {
  const random = Math.random;
  Math.random = () => 0;
  try {
    return await f();
  } finally {
    Math.random = random;
  }
};

async function outcome(client) {
  const started = Date.now();
  try {
    const out = await client.send ? await client.send(new sdkVideo.DescribeStreamCommand({ StreamName: "s" })) : await client.describeStream({ StreamName: "s" });
    return { ok: true, status: out.StreamInfo?.Status, attempts: out.$metadata.attempts, ms: Date.now() - started };
  } catch (e) {
    return { ok: false, name: e.name, fault: e.$fault, attempts: e.$metadata?.attempts, message: e.message, ms: Date.now() - started };
  }
}

/** Runs `script` against each client on a fresh server; the requests each one made too. */
async function both(script, withSdk) {
  const results = {};
  for (const who of withSdk ? ["ours", "sdk"] : ["ours"]) {
    const server = await startFaultServer(script());
    try {
      const client =
        who === "ours"
          ? new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: server.url, requestTimeoutMs: TIMEOUT_MS })
          : new sdkVideo.KinesisVideoClient({
              region: "us-east-1",
              credentials: CREDS,
              endpoint: server.url,
              maxAttempts: 3,
              requestHandler: new NodeHttpHandler({ requestTimeout: TIMEOUT_MS, connectionTimeout: TIMEOUT_MS }),
            });
      results[who] = { ...(await withoutJitter(() => outcome(client))), requests: server.requests.length };
    } finally {
      await server.close();
    }
  }
  return results;
}

const big = JSON.stringify({ ...STREAM, Pad: "x".repeat(20 << 20) });

// [name, script, what ours gives, the AWS SDK's difference if any]
const CASES = [
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

describe("hostile servers, ours beside the AWS SDK", () => {
  for (const [name, script, expected, sdkDifference] of CASES) {
    test(name, { timeout: 40_000 }, async () => {
      const { ours, sdk } = await both(script, sdkDifference !== null);
      const seen = JSON.stringify({ ours, sdk });
      for (const [k, v] of Object.entries(expected)) assert.equal(ours[k], v, `ours.${k}: ${seen}`);
      if (expected.ok === undefined) assert.equal(ours.ok, false, seen);
      assert.equal(ours.requests, ours.attempts, `every attempt reached the server: ${seen}`);
      assert.ok(ours.ms < 3 * (TIMEOUT_MS + 2000), `no hang: ${seen}`);
      if (sdkDifference === null) return;
      if (sdkDifference) {
        assert.notEqual(JSON.stringify([sdk.ok, sdk.name]), JSON.stringify([ours.ok, ours.name]), `documented difference (${sdkDifference}) no longer holds: ${seen}`);
      } else {
        assert.equal(sdk.ok, ours.ok, `the AWS SDK agrees on success: ${seen}`);
        assert.equal(sdk.attempts, ours.attempts, `the AWS SDK made as many attempts: ${seen}`);
      }
    });
  }
});
