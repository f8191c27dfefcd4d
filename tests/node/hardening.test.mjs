// Hostile callers and servers: the defects a fuzzer and a scripted server found, one test each.
// Every JS read of a caller's value can run caller code (a getter, a Proxy trap); an exception
// that unwound through wasm used to leak wasm stack until the module died, so the survival tests
// repeat each case many times and then check that signing and calls still work.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  KinesisVideoClient,
  KinesisVideoSignalingClient,
  signRequest,
  presignUrl,
  presignSignalingUrl,
  paginateListStreams,
  waitUntilStreamActive,
} from "../../pkg/node.js";
import { rejection } from "./support/rejection.mjs";
import { startFaultServer, json } from "./support/fault-server.mjs";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";

const T = { timeout: 60_000 };
const CREDS = { accessKeyId: "AKIDHARDENING0000000", secretAccessKey: "hardening-secret" };
const OPTS = { credentials: CREDS, region: "us-east-1", service: "kinesisvideo" };
const REQ = { method: "POST", url: "https://kinesisvideo.us-east-1.amazonaws.com/describeStream" };
const DESCRIBED = {
  StreamInfo: {
    StreamName: "s",
    StreamARN: "arn:aws:kinesisvideo:us-east-1:123456789012:stream/s/1700000000000",
    Status: "ACTIVE",
    CreationTime: 1700000000.5,
    DataRetentionInHours: 24,
    Version: "v1",
  },
};

let server;
before(async () => {
  server = await startFaultServer([json(200, DESCRIBED)]);
});
after(() => server.close());
const client = (extra = {}) => new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: server.url, ...extra });

const boom = (what) => {
  throw new Error(`boom from ${what}`);
};
const revoked = () => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
};
const dateWithThrowingGetTime = () => {
  const d = new Date(0);
  d.getTime = () => boom("getTime");
  return d;
};

/** Asserts that `f` throws an Error (TypeError) whose message names `field`. */
function throwsNaming(f, field) {
  let thrown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof Error, `an Error, got ${thrown}`);
  assert.match(thrown.message, new RegExp(field.replace(/[.[\]]/g, "\\$&")));
  return thrown;
}

/** The module is alive: a valid signature and a valid call. */
async function assertAlive() {
  const signed = signRequest(REQ, OPTS);
  assert.match(signed.headers.authorization, /^AWS4-HMAC-SHA256 /);
  const out = await client().describeStream({ StreamName: "s" });
  assert.equal(out.StreamInfo.StreamName, "s");
}

describe("reads of caller values that throw", () => {
  const cases = [
    ["constructor: credentials getter", () => new KinesisVideoClient({ region: "us-east-1", get credentials() { return boom("credentials"); } }), "config.credentials"],
    ["constructor: Proxy credentials", () => new KinesisVideoClient({ region: "us-east-1", credentials: new Proxy({}, { get: () => boom("trap") }) }), "config.credentials.accessKeyId"],
    ["constructor: revoked Proxy config", () => new KinesisVideoClient(revoked()), "config.region"],
    ["signRequest: revoked Proxy request", () => signRequest(revoked(), OPTS), "request.method"],
    ["signRequest: headers ownKeys throws", () => signRequest({ ...REQ, headers: new Proxy({}, { ownKeys: () => boom("ownKeys") }) }, OPTS), "request.headers"],
    ["signRequest: header getter throws", () => signRequest({ ...REQ, headers: { get "x-a"() { return boom("header"); } } }, OPTS), "request.headers"],
    ["presignUrl: headers array index getter throws", () => presignUrl({ url: REQ.url, headers: Object.defineProperty([], 0, { get: () => boom("index") }) }, OPTS), "request.headers"],
    ["presignUrl: headers array Proxy length throws", () => presignUrl({ url: REQ.url, headers: new Proxy([], { get: (t, k) => (k === "length" ? boom("length") : t[k]) }) }, OPTS), "request.headers"],
    ["signRequest: signingDate with a throwing getTime", () => signRequest(REQ, { ...OPTS, signingDate: new Proxy(new Date(), {}) }), "options.signingDate"],
    ["signRequest: body Proxy of a Uint8Array", () => signRequest({ ...REQ, body: new Proxy(new Uint8Array(8), { get: () => boom("body") }) }, OPTS), "request.body"],
    ["presignSignalingUrl: revoked args", () => presignSignalingUrl(revoked()), "args.endpoint"],
    ["constructor: options getter on maxAttempts", () => new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, get maxAttempts() { return boom("maxAttempts"); } }), "config.maxAttempts"],
  ];
  for (const [name, f, field] of cases) {
    test(`${name}: a TypeError naming ${field}, 20,000 times, and the module lives`, T, async () => {
      const e = throwsNaming(f, field);
      assert.equal(e.name, "TypeError");
      for (let i = 0; i < 20_000; i++) {
        try {
          f();
        } catch {}
      }
      await assertAlive();
    });
  }

  test("the issue's reproduction survives 100,000 calls", T, async () => {
    const cfg = { region: "us-east-1", get credentials() { throw new Error("not ready"); } };
    for (let i = 0; i < 100_000; i++) {
      try {
        new KinesisVideoClient(cfg);
      } catch {}
    }
    await assertAlive();
  });

  test("the caller's exception is the cause", () => {
    const cause = new Error("not ready");
    const e = throwsNaming(() => new KinesisVideoClient({ region: "us-east-1", get credentials() { throw cause; } }), "config.credentials");
    assert.equal(e.cause, cause);
    assert.match(e.message, /not ready/);
  });

  test("a Date whose own getTime throws is still read as the Date it is", () => {
    const signed = signRequest(REQ, { ...OPTS, signingDate: dateWithThrowingGetTime() });
    assert.equal(signed.headers["x-amz-date"], "19700101T000000Z");
  });
});

