// Fault injection: the client against a scripted loopback server that answers with server errors,
// throttling, non-JSON pages, truncated bodies, slow responses, dropped connections and a skewed
// clock. Each case checks the promised result: retried or not, how many attempts, which error.
import { test, describe, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { KinesisVideoClient } from "../../pkg/node.js";
import { rejection } from "./support/rejection.mjs";
import { freeLoopbackPort } from "../support/loopback.mjs";
import {
  startFaultServer,
  json,
  awsError,
  html,
  httpDate,
  parseAmzDate,
  amzDate,
} from "./support/fault-server.mjs";

const T = { timeout: 10_000 };
const CREDS = { accessKeyId: "AKIDFAULTTEST0000000", secretAccessKey: "fault-test-secret" };
const STREAM = { StreamName: "fault-stream" };
const DESCRIBED = json(200, {
  StreamInfo: {
    StreamName: "fault-stream",
    StreamARN: "arn:aws:kinesisvideo:us-west-2:123456789012:stream/fault-stream/1700000000000",
    Status: "ACTIVE",
    CreationTime: 1700000000.5,
    DataRetentionInHours: 0,
    Version: "abcdefghij0123456789",
    MediaType: null,
  },
});

let server;
const clientFor = (extra = {}) =>
  new KinesisVideoClient({ region: "us-west-2", credentials: CREDS, endpoint: server.url, ...extra });

// The backoff draws from Math.random; a fixed value makes the delays exact.
const realRandom = Math.random;
function fixRandom(value) {
  Math.random = () => value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(condition, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

before(async () => {
  server = await startFaultServer();
});
after(async () => {
  Math.random = realRandom;
  await server?.close();
});
afterEach(() => {
  Math.random = realRandom;
});

function script(...steps) {
  server.setScript(steps);
  return server.requests.length;
}
const sentSince = (start) => server.requests.slice(start);

describe("retries", () => {
  test("500, then 503, then 200: retried, attempts 3, backoff recorded", T, async () => {
    fixRandom(0.5);
    const start = script(awsError(500, "InternalFailure", "boom"), awsError(503, "ServiceUnavailable", "busy"), DESCRIBED);
    const t0 = Date.now();
    const out = await clientFor().describeStream(STREAM);
    const elapsed = Date.now() - t0;
    assert.equal(out.StreamInfo.StreamName, "fault-stream");
    assert.ok(out.StreamInfo.CreationTime instanceof Date);
    assert.equal(out.StreamInfo.CreationTime.getTime(), 1700000000500);
    assert.equal("MediaType" in out.StreamInfo, false, "null members are absent");
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(out.$metadata.attempts, 3);
    // Full jitter with random 0.5: 0.5 × 100 ms, then 0.5 × 200 ms.
    assert.equal(out.$metadata.totalRetryDelay, 150);
    assert.ok(elapsed >= 140, `waited the backoff (${elapsed} ms)`);
    const sent = sentSince(start);
    assert.equal(sent.length, 3);
    for (const r of sent) {
      assert.equal(r.method, "POST");
      assert.equal(r.url, "/describeStream");
      assert.equal(r.headers["content-type"], "application/json");
      assert.match(r.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDFAULTTEST0000000\/\d{8}\/us-west-2\/kinesisvideo\/aws4_request, /);
      assert.deepEqual(JSON.parse(r.body), STREAM);
    }
    assert.equal(out.$metadata.requestId, `req-${sent[2].index}`);
  });

  test("totalRetryDelay > 0 with the real random source", T, async () => {
    const start = script(awsError(500, "InternalFailure", "boom"), awsError(503, "ServiceUnavailable", "busy"), DESCRIBED);
    const out = await clientFor().describeStream(STREAM);
    assert.equal(out.$metadata.attempts, 3);
    assert.ok(out.$metadata.totalRetryDelay > 0 && out.$metadata.totalRetryDelay < 300, `${out.$metadata.totalRetryDelay}`);
    assert.equal(sentSince(start).length, 3);
  });

  test("ClientLimitExceededException (400) then success: retried after a backoff", T, async () => {
    fixRandom(0.9);
    const start = script(awsError(400, "ClientLimitExceededException", "slow down", "Message"), DESCRIBED);
    const out = await clientFor().describeStream(STREAM);
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(out.$metadata.totalRetryDelay, 90);
    const sent = sentSince(start);
    assert.equal(sent.length, 2);
    assert.ok(sent[1].receivedAt - sent[0].receivedAt >= 85, `gap ${sent[1].receivedAt - sent[0].receivedAt} ms`);
  });

  test("429 without a known name is retried; other 4xx are not", T, async () => {
    fixRandom(0);
    let start = script(json(429, { message: "too many" }), DESCRIBED);
    const out = await clientFor().describeStream(STREAM);
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(sentSince(start).length, 2);

    start = script(awsError(403, "AccessDeniedException", "no", "Message"), DESCRIBED);
    const e = await rejection(clientFor().describeStream(STREAM));
    assert.equal(e.name, "AccessDeniedException");
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(sentSince(start).length, 1);
  });

  for (const status of [400, 404]) {
    test(`${status} ResourceNotFoundException: not retried, name, message and $fault from the response`, T, async () => {
      const start = script(
        awsError(status, "ResourceNotFoundException", "The requested stream is not found or not active.", "Message"),
        DESCRIBED,
      );
      const e = await rejection(clientFor({ maxAttempts: 5 }).describeStream(STREAM));
      assert.equal(e.name, "ResourceNotFoundException");
      assert.equal(e.message, "The requested stream is not found or not active.");
      assert.equal(e.$fault, "client");
      assert.equal(e.$metadata.httpStatusCode, status);
      assert.equal(e.$metadata.attempts, 1);
      assert.equal(e.$metadata.totalRetryDelay, 0);
      const sent = sentSince(start);
      assert.equal(sent.length, 1);
      assert.equal(e.$metadata.requestId, `req-${sent[0].index}`);
    });
  }

  test("error name from the body's __type when there is no x-amzn-ErrorType header", T, async () => {
    script(json(404, { __type: "com.amazonaws.kinesisvideo#ResourceNotFoundException", Message: "gone" }));
    const e = await rejection(clientFor().describeStream(STREAM));
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.message, "gone");
    assert.equal(e.$metadata.attempts, 1);
  });

  test("HTML 502 page: a clean server error with the status, after maxAttempts attempts", T, async () => {
    fixRandom(0);
    const start = script(html(502, "Bad Gateway"));
    const e = await rejection(clientFor({ maxAttempts: 4 }).describeStream(STREAM));
    assert.equal(e.$fault, "server");
    assert.equal(e.$metadata.httpStatusCode, 502);
    assert.equal(e.$metadata.attempts, 4);
    assert.equal(typeof e.name, "string");
    assert.equal(e.name, "UnknownError");
    assert.match(e.message, /502/);
    assert.doesNotMatch(e.message, /<html|JSON\.parse|Unexpected token/i);
    assert.equal(sentSince(start).length, 4);
  });

  test("maxAttempts 1 disables retries (503, throttling, network)", T, async () => {
    let start = script(awsError(503, "ServiceUnavailable", "busy"), DESCRIBED);
    let e = await rejection(clientFor({ maxAttempts: 1 }).describeStream(STREAM));
    assert.equal(e.name, "ServiceUnavailable");
    assert.equal(e.$fault, "server");
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(sentSince(start).length, 1);

    start = script(awsError(400, "ClientLimitExceededException", "slow down", "Message"), DESCRIBED);
    e = await rejection(clientFor({ maxAttempts: 1 }).describeStream(STREAM));
    assert.equal(e.name, "ClientLimitExceededException");
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(sentSince(start).length, 1);

    start = script({ destroy: true }, DESCRIBED);
    e = await rejection(clientFor({ maxAttempts: 1 }).describeStream(STREAM));
    assert.equal(e.name, "NetworkError");
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(sentSince(start).length, 1);
  });

  test("x-amzn-RequestId is reported as $metadata.requestId on outputs and errors", T, async () => {
    script({ ...DESCRIBED, headers: { ...DESCRIBED.headers, "x-amzn-RequestId": "5f1e2d3c-aaaa-bbbb-cccc-0123456789ab" } });
    const out = await clientFor().describeStream(STREAM);
    assert.equal(out.$metadata.requestId, "5f1e2d3c-aaaa-bbbb-cccc-0123456789ab");
    const notFound = awsError(404, "ResourceNotFoundException", "gone", "Message");
    script({ ...notFound, headers: { ...notFound.headers, "x-amzn-RequestId": "0a0b0c0d-error" } });
    const e = await rejection(clientFor().describeStream(STREAM));
    assert.equal(e.$metadata.requestId, "0a0b0c0d-error");
  });
});

describe("bodies", () => {
  test("truncated JSON on 200: DeserializationError, no crash, the client keeps working", T, async () => {
    const start = script(
      { status: 200, headers: { "Content-Type": "application/json" }, body: '{"StreamInfo":{"StreamName":"fault-str' },
      DESCRIBED,
    );
    const client = clientFor();
    const e = await rejection(client.describeStream(STREAM));
    assert.equal(e.name, "DeserializationError");
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.httpStatusCode, 200);
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(sentSince(start).length, 1);
    const out = await client.describeStream(STREAM);
    assert.equal(out.StreamInfo.Status, "ACTIVE");
  });

  test("a body cut off by a dropped connection is a network error, retried", T, async () => {
    fixRandom(0);
    const start = script({ ...DESCRIBED, truncateAfter: 20 }, DESCRIBED);
    const out = await clientFor().describeStream(STREAM);
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(sentSince(start).length, 2);
  });
});

describe("timeouts and network errors", () => {
  test("a response slower than requestTimeoutMs: TimeoutError, retried, maxAttempts attempts", T, async () => {
    fixRandom(0);
    const start = script({ ...DESCRIBED, delayMs: 3000 });
    const t0 = Date.now();
    const e = await rejection(clientFor({ requestTimeoutMs: 150, maxAttempts: 3 }).describeStream(STREAM));
    const elapsed = Date.now() - t0;
    assert.equal(e.name, "TimeoutError");
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.attempts, 3);
    assert.equal(sentSince(start).length, 3);
    assert.ok(elapsed >= 400 && elapsed < 2000, `three 150 ms timeouts, took ${elapsed} ms`);
  });

  test("a slow first response, then a fast one: success on attempt 2", T, async () => {
    fixRandom(0);
    const start = script({ ...DESCRIBED, delayMs: 3000 }, DESCRIBED);
    const out = await clientFor({ requestTimeoutMs: 150 }).describeStream(STREAM);
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(sentSince(start).length, 2);
  });

  test("headers on time but a body that never ends: TimeoutError", T, async () => {
    fixRandom(0);
    script({ ...DESCRIBED, hang: true });
    const t0 = Date.now();
    const e = await rejection(clientFor({ requestTimeoutMs: 150, maxAttempts: 2 }).describeStream(STREAM));
    assert.equal(e.name, "TimeoutError");
    assert.equal(e.$metadata.attempts, 2);
    assert.ok(Date.now() - t0 < 2000);
  });

  test("connection refused: retried, then NetworkError", T, async () => {
    fixRandom(0);
    const port = await freeLoopbackPort();
    const client = new KinesisVideoClient({ region: "us-west-2", credentials: CREDS, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 3 });
    const e = await rejection(client.describeStream(STREAM));
    assert.equal(e.name, "NetworkError");
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.attempts, 3);
    assert.equal(e.$metadata.httpStatusCode, undefined);
    assert.ok(e.message.length > 0);
  });

  test("a destroyed socket: retried; success when the server recovers, NetworkError when it does not", T, async () => {
    fixRandom(0);
    let start = script({ destroy: true }, { destroy: true }, DESCRIBED);
    const out = await clientFor().describeStream(STREAM);
    assert.equal(out.$metadata.attempts, 3);
    assert.equal(sentSince(start).length, 3);

    start = script({ destroy: true });
    const e = await rejection(clientFor({ maxAttempts: 2 }).describeStream(STREAM));
    assert.equal(e.name, "NetworkError");
    assert.equal(e.$metadata.attempts, 2);
    assert.equal(sentSince(start).length, 2);
  });
});

