// Client behaviour beyond a single HTTP exchange: client-side validation (refused before any
// request), credentials providers (lazy, cached, shared refresh, failures), paginators, waiters,
// endpoint resolution and configuration errors. Runs against the local Kinesis Video endpoint,
// plus a counting loopback server where the requests themselves are checked.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  KinesisVideoClient,
  paginateListStreams,
  paginateListSignalingChannels,
  waitUntilStreamActive,
  waitUntilStreamDeleted,
  waitUntilSignalingChannelActive,
  waitUntilSignalingChannelDeleted,
} from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { startFaultServer, json } from "./support/fault-server.mjs";
import { rejection } from "./support/rejection.mjs";

const T = { timeout: 10_000 };
const ACTIVATION_MS = 500;
const DELETION_MS = 500;
// Waiter options small enough for tests: poll every 50 to 200 ms.
const FAST = { minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 5 };

let kvs;
let counter; // a loopback server that answers `{}` and records every request
let regionSeq = 0;

before(async () => {
  kvs = await startLocalEndpoint({ port: 0, activationDelayMs: ACTIVATION_MS, deletionDelayMs: DELETION_MS });
  counter = await startFaultServer([json(200, {})]);
});
after(async () => {
  await kvs?.close();
  await counter?.close();
});

const localCreds = () => ({ accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey });
/** A client of the local endpoint in a region of its own, so tests do not see each other's resources. */
function localClient(extra = {}) {
  regionSeq += 1;
  return new KinesisVideoClient({ region: `us-test-${regionSeq}`, credentials: localCreds(), endpoint: kvs.url, ...extra });
}
function counterClient(extra = {}) {
  return new KinesisVideoClient({
    region: "us-west-2",
    credentials: { accessKeyId: "AKIDCOUNTER000000000", secretAccessKey: "counter-secret" },
    endpoint: counter.url,
    ...extra,
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:stream/my-stream/1700000000000";

describe("client-side validation", () => {
  // [operation, input, field path the message must start with, what it must say]
  const CASES = [
    ["required member", "createStream", {}, "StreamName", /required/],
    ["required member of a list item", "tagResource", { ResourceARN: ARN, Tags: [{ Key: "k" }] }, "Tags[0].Value", /required/],
    ["required member of a nested structure", "updateImageGenerationConfiguration",
      { StreamName: "s", ImageGenerationConfiguration: { Status: "ENABLED" } }, "ImageGenerationConfiguration.ImageSelectorType", /required/],
    ["string too short", "createStream", { StreamName: "" }, "StreamName", /at least 1/],
    ["string too long", "createStream", { StreamName: "s".repeat(257) }, "StreamName", /at most 256/],
    ["string too long (nested)", "createStream", { StreamName: "ok", DeviceName: "x".repeat(129) }, "DeviceName", /at most 128/],
    ["map key too long, counted in code points", "createStream", { StreamName: "ok", Tags: { ["\u{1D49C}".repeat(129)]: "v" } }, "Tags", /at most 128/],
    ["pattern", "describeStream", { StreamARN: "not-an-arn" }, "StreamARN", /pattern/],
    ["anchored pattern of a map key", "createStream", { StreamName: "ok", Tags: { "bad#key": "v" } }, "Tags", /pattern/],
    ["numeric minimum", "createStream", { StreamName: "ok", DataRetentionInHours: -1 }, "DataRetentionInHours", /at least 0/],
    ["numeric range of a nested member", "createSignalingChannel",
      { ChannelName: "c", SingleMasterConfiguration: { MessageTtlSeconds: 4 } }, "SingleMasterConfiguration.MessageTtlSeconds", /at least 5/],
    ["numeric maximum", "listStreams", { MaxResults: 10001 }, "MaxResults", /at most 10000/],
    ["integer expected", "createStream", { StreamName: "ok", DataRetentionInHours: 1.5 }, "DataRetentionInHours", /integer/],
    ["list too short", "untagResource", { ResourceARN: ARN, TagKeyList: [] }, "TagKeyList", /at least 1/],
    ["list too long", "tagResource",
      { ResourceARN: ARN, Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) }, "Tags", /at most 50/],
    ["map too large", "createStream",
      { StreamName: "ok", Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) }, "Tags", /at most 50/],
    ["enum value", "getDataEndpoint", { StreamName: "s", APIName: "PUT_EVERYTHING" }, "APIName", /one of .*PUT_MEDIA/],
    ["nested enum value", "listStreams",
      { StreamNameCondition: { ComparisonOperator: "CONTAINS", ComparisonValue: "a" } }, "StreamNameCondition.ComparisonOperator", /BEGINS_WITH/],
    ["string given a number", "createStream", { StreamName: 5 }, "StreamName", /string/],
    ["number given a string", "createStream", { StreamName: "ok", DataRetentionInHours: "3" }, "DataRetentionInHours", /number/],
    ["structure given a string", "createSignalingChannel", { ChannelName: "c", SingleMasterConfiguration: "x" }, "SingleMasterConfiguration", /object/],
    ["list given an object", "tagResource", { ResourceARN: ARN, Tags: { k: "v" } }, "Tags", /array|list/],
    ["map given an array", "createStream", { StreamName: "ok", Tags: [] }, "Tags", /object/],
    ["input not an object", "describeStream", "my-stream", "input", /object/],
    ["StreamName or StreamARN: neither", "describeStream", {}, "StreamName", /StreamName.*StreamARN/],
    ["StreamName or StreamARN: neither (updateDataRetention)", "updateDataRetention",
      { CurrentVersion: "v1", Operation: "INCREASE_DATA_RETENTION", DataRetentionChangeInHours: 1 }, "StreamName", /StreamARN/],
  ];

  for (const [label, method, input, path, what] of CASES) {
    test(`${label}: ValidationError naming ${path}, nothing sent`, T, async () => {
      const before = counter.requests.length;
      const e = await rejection(counterClient()[method](input));
      assert.equal(e.name, "ValidationError", e.message);
      assert.ok(e.message.startsWith(`${path}`), `message names ${path}: ${e.message}`);
      assert.match(e.message, what);
      assert.equal(e.$fault, "client");
      assert.equal(e.$metadata.attempts, 0);
      await sleep(5);
      assert.equal(counter.requests.length, before, "no request was sent");
    });
  }

  test("string lengths are counted in code points, not UTF-16 units", T, async () => {
    // 128 astral letters are 256 UTF-16 units but 128 characters: within TagKey's limit of 128.
    const key = "\u{1D49C}".repeat(128);
    const before = counter.requests.length;
    await counterClient().createStream({ StreamName: "ok", Tags: { [key]: "v" } });
    assert.equal(counter.requests.length, before + 1);
    assert.deepEqual(JSON.parse(counter.requests.at(-1).body).Tags, { [key]: "v" });
  });

  test("the validation error comes before credentials are resolved", T, async () => {
    let calls = 0;
    const client = counterClient({ credentials: async () => (calls++, { accessKeyId: "a", secretAccessKey: "b" }) });
    const e = await rejection(client.createStream({}));
    assert.equal(e.name, "ValidationError");
    assert.equal(calls, 0);
  });

  test("a null input for an operation without required members is accepted", T, async () => {
    const before = counter.requests.length;
    const out = await counterClient().listStreams();
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(counter.requests.length, before + 1);
    assert.deepEqual(JSON.parse(counter.requests.at(-1).body || "{}"), {});
  });

  test("unknown input members are ignored: not sent, no error", T, async () => {
    const before = counter.requests.length;
    await counterClient().createStream({ StreamName: "extra-members", NotAMember: 1, dataRetentionInHours: 5, Tags: { a: "b" } });
    assert.equal(counter.requests.length, before + 1);
    const sent = counter.requests.at(-1);
    assert.equal(sent.url, "/createStream");
    assert.deepEqual(JSON.parse(sent.body), { StreamName: "extra-members", Tags: { a: "b" } });

    const out = await localClient().createStream({ StreamName: "extra-members", Whatever: { deep: [1] } });
    assert.match(out.StreamARN, /^arn:aws:kinesisvideo:/);
  });

  test("input is captured when the call is made: later changes do not leak into the request", T, async () => {
    const before = counter.requests.length;
    const input = { StreamName: "first" };
    const call = counterClient().describeStream(input);
    input.StreamName = "second";
    await call;
    assert.equal(counter.requests.length, before + 1);
    assert.deepEqual(JSON.parse(counter.requests.at(-1).body), { StreamName: "first" });
  });

  test("a pattern without anchors must match the whole value, as the service checks it", T, async () => {
    const e = await rejection(localClient().createStream({ StreamName: "bad name!" }));
    assert.equal(e.name, "ValidationError");
    assert.match(e.message, /^StreamName: must match the pattern/);
    assert.equal(e.$metadata.attempts, 0);
  });

  test("an input the client accepts but the service refuses gives the service's error", T, async () => {
    const client = localClient();
    await client.createStream({ StreamName: "taken-name" });
    const e = await rejection(client.createStream({ StreamName: "taken-name" }));
    assert.equal(e.name, "ResourceInUseException");
    assert.equal(e.$metadata.attempts, 1);
  });
});

describe("credentials provider", () => {
  /** A provider that counts its calls and returns `make(n)` (n = 1, 2, ...) after `delayMs`. */
  function countingProvider(make = () => localCreds(), delayMs = 0) {
    const provider = async () => {
      provider.calls += 1;
      const n = provider.calls;
      if (delayMs) await sleep(delayMs);
      return make(n);
    };
    provider.calls = 0;
    return provider;
  }

  test("lazy: not called at construction, called by the first operation", T, async () => {
    const provider = countingProvider();
    const client = localClient({ credentials: provider });
    await sleep(20);
    assert.equal(provider.calls, 0);
    await client.listStreams({});
    assert.equal(provider.calls, 1);
  });

  test("cached: credentials without expiration are fetched once", T, async () => {
    const provider = countingProvider();
    const client = localClient({ credentials: provider });
    for (let i = 0; i < 4; i++) await client.listStreams({});
    assert.equal(provider.calls, 1);
  });

  test("cached until 5 minutes before expiration", T, async () => {
    const provider = countingProvider(() => ({ ...localCreds(), expiration: new Date(Date.now() + 60 * 60 * 1000) }));
    const client = localClient({ credentials: provider });
    for (let i = 0; i < 3; i++) await client.listStreams({});
    assert.equal(provider.calls, 1);
  });

  test("refreshed when within 5 minutes of expiration", T, async () => {
    // The first two results expire in 4 min (inside the refresh margin), the third in 1 h.
    const provider = countingProvider((n) => ({
      ...localCreds(),
      expiration: new Date(Date.now() + (n < 3 ? 4 * 60 * 1000 : 60 * 60 * 1000)),
    }));
    const client = localClient({ credentials: provider });
    await client.listStreams({});
    assert.equal(provider.calls, 1);
    await client.listStreams({});
    assert.equal(provider.calls, 2, "refreshed: the cached ones expire within 5 min");
    await client.listStreams({});
    assert.equal(provider.calls, 3);
    await client.listStreams({});
    await client.listStreams({});
    assert.equal(provider.calls, 3, "cached again: the new ones are good for an hour");
  });

  test("already-expired credentials are refreshed", T, async () => {
    const provider = countingProvider(() => ({ ...localCreds(), expiration: new Date(Date.now() - 1000) }));
    const client = localClient({ credentials: provider });
    await client.listStreams({});
    await client.listStreams({});
    assert.equal(provider.calls, 2);
  });

  test("10 concurrent calls share one provider call", T, async () => {
    const provider = countingProvider(() => localCreds(), 50);
    const client = localClient({ credentials: provider });
    const outs = await Promise.all(Array.from({ length: 10 }, () => client.listStreams({})));
    assert.equal(provider.calls, 1);
    for (const out of outs) assert.equal(out.$metadata.httpStatusCode, 200);
  });

  test("10 concurrent calls during a refresh share one provider call", T, async () => {
    const provider = countingProvider(() => ({ ...localCreds(), expiration: new Date(Date.now() + 60_000) }), 50);
    const client = localClient({ credentials: provider });
    await client.listStreams({});
    assert.equal(provider.calls, 1);
    await Promise.all(Array.from({ length: 10 }, () => client.listStreams({})));
    assert.equal(provider.calls, 2);
  });

  test("a failing provider: CredentialsProviderError with its reason, no request; recovers later", T, async () => {
    let fail = true;
    let calls = 0;
    const provider = async () => {
      calls += 1;
      if (fail) throw new Error("the metadata service is unreachable");
      return { accessKeyId: "AKIDRECOVERED0000000", secretAccessKey: "s", sessionToken: "session-token-value" };
    };
    const client = counterClient({ credentials: provider });
    const before = counter.requests.length;
    const e = await rejection(client.describeStream({ StreamName: "s" }));
    assert.equal(e.name, "CredentialsProviderError");
    assert.match(e.message, /credentials provider/i);
    assert.match(e.message, /the metadata service is unreachable/);
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.attempts, 0);
    assert.equal(counter.requests.length, before, "no request without credentials");

    fail = false;
    const out = await client.describeStream({ StreamName: "s" });
    assert.equal(out.$metadata.attempts, 1);
    assert.equal(calls, 2, "the failure was not cached");
    const sent = counter.requests.at(-1);
    assert.match(sent.headers.authorization, /Credential=AKIDRECOVERED0000000\//);
    assert.equal(sent.headers["x-amz-security-token"], "session-token-value");
  });

  test("concurrent calls share one failing refresh; the next call tries again", T, async () => {
    let calls = 0;
    const provider = async () => {
      calls += 1;
      await sleep(30);
      if (calls === 1) throw new Error("first refresh fails");
      return localCreds();
    };
    const client = localClient({ credentials: provider });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.listStreams({})));
    assert.equal(calls, 1);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.equal(r.reason.name, "CredentialsProviderError");
    }
    const out = await client.listStreams({});
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(calls, 2);
  });

  test("a provider that throws synchronously or returns nonsense: CredentialsProviderError", T, async () => {
    const throwing = counterClient({ credentials: () => { throw new Error("sync failure"); } });
    let e = await rejection(throwing.listStreams({}));
    assert.equal(e.name, "CredentialsProviderError");
    assert.match(e.message, /sync failure/);

    const nonsense = counterClient({ credentials: async () => ({ accessKeyId: "only-the-key" }) });
    e = await rejection(nonsense.listStreams({}));
    assert.equal(e.name, "CredentialsProviderError");
    assert.match(e.message, /secretAccessKey/);
  });

  test("wrong credentials from a provider: the service's 403, not a crash", T, async () => {
    const client = localClient({ credentials: async () => ({ accessKeyId: kvs.accessKeyId, secretAccessKey: "wrong" }) });
    const e = await rejection(client.listStreams({}));
    assert.equal(e.name, "InvalidSignatureException");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.$metadata.attempts, 1);
  });
});

