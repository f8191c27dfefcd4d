// Secrets: with marked credentials, every error path of the client and the signer is triggered,
// and the secret key appears nowhere a program or a log could see it (messages, stacks, String,
// JSON.stringify and util.inspect of errors, clients and results, console output). The session
// token appears only where SigV4 puts it. In wasm memory, the secret key is wiped when the
// credentials holding it are dropped: after a signature, when a provider's credentials are
// replaced, and when a client is freed. (The session token is wiped with them too, but it is also
// part of the signed text and headers of every request, whose freed buffers are not wiped: it
// travels in the clear anyway and is no use without the secret.)
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { KinesisVideoClient, SignalingSession, signRequest, presignUrl, presignSignalingUrl } from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { initSync } from "../../pkg/kinesis_video_wasm.js";
import { startFaultServer, json, awsError, html } from "./support/fault-server.mjs";

const mark = (what) => `${what}MARK${randomBytes(12).toString("hex")}`;
const SECRET = mark("secret");
const TOKEN = mark("token");
const CREDS = { accessKeyId: "AKIDSECRETSTEST00000", secretAccessKey: SECRET, sessionToken: TOKEN };
const OPTS = { credentials: CREDS, region: "us-east-1", service: "kinesisvideo" };

// The module's memory: initSync hands back the instance node.js already made.
const memory = () => new Uint8Array(initSync().memory.buffer);
const inMemory = (text) => Buffer.from(memory().buffer).includes(Buffer.from(text));

/** Every way a program could turn `value` into text. */
function surfaces(value) {
  const out = [String(value), inspect(value, { depth: 20, showHidden: true, getters: true })];
  try {
    out.push(JSON.stringify(value));
  } catch {}
  if (value instanceof Error) out.push(value.message, value.stack ?? "");
  return out;
}

const checked = { surfaces: 0 };
function assertClean(value, where) {
  for (const text of surfaces(value)) {
    checked.surfaces++;
    assert.ok(!text.includes(SECRET), `the secret key leaked through ${where}: ${text.slice(0, 200)}`);
    assert.ok(!text.includes(TOKEN), `the session token leaked through ${where}: ${text.slice(0, 200)}`);
  }
}

let server;
const logged = [];
const realConsole = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug };
before(async () => {
  server = await startFaultServer([json(200, {})]);
  for (const k of Object.keys(realConsole)) console[k] = (...args) => logged.push(args.map((a) => inspect(a)).join(" "));
});
after(async () => {
  Object.assign(console, realConsole);
  await server.close();
});

const clientOn = (url, extra = {}) =>
  new KinesisVideoClient({ region: "us-east-1", credentials: CREDS, endpoint: url, maxAttempts: 2, requestTimeoutMs: 400, ...extra });