describe("operation inputs that throw", () => {
  test("a throwing member getter rejects naming the member, and nothing is sent", T, async () => {
    const before = server.requests.length;
    const e = await rejection(client().describeStream({ get StreamName() { return boom("StreamName"); } }));
    assert.equal(e.name, "ValidationError");
    assert.match(e.message, /^StreamName: could not be read: boom from StreamName/);
    assert.equal(e.$fault, "client");
    const tags = new Proxy({}, { ownKeys: () => boom("Tags") });
    const e2 = await rejection(client().tagStream({ StreamName: "s", Tags: tags }));
    assert.match(e2.message, /^Tags: could not be read/);
    const list = Object.defineProperty(["a"], 0, { get: () => boom("item") });
    const e3 = await rejection(client().untagStream({ StreamName: "s", TagKeyList: list }));
    assert.match(e3.message, /^TagKeyList: could not be read/);
    const e4 = await rejection(client().describeStream(revoked()));
    assert.equal(e4.name, "ValidationError");
    assert.equal(server.requests.length, before, "no request was sent");
  });

  test("20,000 throwing inputs, then the module lives", T, async () => {
    const c = client();
    const input = { StreamName: "s", Tags: new Proxy({}, { ownKeys: () => boom("Tags") }) };
    for (let i = 0; i < 20_000; i++) await c.tagStream(input).catch(() => {});
    await assertAlive();
  });
});

describe("abortSignal that is not an AbortSignal", () => {
  for (const [name, value] of [
    ["true", true],
    ["a string", "abort"],
    ["the AbortController itself", new AbortController()],
    ["a look-alike", { aborted: false, addEventListener() {} }],
  ]) {
    test(`${name}: a TypeError rejection, and other calls go on`, T, async () => {
      const c = client();
      const other = c.describeStream({ StreamName: "s" });
      const e = await rejection(c.describeStream({ StreamName: "s" }, { abortSignal: value }));
      assert.equal(e.name, "TypeError");
      assert.match(e.message, /options\.abortSignal: must be an AbortSignal/);
      assert.equal(e.$fault, "client");
      assert.equal((await other).StreamInfo.Status, "ACTIVE");
      const e2 = await rejection(c.connectSignaling({ channelName: "c", role: "VIEWER", clientId: "v" }, { abortSignal: value }));
      assert.equal(e2.name, "TypeError");
    });
  }

  test("an AbortSignal whose own aborted getter throws does not break the call", T, async () => {
    const signal = new AbortController().signal;
    Object.defineProperty(signal, "aborted", { get: () => boom("aborted") });
    const out = await client().describeStream({ StreamName: "s" }, { abortSignal: signal });
    assert.equal(out.StreamInfo.StreamName, "s");
  });
});