describe("paginators", () => {
  test("paginateListStreams: 7 streams, pageSize 3 → 3 pages, every name once", T, async () => {
    const client = localClient();
    const names = Array.from({ length: 7 }, (_, i) => `page-stream-${i}`);
    for (const StreamName of names) await client.createStream({ StreamName });
    const pages = [];
    for await (const page of paginateListStreams(client, {}, { pageSize: 3 })) pages.push(page);
    assert.deepEqual(pages.map((p) => p.StreamInfoList.length), [3, 3, 1]);
    const seen = pages.flatMap((p) => p.StreamInfoList.map((s) => s.StreamName));
    assert.deepEqual([...seen].sort(), [...names].sort());
    assert.equal(new Set(seen).size, 7);
    assert.ok(pages[0].NextToken && pages[1].NextToken);
    assert.equal("NextToken" in pages[2], false, "a null NextToken is absent");
    for (const p of pages) assert.equal(p.$metadata.httpStatusCode, 200);
  });

  test("paginateListStreams keeps the input's filter on every page", T, async () => {
    const client = localClient();
    for (const StreamName of ["cam-a", "cam-b", "cam-c", "cam-d", "other-1", "other-2"]) await client.createStream({ StreamName });
    const seen = [];
    let pages = 0;
    const input = { StreamNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "cam-" } };
    for await (const page of paginateListStreams(client, input, { pageSize: 3 })) {
      pages += 1;
      seen.push(...page.StreamInfoList.map((s) => s.StreamName));
    }
    assert.equal(pages, 2);
    assert.deepEqual(seen.sort(), ["cam-a", "cam-b", "cam-c", "cam-d"]);
    assert.deepEqual(Object.keys(input), ["StreamNameCondition"], "the caller's input is not modified");
  });

  test("paginateListSignalingChannels: 7 channels, pageSize 3 → 3 pages, every name once", T, async () => {
    const client = localClient();
    const names = Array.from({ length: 7 }, (_, i) => `page-channel-${i}`);
    for (const ChannelName of names) await client.createSignalingChannel({ ChannelName });
    const pages = [];
    for await (const page of paginateListSignalingChannels(client, {}, { pageSize: 3 })) pages.push(page);
    assert.deepEqual(pages.map((p) => p.ChannelInfoList.length), [3, 3, 1]);
    const seen = pages.flatMap((p) => p.ChannelInfoList.map((c) => c.ChannelName));
    assert.deepEqual([...seen].sort(), [...names].sort());
    assert.equal(new Set(seen).size, 7);
  });

  test("a paginator over nothing yields one empty page; an error rejects the iteration", T, async () => {
    const client = localClient();
    const pages = [];
    for await (const page of paginateListStreams(client)) pages.push(page);
    assert.equal(pages.length, 1);
    assert.deepEqual(pages[0].StreamInfoList, []);

    const iterate = async () => {
      for await (const _ of paginateListStreams(client, {}, { pageSize: 0 })) { /* not reached */ }
    };
    const e = await rejection(iterate());
    assert.equal(e.name, "ValidationError");
    assert.match(e.message, /^MaxResults/);
  });
});