describe("the secret key and token never leak", () => {
  const answers = [
    ["a modeled error", awsError(404, "ResourceNotFoundException", "not found")],
    ["an error echoing the request", (request, res) => {
      res.writeHead(403, { "Content-Type": "application/json", "x-amzn-ErrorType": "InvalidSignatureException" });
      res.end(JSON.stringify({ message: `The request signature we calculated does not match: ${request.headers.authorization}` }));
    }],
    ["a clock skew error", awsError(403, "InvalidSignatureException", "Signature expired: 20200101T000000Z is now earlier than ...")],
    ["an HTML 502", html(502, "Bad gateway")],
    ["truncated JSON", { status: 200, headers: { "Content-Type": "application/json" }, body: '{"StreamInfo":{"Str', truncateAfter: 10 }],
    ["the wrong shape", json(200, { StreamInfo: { StreamName: 42 } })],
    ["a connection reset", { destroy: true }],
    ["no answer", { delayMs: 5_000 }],
    ["a 307", { status: 307, headers: { Location: "http://127.0.0.1:9/" }, body: "" }],
  ];
  for (const [name, answer] of answers) {
    test(`${name}: error, client and console are clean`, { timeout: 20_000 }, async () => {
      server.setScript([answer]);
      const c = clientOn(server.url);
      const e = await c.describeStream({ StreamName: "s" }).then(() => assert.fail("expected a rejection"), (e) => e);
      assertClean(e, `the ${e.name} of ${name}`);
      assertClean(c, "the client");
    });
  }

  test("validation, input, provider and signer errors are clean", { timeout: 20_000 }, async () => {
    server.setScript([json(200, {})]);
    const c = clientOn(server.url);
    const errors = [];
    const catchIt = async (p) => errors.push(await p.then(() => null, (e) => e));
    await catchIt(c.describeStream({ StreamName: 5 }));
    await catchIt(c.describeStream({ StreamName: "s" }, { abortSignal: "no" }));
    await catchIt(c.connectSignaling({ role: "MASTER" }));
    const failing = new KinesisVideoClient({ region: "us-east-1", endpoint: server.url, credentials: async () => { throw new Error(`provider failed`); } });
    await catchIt(failing.describeStream({ StreamName: "s" }));
    const odd = new KinesisVideoClient({ region: "us-east-1", endpoint: server.url, credentials: async () => ({ accessKeyId: "AKID x", secretAccessKey: SECRET, sessionToken: TOKEN }) });
    await catchIt(odd.describeStream({ StreamName: "s" }));
    for (const f of [
      () => signRequest({ method: "POST", url: "not a url" }, OPTS),
      () => signRequest({ method: "POST", url: "https://h/", headers: { get a() { throw new Error("x"); } } }, OPTS),
      () => presignUrl({ url: "https://h/" }, { ...OPTS, expiresIn: 0 }),
      () => presignSignalingUrl({ endpoint: "wss://h", channelArn: "arn", role: "VIEWER", credentials: CREDS, region: "bad region" }),
      () => new KinesisVideoClient({ region: "us-east-1\n", credentials: CREDS }),
      () => new KinesisVideoClient({ region: "us-east-1", credentials: { ...CREDS, accessKeyId: "AKID\n" } }),
    ]) {
      try {
        f();
        errors.push(null);
      } catch (e) {
        errors.push(e);
      }
    }
    assert.ok(errors.every((e) => e instanceof Error), "every case failed");
    errors.forEach((e, i) => assertClean(e, `error ${i} (${e.name}: ${e.message})`));
  });

  test("results: the token only where SigV4 puts it, the secret nowhere", () => {
    const signed = signRequest({ method: "POST", url: "https://h/p", body: "{}" }, OPTS);
    assert.equal(signed.headers["x-amz-security-token"], TOKEN);
    const { "x-amz-security-token": _token, ...rest } = signed.headers;
    assertClean({ ...signed, headers: rest }, "signRequest's other fields");
    const url = new URL(presignUrl({ url: "wss://h/p" }, OPTS));
    assert.equal(url.searchParams.get("X-Amz-Security-Token"), TOKEN);
    url.searchParams.delete("X-Amz-Security-Token");
    assertClean(url.href, "presignUrl's other parameters");
    assert.ok(!JSON.stringify(signed).includes(SECRET));
  });

  test("signaling: connectSignaling's result (the token only in the URL's X-Amz-Security-Token), a session, its refused handshake", { timeout: 20_000 }, async () => {
    const kvs = await startLocalEndpoint({ port: 0, activationDelayMs: 0, credentials: { [CREDS.accessKeyId]: SECRET } });
    try {
      const c = clientOn(kvs.url);
      await c.createSignalingChannel({ ChannelName: "secret-channel" });
      const out = await c.connectSignaling({ channelName: "secret-channel", role: "MASTER" });
      const url = new URL(out.wssUrl);
      assert.equal(url.searchParams.get("X-Amz-Security-Token"), TOKEN);
      url.searchParams.delete("X-Amz-Security-Token");
      assertClean({ ...out, wssUrl: url.href }, "connectSignaling's other fields");
      const session = new SignalingSession({ client: c, channelName: "secret-channel", role: "MASTER", webSocket: WebSocket });
      const events = [];
      for (const t of ["open", "error", "close", "reconnecting"]) session.addEventListener(t, (e) => events.push(e));
      await session.open();
      assertClean(session, "an open session");
      session.close();
      // A session whose client's calls are refused, and one whose handshake is (a wrong secret).
      const quick = { webSocket: WebSocket, reconnect: { maxAttempts: 1, minDelayMs: 5, maxDelayMs: 10 } };
      const wrong = clientOn(kvs.url, { credentials: { ...CREDS, secretAccessKey: SECRET + "x" } });
      const viaClient = new SignalingSession({ client: wrong, channelArn: out.channelArn, role: "MASTER", ...quick });
      const handshake = new SignalingSession({
        wssUrl: presignSignalingUrl({ endpoint: out.wssUrl.split("?")[0], channelArn: out.channelArn, role: "MASTER", credentials: { ...CREDS, secretAccessKey: SECRET + "x" }, region: "us-east-1" }),
        role: "MASTER",
        ...quick,
      });
      for (const [session, name] of [
        [viaClient, "InvalidSignatureException"],
        [handshake, "AccessDeniedException"],
      ]) {
        session.addEventListener("error", (e) => events.push(e));
        const e = await session.open().then(() => assert.fail("expected a refusal"), (e) => e);
        assert.equal(e.name, name);
        assertClean(e, `the ${name}`);
        assertClean(session, "a refused session");
      }
      for (const event of events) assertClean(event, `the session's ${event.type} event`);
    } finally {
      await kvs.close();
    }
  });

  test("media: dataEndpointClient's clients, whole and streamed payloads, their errors and a stale endpoint's", { timeout: 30_000 }, async () => {
    const kvs = await startLocalEndpoint({ port: 0, activationDelayMs: 0, credentials: { [CREDS.accessKeyId]: SECRET } });
    try {
      const c = clientOn(kvs.url);
      await c.createStream({ StreamName: "secret-cam", DataRetentionInHours: 24 });
      const seeded = await kvs.seedStreamMedia({ streamName: "secret-cam", region: "us-east-1" });
      const range = { StartTimestamp: new Date(seeded.fragments[0].serverTimestamp), EndTimestamp: new Date(seeded.fragments.at(-1).serverTimestamp + 1) };
      const archive = await c.dataEndpointClient("GET_CLIP", { StreamName: "secret-cam" });
      assertClean(archive, "the archived-media client");
      const clip = await archive.getClip({ StreamName: "secret-cam", ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: range } });
      assertClean({ ...clip, Payload: clip.Payload.length }, "GetClip's output");
      const media = await c.dataEndpointClient("GET_MEDIA", { StreamName: "secret-cam" });
      const live = await media.getMedia({ StreamName: "secret-cam", StartSelector: { StartSelectorType: "EARLIEST" } });
      assertClean(live, "GetMedia's output");
      await live.Payload.cancel();
      const errors = [
        // No fragments in the range; a bad input; a stream that is not there (a stale endpoint is asked again).
        await archive.getClip({ StreamName: "secret-cam", ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: new Date(0), EndTimestamp: new Date(1000) } } }).catch((e) => e),
        await media.getMedia({ StreamName: "secret-cam", StartSelector: { StartSelectorType: "NOT_A_TYPE" } }).catch((e) => e),
        await (await c.dataEndpointClient("LIST_FRAGMENTS", { StreamName: "secret-cam" })).listFragments({ StreamName: "absent-cam" }).catch((e) => e),
        await c.dataEndpointClient("GET_CLIP", { StreamName: "absent-cam" }).catch((e) => e),
      ];
      assert.deepEqual(errors.map((e) => e.name), ["ResourceNotFoundException", "ValidationError", "ResourceNotFoundException", "ResourceNotFoundException"]);
      errors.forEach((e, i) => assertClean(e, `media error ${i} (${e.name}: ${e.message})`));
      assertClean(media, "the media client after its calls");
    } finally {
      await kvs.close();
    }
  });

  test("console output stayed clean", (t) => {
    for (const line of logged) assert.ok(!line.includes(SECRET) && !line.includes(TOKEN), `console: ${line.slice(0, 200)}`);
    assert.ok(checked.surfaces > 100, `${checked.surfaces} surfaces checked`);
    t.diagnostic(`${checked.surfaces} surfaces checked`);
  });
});