describe("redirects", () => {
  test("a 307 to another origin is not followed: no token or body goes there", T, async () => {
    const elsewhere = await startFaultServer([json(200, DESCRIBED)]);
    const redirecting = await startFaultServer([
      { status: 307, headers: { Location: `${elsewhere.url}/describeStream` }, body: "" },
    ]);
    try {
      const c = new KinesisVideoClient({
        region: "us-east-1",
        credentials: { ...CREDS, sessionToken: "token-that-must-stay" },
        endpoint: redirecting.url,
      });
      const e = await rejection(c.describeStream({ StreamName: "s" }));
      assert.equal(e.$metadata.httpStatusCode, 307);
      assert.match(e.message, /redirect, not followed/);
      assert.equal(e.$metadata.attempts, 1);
      assert.equal(elsewhere.requests.length, 0, "the other origin got nothing");
    } finally {
      await elsewhere.close();
      await redirecting.close();
    }
  });
});

describe("response types", () => {
  const wrong = [
    [{ StreamInfo: { StreamName: 42 } }, "StreamInfo.StreamName is not a string"],
    [{ StreamInfo: { CreationTime: "yesterday" } }, "StreamInfo.CreationTime is not a timestamp"],
    [{ StreamInfo: { Status: ["ACTIVE"] } }, "StreamInfo.Status is not a string"],
    [{ StreamInfo: { DataRetentionInHours: "24" } }, "StreamInfo.DataRetentionInHours is not an integer"],
    [{ StreamInfo: { DataRetentionInHours: 1.5 } }, "StreamInfo.DataRetentionInHours is not an integer"],
    [{ StreamInfo: [] }, "StreamInfo is not an object"],
  ];
  for (const [body, message] of wrong) {
    test(`${JSON.stringify(body)}: DeserializationError "${message}"`, T, async () => {
      const s = await startFaultServer([json(200, body)]);
      try {
        const c = new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: s.url });
        const e = await rejection(c.describeStream({ StreamName: "s" }));
        assert.equal(e.name, "DeserializationError");
        assert.equal(e.message, `response member ${message}`);
        assert.equal(e.$metadata.httpStatusCode, 200);
      } finally {
        await s.close();
      }
    });
  }

  test("lists and maps are checked item by item; nulls are still dropped", T, async () => {
    const s = await startFaultServer([
      json(200, { StreamInfoList: [{ StreamName: "a", Status: null }, null] }),
      json(200, { StreamInfoList: [{ StreamName: "a" }, { StreamName: false }] }),
      json(200, { Tags: { a: "1", b: 2 } }),
    ]);
    try {
      const c = new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: s.url });
      const page = await c.listStreams({});
      assert.deepEqual(page.StreamInfoList, [{ StreamName: "a" }]);
      const e = await rejection(c.listStreams({}));
      assert.equal(e.message, "response member StreamInfoList[1].StreamName is not a string");
      const e2 = await rejection(c.listTagsForStream({ StreamName: "s" }));
      assert.equal(e2.message, "response member Tags.b is not a string");
    } finally {
      await s.close();
    }
  });
});

describe("calls reject, never throw", () => {
  test("a freed client, a method off its client, bad input", T, async () => {
    const c = client();
    const bad = c.describeStream({ StreamName: 5 });
    assert.ok(bad instanceof Promise);
    assert.equal((await rejection(bad)).name, "ValidationError");
    const { describeStream } = c;
    const e = await rejection(describeStream({ StreamName: "s" }));
    assert.equal(e.message, "describeStream: call it on a KinesisVideoClient");
    c.free();
    const freed = c.describeStream({ StreamName: "s" });
    assert.ok(freed instanceof Promise);
    assert.equal((await rejection(freed)).message, "describeStream: this KinesisVideoClient was freed");
    assert.equal((await rejection(c.connectSignaling({ channelName: "c", role: "VIEWER" }))).message, "connectSignaling: this KinesisVideoClient was freed");
  });

  test("connectSignaling input errors carry $fault and $metadata", T, async () => {
    const e = await rejection(client().connectSignaling({ role: "VIEWER" }));
    assert.equal(e.name, "TypeError");
    assert.equal(e.$fault, "client");
    assert.deepEqual(e.$metadata, { attempts: 0, totalRetryDelay: 0 });
  });

  test("paginators and waiters without a client say so", T, async () => {
    assert.throws(() => paginateListStreams(undefined, {}), { name: "TypeError", message: "paginateListStreams: the first argument must be a KinesisVideoClient" });
    const e = await rejection(waitUntilStreamActive(undefined, { StreamName: "s" }));
    assert.equal(e.name, "TypeError");
    assert.match(e.message, /the first argument must be a client/);
  });
});

