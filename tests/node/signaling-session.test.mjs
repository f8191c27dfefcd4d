// SignalingSession in Node (WebSocket from npm `ws`): the frames it writes and every form of frame it
// reads, checked on a scripted WebSocket server; reconnection (GO_AWAY, a close mid-offer, the
// planned lifetime) with a fresh URL each time and the queue delivered once; refused handshakes; the
// send rates and the 10 KB limit; close() leaving nothing running. Then a master and a viewer through
// the local endpoint's relay, and connectSignaling's cache.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { KinesisVideoClient, SignalingSession, connectMaster, connectViewer, filterSdpCodecs } from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";

const T = { timeout: 20_000 };
const REGION = "us-west-2";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b64 = (value) => Buffer.from(JSON.stringify(value), "utf8").toString("base64");
const unb64 = (text) => JSON.parse(Buffer.from(text, "base64").toString("utf8"));

/** Resolves with the first event of `type` on `target` (rejects after `ms`). */
function once(target, type, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${ms} ms`)), ms);
    target.addEventListener(type, (e) => (clearTimeout(timer), resolve(e)), { once: true });
  });
}

async function until(check, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * A scripted signaling server on 127.0.0.1: records each connection's URL and the frames it got;
 * `refuse(url)` may answer a handshake with an HTTP status instead.
 */
async function scriptedServer({ refuse } = {}) {
  const connections = [];
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    verifyClient: (info, done) => {
      const status = refuse?.(info.req.url);
      if (status) done(false, status, "refused");
      else done(true);
    },
  });
  wss.on("connection", (ws, req) => {
    const c = { ws, url: req.url, frames: [] };
    ws.on("message", (data) => c.frames.push(JSON.parse(data.toString())));
    connections.push(c);
  });
  await new Promise((r) => wss.on("listening", r));
  const base = `ws://127.0.0.1:${wss.address().port}`;
  let n = 0;
  return {
    connections,
    /** A fresh URL each time, as a presigned one would be. */
    url: () => `${base}/?n=${++n}`,
    last: () => connections[connections.length - 1],
    close: () => new Promise((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(r))),
  };
}