describe("wasm memory keeps no secret it no longer needs", () => {
  test("after signRequest and presignUrl return", () => {
    const secret = mark("signersecret");
    const token = mark("signertoken");
    const opts = { ...OPTS, credentials: { accessKeyId: "AKIDMEMORY0000000000", secretAccessKey: secret, sessionToken: token } };
    for (let i = 0; i < 3; i++) {
      signRequest({ method: "POST", url: "https://h/p", body: "{}" }, opts);
      presignUrl({ url: "wss://h/p" }, opts);
    }
    assert.ok(!inMemory(secret), "the secret is still in wasm memory");
  });

  test("a client's static credentials stay until free() and are wiped by it", { timeout: 20_000 }, async () => {
    server.setScript([json(200, {})]);
    const secret = mark("clientsecret");
    const token = mark("clienttoken");
    const c = new KinesisVideoClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "AKIDMEMORY0000000000", secretAccessKey: secret, sessionToken: token } });
    await c.describeStream({ StreamName: "s" });
    assert.ok(inMemory(secret), "the client holds its secret (this test can see memory)");
    c.free();
    assert.ok(!inMemory(secret), "free() left the secret in wasm memory");
  });

  test("a provider's replaced credentials are wiped, and Symbol.dispose frees", { timeout: 20_000 }, async () => {
    server.setScript([json(200, {})]);
    const secrets = [mark("rotated"), mark("rotated")];
    let n = 0;
    const c = new KinesisVideoClient({
      region: "us-east-1",
      endpoint: server.url,
      // Already within the refresh margin: every call asks again.
      credentials: async () => ({ accessKeyId: "AKIDMEMORY0000000000", secretAccessKey: secrets[Math.min(n++, 1)], expiration: new Date(Date.now() + 60_000) }),
    });
    await c.describeStream({ StreamName: "s" });
    assert.ok(inMemory(secrets[0]));
    await c.describeStream({ StreamName: "s" });
    assert.ok(!inMemory(secrets[0]), "the replaced secret is still in wasm memory");
    assert.ok(inMemory(secrets[1]));
    c[Symbol.dispose]();
    assert.ok(!inMemory(secrets[1]), "dispose left the secret in wasm memory");
  });
});