describe("abort", () => {
  test("abort mid-flight rejects AbortError at once, long before the server answers", T, async () => {
    const start = script({ ...DESCRIBED, delayMs: 5000 });
    const controller = new AbortController();
    const call = clientFor({ maxAttempts: 5 }).describeStream(STREAM, { abortSignal: controller.signal });
    await until(() => server.requests.length > start, "the request to arrive");
    const t0 = Date.now();
    controller.abort();
    const e = await rejection(call);
    const took = Date.now() - t0;
    assert.equal(e.name, "AbortError");
    assert.ok(took < 300, `rejected ${took} ms after abort`);
    assert.equal(e.$metadata.attempts, 1);
    await sleep(50);
    assert.equal(sentSince(start).length, 1, "no retry after an abort");
  });

  test("abort during a long backoff rejects promptly", T, async () => {
    // With random 0.99 the waits are 99, 198, 396, 792 and then 1584 ms after the 5th attempt.
    fixRandom(0.99);
    const start = script(awsError(503, "ServiceUnavailable", "busy"));
    const controller = new AbortController();
    const call = clientFor({ maxAttempts: 10 }).describeStream(STREAM, { abortSignal: controller.signal });
    await until(() => server.requests.length - start >= 5, "five attempts");
    await sleep(40); // the 503 is back; the client now waits ~1.5 s
    const t0 = Date.now();
    controller.abort();
    const e = await rejection(call);
    const took = Date.now() - t0;
    assert.equal(e.name, "AbortError");
    assert.ok(took < 300, `rejected ${took} ms after abort, during a 1584 ms backoff`);
    assert.equal(e.$metadata.attempts, 5);
    await sleep(50);
    assert.equal(sentSince(start).length, 5);
  });

  test("an already-aborted signal: AbortError and no request sent", T, async () => {
    const start = script(DESCRIBED);
    const e = await rejection(clientFor().describeStream(STREAM, { abortSignal: AbortSignal.abort() }));
    assert.equal(e.name, "AbortError");
    assert.equal(e.$metadata.attempts, 0);
    await sleep(30);
    assert.equal(sentSince(start).length, 0);
  });

  test("abort while the credentials provider is still running: AbortError at once, no request", T, async () => {
    const start = script(DESCRIBED);
    const client = clientFor({
      credentials: async () => {
        await sleep(400);
        return CREDS;
      },
    });
    const controller = new AbortController();
    const call = client.describeStream(STREAM, { abortSignal: controller.signal });
    await sleep(50);
    const t0 = Date.now();
    controller.abort();
    const settled = await call.then(
      (out) => ({ out }),
      (error) => ({ error }),
    );
    const took = Date.now() - t0;
    await sleep(450); // past the provider's answer: a request sent after the abort would show now
    assert.equal(settled.error?.name, "AbortError", `expected AbortError, got ${settled.error ? settled.error.name : `a result after ${took} ms`}`);
    assert.ok(took < 300, `rejected ${took} ms after abort`);
    assert.equal(sentSince(start).length, 0, "no request after the abort");
  });

  test("a signal that never fires does not disturb the call", T, async () => {
    script(DESCRIBED);
    const controller = new AbortController();
    const out = await clientFor().describeStream(STREAM, { abortSignal: controller.signal });
    assert.equal(out.$metadata.attempts, 1);
    controller.abort(); // after completion: harmless
  });
});