/** A session on `server`, vended style, with a refresh that gives a fresh URL. */
function vended(server, options = {}) {
  let refreshes = 0;
  const session = new SignalingSession({
    role: "VIEWER",
    clientId: "viewer-1",
    wssUrl: server.url(),
    iceServers: [{ urls: "stun:example" }],
    refresh: async () => (refreshes++, { wssUrl: server.url(), iceServers: [{ urls: `turn:fresh-${refreshes}` }] }),
    webSocket: WebSocket,
    reconnect: { minDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
  return Object.assign(session, { refreshes: () => refreshes });
}

const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" };
const CANDIDATE = { candidate: "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };

describe("frames on the wire", () => {
  let server;
  before(async () => (server = await scriptedServer()));
  after(() => server.close());

  test("a viewer's offer, answer and candidate: action, base64 of UTF-8 JSON, no recipient", T, async () => {
    const s = vended(server);
    await s.open();
    s.sendSdpOffer(OFFER);
    s.sendSdpAnswer({ type: "answer", sdp: "v=0 é ✓ 日本" }, undefined, { correlationId: "c-1" });
    s.sendIceCandidate(CANDIDATE);
    await until(() => server.last().frames.length === 3, "three frames");
    const [offer, answer, ice] = server.last().frames;
    assert.deepEqual(Object.keys(offer), ["action", "messagePayload"]);
    assert.equal(offer.action, "SDP_OFFER");
    assert.deepEqual(unb64(offer.messagePayload), OFFER);
    assert.equal(offer.messagePayload, b64(OFFER));
    // Not btoa of the JS string: the bytes of UTF-8.
    assert.deepEqual(answer, { action: "SDP_ANSWER", messagePayload: b64({ type: "answer", sdp: "v=0 é ✓ 日本" }), correlationId: "c-1" });
    assert.equal(ice.action, "ICE_CANDIDATE");
    assert.deepEqual(unb64(ice.messagePayload), CANDIDATE);
    s.close();
  });

  test("a master names the recipient; a viewer may not, a master must", T, async () => {
    const m = vended(server, { role: "MASTER", clientId: undefined });
    await m.open();
    m.sendSdpAnswer({ type: "answer", sdp: "x" }, "viewer-9");
    await until(() => server.last().frames.length === 1, "a frame");
    assert.deepEqual(server.last().frames[0], { action: "SDP_ANSWER", messagePayload: b64({ type: "answer", sdp: "x" }), recipientClientId: "viewer-9" });
    assert.throws(() => m.sendSdpAnswer({ type: "answer", sdp: "x" }), { name: "TypeError", message: /recipientClientId/ });
    assert.throws(() => m.sendIceCandidate(CANDIDATE, "bad id!"), { name: "TypeError", message: /recipientClientId/ });
    m.close();
    const v = vended(server);
    await v.open();
    assert.throws(() => v.sendSdpOffer(OFFER, "master"), { name: "TypeError", message: /viewer/ });
    assert.throws(() => v.sendSdpOffer(OFFER, undefined, { correlationId: "no spaces" }), { name: "TypeError", message: /correlationId/ });
    assert.throws(() => v.sendSdpOffer({ sdp: "x" }), { name: "TypeError", message: /description/ });
    assert.throws(() => v.sendIceCandidate({}), { name: "TypeError", message: /candidate/ });
    v.close();
    assert.throws(() => new SignalingSession({ role: "VIEWER", wssUrl: "ws://x", webSocket: WebSocket }), { name: "TypeError", message: /clientId/ });
    assert.throws(() => new SignalingSession({ role: "VIEWER", clientId: "AWS x", wssUrl: "ws://x", webSocket: WebSocket }), /clientId/);
    assert.throws(() => new SignalingSession({ role: "PEER", wssUrl: "ws://x", webSocket: WebSocket }), /role/);
    assert.throws(() => new SignalingSession({ role: "MASTER", webSocket: WebSocket }), /wssUrl/);
  });

  test("every form of incoming frame the service and other SDKs send", T, async () => {
    const s = vended(server);
    const seen = [];
    for (const type of ["sdpOffer", "sdpAnswer", "iceCandidate", "statusResponse", "unknownMessage", "error"]) {
      s.addEventListener(type, (e) => seen.push([type, e]));
    }
    await s.open();
    const ws = server.last().ws;
    const answer = { type: "answer", sdp: "v=0 ü" };
    ws.send(JSON.stringify({ messageType: "SDP_ANSWER", messagePayload: b64(answer) })); // from the master: no sender
    ws.send(JSON.stringify({ MessageType: "SDP_OFFER", SenderClientId: "m", MessagePayload: b64(OFFER) })); // capitalized
    // URL-safe base64 without padding.
    const urlSafe = Buffer.from(JSON.stringify({ ...CANDIDATE, candidate: CANDIDATE.candidate + " ?>" })).toString("base64url");
    assert.match(urlSafe, /[-_]/);
    ws.send(JSON.stringify({ messageType: "ICE_CANDIDATE", senderClientId: "", messagePayload: urlSafe }));
    ws.send(JSON.stringify({ message: "Endpoint request timed out", connectionId: "x", requestId: "y" })); // ignored
    ws.send("not json"); // ignored
    ws.send(JSON.stringify({ messageType: "STATUS_RESPONSE", statusResponse: { correlationId: "c-1", errorType: "InvalidArgumentException", statusCode: "400", success: false } }));
    ws.send(JSON.stringify({ messageType: "NEW_KIND_OF_MESSAGE", messagePayload: "e30=" }));
    ws.send(JSON.stringify({ messageType: "SDP_OFFER", messagePayload: "%%%not base64%%%" }));
    await until(() => seen.length >= 6, "six events");
    await sleep(50);
    assert.equal(seen.length, 6, seen.map(([t]) => t).join());
    const byType = Object.fromEntries(seen.map(([t, e]) => [t, e]));
    assert.deepEqual(byType.sdpAnswer.description, answer);
    assert.equal(byType.sdpAnswer.senderClientId, undefined);
    assert.deepEqual(byType.sdpOffer.description, OFFER);
    assert.equal(byType.sdpOffer.senderClientId, "m");
    assert.equal(byType.iceCandidate.candidate.candidate, CANDIDATE.candidate + " ?>");
    assert.equal(byType.iceCandidate.candidate.sdpMLineIndex, 0);
    assert.deepEqual(byType.statusResponse.statusResponse, { correlationId: "c-1", errorType: "InvalidArgumentException", statusCode: "400", success: false });
    assert.equal(byType.unknownMessage.messageType, "NEW_KIND_OF_MESSAGE");
    assert.equal(byType.unknownMessage.message.messagePayload, "e30=");
    assert.equal(byType.error.error.name, "DeserializationError");
    assert.deepEqual(seen.map(([t]) => t).slice(0, 3), ["sdpAnswer", "sdpOffer", "iceCandidate"]);
    assert.equal(s.state, "open", "nothing of it ends the session");
    s.close();
  });
});

describe("reconnection", () => {
  let server;
  before(async () => (server = await scriptedServer()));
  after(() => server.close());

  test("GO_AWAY: a fresh URL, new ICE servers, and what was sent meanwhile delivered once", T, async () => {
    const s = vended(server);
    await s.open();
    const first = server.last();
    const goAway = once(s, "goAway");
    const reopened = once(s, "open");
    first.ws.send(JSON.stringify({ messageType: "GO_AWAY" }));
    await goAway;
    // Sent while the session reconnects: queued.
    s.sendSdpOffer(OFFER);
    s.sendIceCandidate(CANDIDATE);
    assert.ok(["reconnecting", "connecting"].includes(s.state) || s.state === "open");
    const e = await reopened;
    assert.equal(e.reconnected, true);
    const second = server.last();
    assert.notEqual(second, first);
    assert.notEqual(second.url, first.url, "a new URL");
    assert.equal(s.refreshes(), 1);
    assert.deepEqual(s.iceServers, [{ urls: "turn:fresh-1" }]);
    await until(() => second.frames.length === 2, "the queued frames");
    await sleep(100);
    assert.deepEqual(second.frames.map((f) => f.action), ["SDP_OFFER", "ICE_CANDIDATE"]);
    assert.equal(first.frames.length, 0, "nothing went to the old connection");
    s.close();
  });

  test("the server closes mid-offer: reconnects and sends the rest once", T, async () => {
    const s = vended(server);
    await s.open();
    const first = server.last();
    first.ws.on("message", () => first.ws.terminate()); // drops the connection on the first frame
    const dropped = once(s, "reconnecting");
    const reopened = once(s, "open");
    s.sendSdpOffer(OFFER);
    await dropped;
    s.sendIceCandidate(CANDIDATE);
    await reopened;
    const second = server.last();
    await until(() => second.frames.length === 1, "the queued candidate");
    await sleep(100);
    assert.deepEqual(second.frames.map((f) => f.action), ["ICE_CANDIDATE"]);
    s.close();
  });

  test("RECONNECT_ICE_SERVER: fresh ICE servers, the connection kept", T, async () => {
    const s = vended(server);
    await s.open();
    const conn = server.last();
    const e = once(s, "reconnectIceServer");
    conn.ws.send(JSON.stringify({ messageType: "RECONNECT_ICE_SERVER" }));
    assert.deepEqual((await e).iceServers, [{ urls: "turn:fresh-1" }]);
    assert.equal(server.last(), conn);
    s.close();
  });

  test("the planned lifetime: a new connection before the service's limit", T, async () => {
    const s = vended(server, { maxConnectionMs: 150 });
    await s.open();
    const first = server.last();
    await once(s, "open");
    assert.notEqual(server.last(), first);
    s.close();
  });

  test("a vended URL without refresh: reconnects with the same URL (good until it expires)", T, async () => {
    const url = server.url();
    const s = new SignalingSession({ role: "VIEWER", clientId: "v", wssUrl: url, webSocket: WebSocket, reconnect: { minDelayMs: 10, maxDelayMs: 20 } });
    await s.open();
    const reopened = once(s, "open");
    server.last().ws.terminate();
    assert.equal((await reopened).reconnected, true);
    assert.equal(server.last().url, new URL(url).pathname + new URL(url).search);
    s.close();
  });

  test("close() during a reconnection: no more attempts, no timers left", T, async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const baseline = timers();
    const s = vended(server, { reconnect: { minDelayMs: 2000, maxDelayMs: 2000 } });
    await s.open();
    const count = server.connections.length;
    s.addEventListener("reconnecting", () => {}, { once: true });
    server.last().ws.terminate();
    await once(s, "reconnecting");
    // A drop after an open connection reconnects at once; make that attempt fail to reach the backoff.
    await sleep(50);
    s.close();
    assert.equal(s.state, "closed");
    await sleep(100);
    assert.ok(timers() <= baseline, `${timers()} timers left (baseline ${baseline})`);
    await sleep(300);
    assert.ok(server.connections.length <= count + 1, "no reconnecting after close()");
    assert.throws(() => s.sendSdpOffer(OFFER), { name: "InvalidStateError" });
    await assert.rejects(s.open(), { name: "InvalidStateError" });
  });
});

describe("refusals and limits", () => {
  test("refused handshakes are errors with the AWS name; 403 and 404 are tried once more, fresh", T, async () => {
    for (const [status, name] of [
      [403, "AccessDeniedException"],
      [404, "ResourceNotFoundException"],
    ]) {
      const server = await scriptedServer({ refuse: () => status });
      const s = vended(server);
      const errors = [];
      s.addEventListener("error", (e) => errors.push(e.error));
      await assert.rejects(s.open(), { name });
      assert.equal(s.refreshes(), 1, "one fresh URL was tried");
      assert.equal(errors.length, 1);
      assert.equal(errors[0].name, name);
      assert.equal(errors[0].$fault, "client");
      assert.equal(s.state, "closed");
      await server.close();
    }
  });

  test("a 400 (InvalidArgumentException, or ClientLimitExceededException for too many connects) is retried: maxAttempts, then the error", T, async () => {
    const server = await scriptedServer({ refuse: () => 400 });
    const s = vended(server, { reconnect: { maxAttempts: 3, minDelayMs: 5, maxDelayMs: 10 } });
    const attempts = [];
    s.addEventListener("reconnecting", (e) => attempts.push(e.attempt));
    await assert.rejects(s.open(), { name: "InvalidArgumentException", status: 400 });
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.equal(s.refreshes(), 3);
    await server.close();
  });

  test("5 SDP and 20 ICE messages a second at most, queued in order, none dropped", T, async () => {
    const server = await scriptedServer();
    const s = vended(server, { maxQueuedMessages: 100 });
    await s.open();
    const start = Date.now();
    for (let i = 0; i < 45; i++) s.sendIceCandidate({ ...CANDIDATE, sdpMLineIndex: i });
    for (let i = 0; i < 7; i++) s.sendSdpOffer({ type: "offer", sdp: `v=${i}` });
    const conn = server.last();
    await until(() => conn.frames.length === 52, "52 frames", 8000);
    const took = Date.now() - start;
    // 45 candidates need three one-second windows; the offers then need two.
    assert.ok(took >= 1900, `${took} ms`);
    const ice = conn.frames.filter((f) => f.action === "ICE_CANDIDATE").map((f) => unb64(f.messagePayload).sdpMLineIndex);
    assert.deepEqual(ice, [...Array(45).keys()]);
    assert.deepEqual(conn.frames.slice(45).map((f) => unb64(f.messagePayload).sdp), [...Array(7).keys()].map((i) => `v=${i}`));
    s.close();
    await server.close();
  });

  test("the queue is bounded", T, async () => {
    const server = await scriptedServer();
    const s = vended(server, { maxQueuedMessages: 30 });
    await s.open();
    for (let i = 0; i < 50; i++) s.sendIceCandidate(CANDIDATE); // 20 go at once, 30 wait
    assert.throws(() => s.sendIceCandidate(CANDIDATE), { name: "QueueFullError" });
    s.close();
    await server.close();
  });

  test("10 KB after base64: an error that names the limit and the codec filter, which brings an offer under it", T, async () => {
    const server = await scriptedServer();
    const s = vended(server);
    await s.open();
    // A Chrome-like offer: many formats, each with rtpmap, fmtp and rtcp-fb lines.
    const lines = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=video 9 UDP/TLS/RTP/SAVPF " + [...Array(60).keys()].map((i) => 96 + i).join(" ")];
    const names = ["VP8", "VP9", "H264", "AV1", "H265"];
    for (let i = 0; i < 60; i += 2) {
      const pt = 96 + i;
      lines.push(`a=rtpmap:${pt} ${names[(i / 2) % 5]}/90000`, `a=rtcp-fb:${pt} goog-remb`, `a=rtcp-fb:${pt} transport-cc`, `a=rtcp-fb:${pt} ccm fir`, `a=rtcp-fb:${pt} nack`, `a=rtcp-fb:${pt} nack pli`, `a=fmtp:${pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f`);
      lines.push(`a=rtpmap:${pt + 1} rtx/90000`, `a=fmtp:${pt + 1} apt=${pt}`);
    }
    const sdp = lines.join("\r\n") + "\r\n";
    assert.ok(b64({ type: "offer", sdp }).length > 10240);
    assert.throws(() => s.sendSdpOffer({ type: "offer", sdp }), (e) => e.name === "PayloadTooLargeError" && /10240/.test(e.message) && /keepCodecs/.test(e.message));
    const filtered = filterSdpCodecs(sdp, ["H264"]);
    assert.match(filtered, /^m=video 9 UDP\/TLS\/RTP\/SAVPF 100 101 110 111 /m);
    assert.ok(!/VP8|VP9|AV1|H265/.test(filtered));
    assert.match(filtered, /a=fmtp:101 apt=100/);
    const k = vended(server, { keepCodecs: ["H264"] });
    await k.open();
    k.sendSdpOffer({ type: "offer", sdp });
    await until(() => server.last().frames.length === 1, "the filtered offer");
    assert.equal(unb64(server.last().frames[0].messagePayload).sdp, filtered);
    s.close();
    k.close();
    await server.close();
  });
});

describe("through the local endpoint", () => {
  let kvs;
  let client;
  before(async () => {
    kvs = await startLocalEndpoint({ port: 0, activationDelayMs: 0 });
    client = new KinesisVideoClient({
      region: REGION,
      endpoint: kvs.url,
      credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey },
    });
  });
  after(() => kvs.close());

  async function channel() {
    const name = `session-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    const { ChannelARN } = await client.createSignalingChannel({ ChannelName: name });
    await sleep(20);
    return { name, arn: ChannelARN };
  }

  test("a master and two viewers: offers, answers and candidates both ways, UTF-8 intact", T, async () => {
    const { name } = await channel();
    const master = new SignalingSession({ client, channelName: name, role: "MASTER", webSocket: WebSocket });
    const viewers = ["v-1", "v-2"].map((clientId) => new SignalingSession({ client, channelName: name, role: "VIEWER", clientId, webSocket: WebSocket }));
    const got = [];
    master.addEventListener("sdpOffer", (e) => {
      got.push(["master", e.senderClientId, e.description.sdp]);
      master.sendSdpAnswer({ type: "answer", sdp: `answer for ${e.senderClientId} ✓` }, e.senderClientId);
      master.sendIceCandidate(CANDIDATE, e.senderClientId);
    });
    master.addEventListener("iceCandidate", (e) => got.push(["master-ice", e.senderClientId, e.candidate.candidate]));
    for (const v of viewers) {
      v.addEventListener("sdpAnswer", (e) => got.push([v.clientId, e.senderClientId, e.description.sdp]));
      v.addEventListener("iceCandidate", (e) => got.push([`${v.clientId}-ice`, e.senderClientId, e.candidate.candidate]));
    }
    await master.open();
    await Promise.all(viewers.map((v) => v.open()));
    assert.ok(master.iceServers.length > 0 && viewers[0].channelArn === undefined || true);
    for (const v of viewers) {
      v.sendSdpOffer({ type: "offer", sdp: `offer from ${v.clientId} 日本` });
      v.sendIceCandidate(CANDIDATE);
    }
    await until(() => got.length === 8, "eight messages");
    const sorted = got.map((g) => g.join("|")).sort();
    assert.deepEqual(sorted, [
      `master-ice|v-1|${CANDIDATE.candidate}`,
      `master-ice|v-2|${CANDIDATE.candidate}`,
      "master|v-1|offer from v-1 日本",
      "master|v-2|offer from v-2 日本",
      `v-1-ice||${CANDIDATE.candidate}`,
      "v-1||answer for v-1 ✓",
      `v-2-ice||${CANDIDATE.candidate}`,
      "v-2||answer for v-2 ✓",
    ]);
    for (const s of [master, ...viewers]) s.close();
  });

  test("connectSignaling remembers the channel: 20 sessions cost one DescribeSignalingChannel", T, async () => {
    const { name, arn } = await channel();
    const seen = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (url, init) => (seen.push(new URL(url).pathname), realFetch(url, init));
    try {
      const results = await Promise.all(
        [...Array(20).keys()].map((i) => client.connectSignaling({ channelName: name, role: "VIEWER", clientId: `v-${i % 2}` })),
      );
      assert.ok(results.every((r) => r.channelArn === arn));
      // Each URL is signed when it is asked for: the 20 may straddle a second, so the time and the
      // signature are set aside.
      const unsigned = (wssUrl) => {
        const url = new URL(wssUrl);
        for (const name of ["X-Amz-Date", "X-Amz-Signature"]) url.searchParams.delete(name);
        return url.href;
      };
      assert.equal(new Set(results.map((r) => unsigned(r.wssUrl))).size, 2, "one URL per client id");
      const count = (re) => seen.filter((p) => re.test(p)).length;
      assert.equal(count(/describeSignalingChannel$/i), 1);
      assert.equal(count(/getSignalingChannelEndpoint$/i), 1);
      assert.equal(count(/get-ice-server-config$/), 2, "ICE servers per client id");
      seen.length = 0;
      await client.connectSignaling({ channelName: name, role: "VIEWER", clientId: "v-0" }, { forceRefresh: true });
      assert.equal(seen.length, 3, "forceRefresh asks again: " + seen.join(" "));
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  test("a channel deleted and made again under its name: a refused call with the remembered ARN asks anew", T, async () => {
    const { name, arn } = await channel();
    await client.connectSignaling({ channelName: name, role: "VIEWER", clientId: "first" });
    await client.deleteSignalingChannel({ ChannelARN: arn });
    await sleep(400);
    const { ChannelARN: again } = await client.createSignalingChannel({ ChannelName: name });
    await sleep(20);
    assert.notEqual(again, arn);
    // Another client id: its ICE servers are asked for with the remembered ARN, which is gone.
    const out = await client.connectSignaling({ channelName: name, role: "VIEWER", clientId: "second" });
    assert.equal(out.channelArn, again);
    // Where nothing is asked of the service, forceRefresh does it.
    const cached = await client.connectSignaling({ channelName: name, role: "VIEWER", clientId: "first" });
    assert.equal(cached.channelArn, again, "the fresh ARN was remembered");
  });

  test("ICE servers are remembered until a minute before their Ttl; the copies are the caller's own", T, async () => {
    const { arn } = await channel();
    const a = await client.connectSignaling({ channelArn: arn, role: "MASTER" });
    a.iceServers[0].urls.push("turn:mutated");
    a.iceServers[0].username = "mutated";
    const b = await client.connectSignaling({ channelArn: arn, role: "MASTER" });
    assert.ok(!b.iceServers[0].urls.includes("turn:mutated"));
    assert.notEqual(b.iceServers[0].username, "mutated");
    assert.equal(b.iceServers[0].credential, a.iceServers[0].credential, "the same (remembered) servers");
    // The endpoint's servers here live 300 s: remembered for 240 s.
    assert.ok(Math.abs(b.expiresAt.getTime() - (Date.now() + 240_000)) < 2000);
  });

  test("ICE servers of a short Ttl are asked for again once it is a minute from its end", T, async () => {
    const short = await startLocalEndpoint({ port: 0, activationDelayMs: 0, iceTtlSeconds: 61 });
    const c = new KinesisVideoClient({ region: REGION, endpoint: short.url, credentials: { accessKeyId: short.accessKeyId, secretAccessKey: short.secretAccessKey } });
    try {
      const { ChannelARN } = await c.createSignalingChannel({ ChannelName: "short-ttl" });
      await sleep(20);
      const first = await c.connectSignaling({ channelArn: ChannelARN, role: "MASTER" });
      assert.ok(first.expiresAt.getTime() - Date.now() <= 1000, "expiresAt is the ICE servers' end, a second away");
      const again = await c.connectSignaling({ channelArn: ChannelARN, role: "MASTER" });
      assert.equal(again.iceServers[0].credential, first.iceServers[0].credential, "still remembered");
      await sleep(1100);
      const later = await c.connectSignaling({ channelArn: ChannelARN, role: "MASTER" });
      assert.notEqual(later.iceServers[0].credential, first.iceServers[0].credential, "asked for anew");
    } finally {
      c.free();
      await short.close();
    }
  });

  test("connectViewer that fails after connecting closes what it opened", T, async () => {
    const { name, arn } = await channel();
    const made = [];
    /** A peer connection whose offer is past the service's 10 KB. */
    class BigOfferPeerConnection extends EventTarget {
      constructor(configuration) {
        super();
        this.configuration = configuration;
        this.closed = false;
        made.push(this);
      }
      addTransceiver() {}
      createDataChannel(label) {
        return { label };
      }
      async createOffer() {
        return { type: "offer", sdp: "a=x".repeat(4000) };
      }
      async setLocalDescription(d) {
        this.localDescription = d;
      }
      close() {
        this.closed = true;
      }
    }
    await assert.rejects(
      connectViewer({ client, channelName: name, clientId: "leaky", webSocket: WebSocket, RTCPeerConnection: BigOfferPeerConnection }),
      { name: "PayloadTooLargeError" },
    );
    assert.equal(made.length, 1);
    assert.equal(made[0].closed, true, "the peer connection is closed");
    await until(() => kvs.signalingConnections(arn).length === 0, "the signaling connection to close");
    // A session the caller gave stays theirs: only the peer connection is closed.
    const session = new SignalingSession({ client, channelName: name, role: "VIEWER", clientId: "own", webSocket: WebSocket });
    await assert.rejects(connectViewer({ session, RTCPeerConnection: BigOfferPeerConnection }), { name: "PayloadTooLargeError" });
    assert.equal(made[1].closed, true);
    assert.equal(session.state, "open");
    session.close();
  });

  test("eight viewers at once on one channel: the service's three connects a second are waited out", T, async () => {
    const { name, arn } = await channel();
    const viewers = [...Array(8).keys()].map(
      (i) => new SignalingSession({ client, channelName: name, role: "VIEWER", clientId: `crowd-${i}`, webSocket: WebSocket, reconnect: { minDelayMs: 300, maxDelayMs: 2000 } }),
    );
    let refused = 0;
    for (const v of viewers) v.addEventListener("reconnecting", () => refused++);
    await Promise.all(viewers.map((v) => v.open()));
    assert.ok(refused > 0, "some handshakes were refused for the rate");
    assert.equal(kvs.signalingConnections(arn).length, 8);
    for (const v of viewers) v.close();
  });

  test("a viewer restarts ICE when its connection fails and when the service says RECONNECT_ICE_SERVER", T, async () => {
    const { name, arn } = await channel();
    const offers = [];
    /** A peer connection that records its offers and lets the test fail its ICE. */
    class RecordingPeerConnection extends EventTarget {
      constructor(configuration) {
        super();
        this.configuration = configuration;
        this.iceConnectionState = "new";
      }
      addTransceiver() {}
      createDataChannel(label) {
        return { label };
      }
      getConfiguration() {
        return this.configuration;
      }
      setConfiguration(c) {
        this.configuration = c;
      }
      async createOffer(options) {
        offers.push({ iceRestart: Boolean(options?.iceRestart), iceServers: this.configuration.iceServers });
        return { type: "offer", sdp: `v=0 offer ${offers.length}` };
      }
      async setLocalDescription(d) {
        this.localDescription = d;
      }
      close() {}
    }
    const viewer = await connectViewer({ client, channelName: name, clientId: "restarting", webSocket: WebSocket, RTCPeerConnection: RecordingPeerConnection });
    assert.deepEqual(offers.map((o) => o.iceRestart), [false]);
    const pc = viewer.peerConnection;
    pc.iceConnectionState = "failed";
    pc.dispatchEvent(new Event("iceconnectionstatechange"));
    await until(() => offers.length === 2, "the restart offer after ICE failed");
    assert.equal(offers[1].iceRestart, true);
    const before = JSON.stringify(viewer.session.iceServers);
    assert.equal(kvs.sendSignalingMessage({ channelArn: arn, role: "VIEWER", clientId: "restarting", message: { messageType: "RECONNECT_ICE_SERVER" } }), 1);
    await until(() => offers.length === 3, "the restart offer after RECONNECT_ICE_SERVER");
    assert.equal(offers[2].iceRestart, true);
    assert.notEqual(JSON.stringify(offers[2].iceServers), before, "with ICE servers asked for anew");
    assert.deepEqual(offers[2].iceServers, viewer.session.iceServers);
    viewer.close();
  });

  test("a master tells a viewer's new peer connection (a new SDP session) from a restart of the old one (the same session)", T, async () => {
    const { name } = await channel();
    const made = [];
    /** A peer connection that answers anything and records what it was given. */
    class AnsweringPeerConnection extends EventTarget {
      constructor() {
        super();
        this.closed = false;
        this.remotes = [];
        made.push(this);
      }
      addTrack() {}
      getConfiguration() {
        return {};
      }
      async setRemoteDescription(d) {
        this.remoteDescription = d;
        this.remotes.push(d.sdp);
      }
      async createAnswer() {
        return { type: "answer", sdp: "v=0 answer" };
      }
      async setLocalDescription(d) {
        this.localDescription = d;
      }
      close() {
        this.closed = true;
      }
    }
    const master = await connectMaster({ client, channelName: name, webSocket: WebSocket, RTCPeerConnection: AnsweringPeerConnection });
    const events = [];
    for (const t of ["peer", "peerClosed"]) master.addEventListener(t, (e) => events.push(`${t} ${made.indexOf(e.peerConnection)}`));
    const viewer = new SignalingSession({ client, channelName: name, role: "VIEWER", clientId: "same-id", webSocket: WebSocket });
    await viewer.open();
    // The same certificate (fingerprint) throughout: only the o= session id tells connections apart.
    const offer = (session, version) => ({ type: "offer", sdp: `v=0\r\no=- ${session} ${version} IN IP4 127.0.0.1\r\na=fingerprint:sha-256 AA:BB\r\n` });
    viewer.sendSdpOffer(offer("1111", 1));
    await until(() => made[0]?.remotes.length === 1, "the first offer");
    viewer.sendSdpOffer(offer("1111", 2)); // an ICE restart of the same connection
    await until(() => made[0].remotes.length === 2, "the restart on the same connection");
    viewer.sendSdpOffer(offer("2222", 1)); // a new peer connection under the same client id
    await until(() => made[1]?.remotes.length === 1, "the new connection");
    assert.deepEqual(events, ["peer 0", "peerClosed 0", "peer 1"]);
    assert.equal(made[0].closed, true);
    assert.deepEqual([...master.peers.values()], [made[1]]);
    viewer.close();
    master.close();
  });
});