describe("waiters", () => {
  test("waitUntilStreamActive: resolves once the stream is ACTIVE", T, async () => {
    const client = localClient();
    const t0 = Date.now();
    await client.createStream({ StreamName: "wait-active" });
    const r = await waitUntilStreamActive(client, { StreamName: "wait-active" }, FAST);
    const elapsed = Date.now() - t0;
    assert.equal(r.state, "SUCCESS");
    assert.equal(r.reason.StreamInfo.Status, "ACTIVE");
    assert.ok(elapsed >= ACTIVATION_MS - 50, `waited for the activation (${elapsed} ms)`);
    assert.ok(elapsed < ACTIVATION_MS + 1500, `no needless waiting (${elapsed} ms)`);
  });

  test("waitUntilStreamDeleted: resolves once the stream is gone", T, async () => {
    const client = localClient();
    const { StreamARN } = await client.createStream({ StreamName: "wait-deleted" });
    await waitUntilStreamActive(client, { StreamARN }, FAST);
    await client.deleteStream({ StreamARN });
    assert.equal((await client.describeStream({ StreamARN })).StreamInfo.Status, "DELETING");
    const r = await waitUntilStreamDeleted(client, { StreamARN }, FAST);
    assert.equal(r.state, "SUCCESS");
    assert.equal(r.reason.name, "ResourceNotFoundException");
    const e = await rejection(client.describeStream({ StreamARN }));
    assert.equal(e.name, "ResourceNotFoundException");
  });

  test("waitUntilSignalingChannelActive and waitUntilSignalingChannelDeleted", T, async () => {
    const client = localClient();
    const { ChannelARN } = await client.createSignalingChannel({ ChannelName: "wait-channel" });
    const active = await waitUntilSignalingChannelActive(client, { ChannelName: "wait-channel" }, FAST);
    assert.equal(active.state, "SUCCESS");
    assert.equal(active.reason.ChannelInfo.ChannelStatus, "ACTIVE");
    await client.deleteSignalingChannel({ ChannelARN });
    const deleted = await waitUntilSignalingChannelDeleted(client, { ChannelARN }, FAST);
    assert.equal(deleted.state, "SUCCESS");
    assert.equal(deleted.reason.name, "ResourceNotFoundException");
  });

  test("TimeoutError when maxWaitTime is too small", T, async () => {
    const client = localClient();
    await client.createStream({ StreamName: "wait-timeout" });
    const t0 = Date.now();
    const e = await rejection(waitUntilStreamActive(client, { StreamName: "wait-timeout" }, { minDelay: 0.05, maxDelay: 0.05, maxWaitTime: 0.12 }));
    const elapsed = Date.now() - t0;
    assert.equal(e.name, "TimeoutError");
    assert.ok(elapsed < ACTIVATION_MS, `gave up within maxWaitTime (${elapsed} ms)`);
    assert.equal(e.reason?.StreamInfo?.Status, "CREATING");
  });

  test("AbortError when aborted while waiting, promptly", T, async () => {
    const client = localClient();
    await client.createStream({ StreamName: "wait-abort" });
    const controller = new AbortController();
    const waiting = waitUntilStreamActive(client, { StreamName: "wait-abort" }, { minDelay: 1, maxDelay: 2, maxWaitTime: 10, abortSignal: controller.signal });
    await sleep(100);
    const t0 = Date.now();
    controller.abort();
    const e = await rejection(waiting);
    assert.equal(e.name, "AbortError");
    assert.ok(Date.now() - t0 < 300, "rejected at once");
  });

  test("an already-aborted signal: AbortError without polling", T, async () => {
    const client = counterClient();
    const before = counter.requests.length;
    const e = await rejection(waitUntilStreamActive(client, { StreamName: "s" }, { ...FAST, abortSignal: AbortSignal.abort() }));
    assert.equal(e.name, "AbortError");
    assert.equal(counter.requests.length, before);
  });

  test("WaiterFailure when the stream is DELETING while waiting for ACTIVE", T, async () => {
    const client = localClient();
    const { StreamARN } = await client.createStream({ StreamName: "wait-failure" });
    await waitUntilStreamActive(client, { StreamARN }, FAST);
    await client.deleteStream({ StreamARN });
    const e = await rejection(waitUntilStreamActive(client, { StreamARN }, FAST));
    assert.equal(e.name, "WaiterFailure");
    assert.equal(e.reason?.StreamInfo?.Status, "DELETING");
  });

  test("WaiterFailure when the stream does not exist; other errors end the waiter as they are", T, async () => {
    const client = localClient();
    const e = await rejection(waitUntilStreamActive(client, { StreamName: "never-created" }, FAST));
    assert.equal(e.name, "WaiterFailure");
    assert.equal(e.reason?.name, "ResourceNotFoundException");

    const bad = await rejection(waitUntilStreamActive(client, {}, FAST));
    assert.equal(bad.name, "ValidationError");
  });
});

