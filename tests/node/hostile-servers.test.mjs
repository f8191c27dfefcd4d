// Hostile or broken servers, each answered by our client and by @aws-sdk/client-kinesis-video
// against the same scripted server: the result ours documents (success, or the error's name,
// $fault and attempts), and the AWS SDK's beside it: both succeed or both fail, with the same
// number of attempts, except where a difference is listed (and why).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as sdkVideo from "@aws-sdk/client-kinesis-video";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { KinesisVideoClient } from "../../pkg/node.js";
import { startFaultServer } from "./support/fault-server.mjs";
import { CASES } from "./support/hostile-cases.mjs";

const CREDS = { accessKeyId: "AKIDHOSTILE000000000", secretAccessKey: "hostile-secret" };
const TIMEOUT_MS = 400;
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