describe("client settings are checked at construction", () => {
  const base = { region: "us-east-1", credentials: CREDS, endpoint: "http://127.0.0.1:1" };
  for (const [what, config, field] of [
    ["a region with a newline", { ...base, region: "us-east-1\n" }, "config.region"],
    ["a non-Latin-1 region", { ...base, region: "us-éast-1" }, "config.region"],
    ["a 1 MB region", { ...base, region: "a".repeat(1 << 20) }, "config.region"],
    ["an accessKeyId ending in a newline", { ...base, credentials: { ...CREDS, accessKeyId: "AKID\n" } }, "config.credentials.accessKeyId"],
    ["a non-ASCII accessKeyId", { ...base, credentials: { ...CREDS, accessKeyId: "AKIDé" } }, "config.credentials.accessKeyId"],
    ["a session token with a space", { ...base, credentials: { ...CREDS, sessionToken: "a b" } }, "config.credentials.sessionToken"],
    ["a file: endpoint", { ...base, endpoint: "file:///etc/passwd" }, "config"],
    ["a zero maxResponseBytes", { ...base, maxResponseBytes: 0 }, "config.maxResponseBytes"],
  ]) {
    test(`${what}: a TypeError naming ${field}`, () => {
      const e = throwsNaming(() => new KinesisVideoClient(config), field);
      assert.equal(e.name, "TypeError");
      const e2 = throwsNaming(() => new KinesisVideoSignalingClient(config), field);
      assert.equal(e2.name, "TypeError");
    });
  }
});

test("an error whose message is blank says its status instead (found by the response fuzzer)", T, async () => {
  const s = await startFaultServer([json(400, { message: " ", Message: "" }, { "x-amzn-ErrorType": "ResourceInUseException" })]);
  try {
    const c = new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: s.url });
    const e = await rejection(c.describeStream({ StreamName: "s" }));
    assert.equal(e.name, "ResourceInUseException");
    assert.equal(e.message, "HTTP 400 error");
  } finally {
    await s.close();
  }
});

describe("endpoints written other than as fetch sends them", () => {
  // Found by the native URL fuzzer: fetch lowercases the host, rewrites numeric hosts and ports
  // and resolves dot segments, so a signature over the endpoint as written did not match.
  let kvs;
  before(async () => {
    kvs = await startLocalEndpoint({ activationDelayMs: 0 });
  });
  after(() => kvs.close());
  const forms = (port) => [
    `http://LOCALHOST:${port}`,
    `HTTP://LocalHost:${port}/`,
    `http://2130706433:${port}`,
    `http://0x7f.1:${port}`,
    `http://127.0.0.1:0${port}`,
    `http://127.0.0.1:${port}/a/..`,
  ];
  test("each is signed as it is sent, and the signature-checking endpoint accepts it", T, async () => {
    const port = new URL(kvs.url).port;
    for (const endpoint of forms(port)) {
      const c = new KinesisVideoClient({ region: "us-east-1", endpoint, maxAttempts: 1, credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey } });
      const out = await c.listStreams({});
      assert.ok(Array.isArray(out.StreamInfoList), endpoint);
      assert.match(c.endpoint, /^http:\/\/(localhost|127\.0\.0\.1):\d+$/, endpoint);
    }
  });
});

describe("slow and large responses", () => {
  test("headers in time but a body that drips: the timeout says so", T, async () => {
    const s = await startFaultServer([{ status: 200, headers: { "Content-Type": "application/json" }, body: "{}", hang: true }]);
    try {
      const c = new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: s.url, requestTimeoutMs: 300, maxAttempts: 1 });
      const e = await rejection(c.describeStream({ StreamName: "s" }));
      assert.equal(e.name, "TimeoutError");
      assert.equal(e.message, "the response body did not arrive within the request timeout for DescribeStream");
    } finally {
      await s.close();
    }
  });

  test("a body above maxResponseBytes is refused, with or without Content-Length", T, async () => {
    const big = JSON.stringify({ StreamInfoList: [], Pad: "x".repeat(20 << 20) });
    const s = await startFaultServer([
      { status: 200, headers: { "Content-Type": "application/json" }, body: big },
      (request, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(big); // chunked: no Content-Length
      },
    ]);
    try {
      const c = new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: s.url });
      for (let i = 0; i < 2; i++) {
        const e = await rejection(c.listStreams({}));
        assert.equal(e.name, "ResponseTooLargeError");
        assert.equal(e.message, "the response body is larger than maxResponseBytes (16777216)");
        assert.equal(e.$metadata.attempts, 1);
      }
      const roomy = new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: s.url, maxResponseBytes: 32 << 20 });
      assert.deepEqual((await roomy.listStreams({})).StreamInfoList, []);
    } finally {
      await s.close();
    }
  });
});