describe("endpoint resolution and configuration", () => {
  const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
  const ENDPOINTS = [
    [{ region: "us-east-1" }, "https://kinesisvideo.us-east-1.amazonaws.com"],
    [{ region: "cn-north-1" }, "https://kinesisvideo.cn-north-1.amazonaws.com.cn"],
    [{ region: "us-east-1", useFipsEndpoint: true }, "https://kinesisvideo-fips.us-east-1.amazonaws.com"],
    [{ region: "us-east-1", useDualstackEndpoint: true }, "https://kinesisvideo.us-east-1.api.aws"],
    [{ region: "us-east-1", useFipsEndpoint: true, useDualstackEndpoint: true }, "https://kinesisvideo-fips.us-east-1.api.aws"],
    [{ region: "us-gov-west-1" }, "https://kinesisvideo.us-gov-west-1.amazonaws.com"],
    [{ region: "us-gov-west-1", useFipsEndpoint: true }, "https://kinesisvideo-fips.us-gov-west-1.amazonaws.com"],
    [{ region: "cn-north-1", useDualstackEndpoint: true }, "https://kinesisvideo.cn-north-1.api.amazonwebservices.com.cn"],
    [{ region: "us-east-1", endpoint: "http://127.0.0.1:4567/" }, "http://127.0.0.1:4567"],
    [{ region: "us-east-1", endpoint: "https://example.com:443" }, "https://example.com"],
  ];
  for (const [config, expected] of ENDPOINTS) {
    test(`${JSON.stringify(config)} → ${expected}`, T, () => {
      assert.equal(new KinesisVideoClient({ ...config, credentials: creds }).endpoint, expected);
    });
  }

  // [what, config, field named by the message]
  const BAD = [
    ["region of the wrong type", { region: 42, credentials: creds }, /region/],
    ["no region", { credentials: creds }, /region/],
    ["FIPS with a custom endpoint", { region: "us-east-1", credentials: creds, useFipsEndpoint: true, endpoint: "https://example.com" }, /FIPS.*endpoint|useFipsEndpoint/],
    ["dual-stack with a custom endpoint", { region: "us-east-1", credentials: creds, useDualstackEndpoint: true, endpoint: "https://example.com" }, /Dualstack.*endpoint|useDualstackEndpoint/i],
    ["maxAttempts 0", { region: "us-east-1", credentials: creds, maxAttempts: 0 }, /maxAttempts/],
    ["maxAttempts not an integer", { region: "us-east-1", credentials: creds, maxAttempts: 2.5 }, /maxAttempts/],
    ["negative requestTimeoutMs", { region: "us-east-1", credentials: creds, requestTimeoutMs: -5 }, /requestTimeoutMs/],
    ["no credentials", { region: "us-east-1" }, /credentials/],
    ["credentials without a secret", { region: "us-east-1", credentials: { accessKeyId: "a" } }, /secretAccessKey/],
    ["an endpoint that is not http(s)", { region: "us-east-1", credentials: creds, endpoint: "ftp://example.com" }, /endpoint/],
    ["useFipsEndpoint not a boolean", { region: "us-east-1", credentials: creds, useFipsEndpoint: "yes" }, /useFipsEndpoint/],
    ["a region that is not a host label", { region: "us east 1", credentials: creds }, /region/i],
  ];
  for (const [what, config, field] of BAD) {
    test(`${what}: TypeError thrown synchronously naming the field`, T, () => {
      assert.throws(() => new KinesisVideoClient(config), (e) => {
        assert.ok(e instanceof TypeError, `a TypeError, got ${e?.constructor?.name}: ${e?.message}`);
        assert.match(e.message, field);
        return true;
      });
    });
  }

  test("no config at all: TypeError", T, () => {
    assert.throws(() => new KinesisVideoClient(), TypeError);
    assert.throws(() => new KinesisVideoClient(null), TypeError);
  });

  test("a provider function is accepted without being called", T, () => {
    let called = false;
    const client = new KinesisVideoClient({ region: "eu-west-1", credentials: async () => ((called = true), creds) });
    assert.equal(client.endpoint, "https://kinesisvideo.eu-west-1.amazonaws.com");
    assert.equal(called, false);
  });
});