describe("clock skew", () => {
  const FIVE_MIN = 5 * 60 * 1000;
  /** A server whose clock is `offsetMs` off and that refuses signatures more than 5 min from it. */
  function skewedServer(offsetMs, { sendDate = true } = {}) {
    return (request, res) => {
      const serverNow = Date.now() + offsetMs;
      const signed = parseAmzDate(request.headers["x-amz-date"]);
      const headers = { "Access-Control-Allow-Origin": "*", "x-amzn-RequestId": `req-${request.index}` };
      if (sendDate) headers.Date = httpDate(serverNow);
      else res.sendDate = false;
      let status = 200;
      let body = DESCRIBED.body;
      if (signed < serverNow - FIVE_MIN) {
        status = 403;
        headers["x-amzn-ErrorType"] = "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/";
        body = JSON.stringify({
          message: `Signature expired: ${amzDate(signed)} is now earlier than ${amzDate(serverNow - FIVE_MIN)} (${amzDate(serverNow)} - 5 min.)`,
        });
      } else if (signed > serverNow + FIVE_MIN) {
        status = 403;
        headers["x-amzn-ErrorType"] = "InvalidSignatureException";
        body = JSON.stringify({
          message: `Signature not yet current: ${amzDate(signed)} is still later than ${amzDate(serverNow + FIVE_MIN)} (${amzDate(serverNow)} + 5 min.)`,
        });
      }
      res.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    };
  }

  for (const [label, offset] of [["ahead by 1 h (Signature expired)", 3_600_000], ["behind by 1 h (Signature not yet current)", -3_600_000]]) {
    test(`server clock ${label}: corrected on the 2nd attempt, later calls signed right from the start`, T, async () => {
      const start = script(skewedServer(offset));
      const client = clientFor();
      const first = await client.describeStream(STREAM);
      assert.equal(first.$metadata.attempts, 2);
      assert.equal(first.$metadata.totalRetryDelay, 0);
      let sent = sentSince(start);
      assert.equal(sent.length, 2);
      const skewOf = (r) => parseAmzDate(r.headers["x-amz-date"]) - (r.receivedAt + offset);
      assert.ok(Math.abs(skewOf(sent[0])) > FIVE_MIN, "first attempt signed with the local clock");
      assert.ok(Math.abs(skewOf(sent[1])) < 5000, `second attempt signed with the server's clock (${skewOf(sent[1])} ms off)`);

      const second = await client.listStreams({});
      assert.equal(second.$metadata.attempts, 1);
      sent = sentSince(start);
      assert.equal(sent.length, 3);
      assert.ok(Math.abs(skewOf(sent[2])) < 5000, `later call signed with the corrected clock (${skewOf(sent[2])} ms off)`);
    });
  }

  test("a skew refusal is retried once only, not forever", T, async () => {
    // No Date header: the client cannot learn the server time, so the refusal repeats.
    const start = script(skewedServer(3_600_000, { sendDate: false }));
    const e = await rejection(clientFor({ maxAttempts: 5 }).describeStream(STREAM));
    assert.equal(e.name, "InvalidSignatureException");
    assert.match(e.message, /^Signature expired/);
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.$metadata.attempts, 2);
    assert.equal(sentSince(start).length, 2);
  });

  test("RequestTimeTooSkewed is corrected as well", T, async () => {
    const offset = 2 * 3_600_000;
    const start = script((request, res) => {
      const serverNow = Date.now() + offset;
      const skewed = Math.abs(parseAmzDate(request.headers["x-amz-date"]) - serverNow) > FIVE_MIN;
      const body = skewed ? JSON.stringify({ message: "The difference between the request time and the current time is too large." }) : DESCRIBED.body;
      res.writeHead(skewed ? 403 : 200, {
        "Content-Type": "application/json",
        Date: httpDate(serverNow),
        ...(skewed ? { "x-amzn-ErrorType": "RequestTimeTooSkewed" } : {}),
      });
      res.end(body);
    });
    const out = await clientFor().describeStream(STREAM);
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(sentSince(start).length, 2);
  });

  test("a signature mismatch that is not about time is not retried", T, async () => {
    const start = script(awsError(403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided."));
    const e = await rejection(clientFor().describeStream(STREAM));
    assert.equal(e.name, "InvalidSignatureException");
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(sentSince(start).length, 1);
  });
});
