// Hostile signaling servers (scripted, on 127.0.0.1): one that drops the connection mid-handshake,
// one that never answers the handshake, one that sends garbage frames, one that floods. Each ends
// in the documented result for our SignalingSession, beside what the KVS WebRTC SDK's
// SignalingClient (the reference for this protocol) does against the same server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { SigV4RequestSigner, SignalingClient } from "amazon-kinesis-video-streams-webrtc";
import { SignalingSession } from "../../pkg/node.js";

const T = { timeout: 30_000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CREDS = { accessKeyId: "AKIDHOSTILE000000000", secretAccessKey: "hostile-secret" };
const ARN = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/hostile/1";
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64");

// The SDK opens `new WebSocket(url)` with the global one, which Node 20 lacks.
before(() => (globalThis.WebSocket = WebSocket));
after(() => delete globalThis.WebSocket);

/** A TCP server whose every connection gets `onSocket(socket)` (nothing else answers). */
async function tcpServer(onSocket) {
  const sockets = new Set();
  const server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    onSocket(s);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `ws://127.0.0.1:${server.address().port}/`,
    connections: () => sockets.size,
    close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(r))),
  };
}

/** A WebSocket server whose every connection gets `onConnection(ws)`. */
async function wsServer(onConnection) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  let count = 0;
  wss.on("connection", (ws) => (count++, onConnection(ws)));
  await new Promise((r) => wss.on("listening", r));
  return {
    url: `ws://127.0.0.1:${wss.address().port}/`,
    connections: () => count,
    close: () => new Promise((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(r))),
  };
}

/** Our session against `url` (a viewer), with quick retries. */
function ours(url, options = {}) {
  return new SignalingSession({
    role: "VIEWER",
    clientId: "viewer-1",
    wssUrl: url,
    refresh: async () => ({ wssUrl: url }),
    webSocket: WebSocket,
    connectTimeoutMs: 300,
    reconnect: { maxAttempts: 2, minDelayMs: 10, maxDelayMs: 20 },
    ...options,
  });
}

/** The SDK's SignalingClient against `url` (a viewer), recording its events. Its signer takes
 *  only wss:// endpoints: it signs that form and connects with ws:// (the scheme is not signed). */
function sdk(url) {
  const signer = new SigV4RequestSigner("us-west-2", CREDS);
  const requestSigner = {
    getSignedURL: async (endpoint, query, date) =>
      (await signer.getSignedURL(endpoint.replace("ws://", "wss://"), query, date)).replace("wss://", "ws://"),
  };
  const client = new SignalingClient({ channelARN: ARN, channelEndpoint: url, clientId: "viewer-1", role: "VIEWER", region: "us-west-2", requestSigner });
  const events = [];
  for (const type of ["open", "close", "error", "sdpOffer", "sdpAnswer", "iceCandidate", "statusResponse"]) {
    client.on(type, (...args) => events.push([type, ...args]));
  }
  return { client, events, types: () => events.map(([t]) => t) };
}

test("a server that drops the connection mid-handshake: we retry, then an error and close; the SDK reports an error once", T, async () => {
  const server = await tcpServer((s) => s.once("data", () => s.destroy()));
  const s = ours(server.url);
  const types = [];
  for (const t of ["reconnecting", "error", "close"]) s.addEventListener(t, () => types.push(t));
  await assert.rejects(s.open(), { name: "SignalingConnectionError" });
  assert.deepEqual(types, ["reconnecting", "reconnecting", "error", "close"]);
  assert.equal(server.connections(), 3, "the first try and two retries");
  assert.equal(s.state, "closed");

  const ref = sdk(server.url);
  ref.client.open();
  await sleep(500);
  assert.equal(ref.types()[0], "error");
  assert.ok(!ref.types().includes("open"));
  assert.equal(server.connections(), 4, "one try of the SDK's, no retry");
  await server.close();
});

test("a server that never answers the handshake: we give up after connectTimeoutMs; the SDK waits on", T, async () => {
  const server = await tcpServer(() => {}); // reads the upgrade request, never answers
  const s = ours(server.url);
  const started = Date.now();
  await assert.rejects(s.open(), { name: "TimeoutError", message: /did not open within 300 ms/ });
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 3000, `${took} ms for three tries of 300 ms`);

  const ref = sdk(server.url);
  ref.client.open();
  await sleep(1500);
  assert.deepEqual(ref.types(), [], "no event at all after 1.5 s");
  ref.client.close();
  await server.close();
});

test("garbage frames: ignored, or an error event for a known type whose payload is not base64 JSON; the session stays open (the SDK passes on a string candidate and throws on a null frame)", T, async () => {
  const answer = { type: "answer", sdp: "v=0" };
  const garbage = [
    Buffer.from([0xff, 0x00, 0xfe, 0x01]), // binary
    "{not json",
    "[]",
    "null",
    "42",
    JSON.stringify({ messageType: 42 }),
    JSON.stringify({ messageType: "SDP_ANSWER", messagePayload: 42 }),
    JSON.stringify({ messageType: "SDP_ANSWER", messagePayload: "!!!" }),
    JSON.stringify({ messageType: "ICE_CANDIDATE", messagePayload: b64("not an object") }),
    "x".repeat(1 << 20),
  ];
  let frames = garbage;
  const server = await wsServer((ws) => {
    for (const g of frames) ws.send(g);
    ws.send(JSON.stringify({ messageType: "SDP_ANSWER", messagePayload: b64(answer) }));
  });
  const s = ours(server.url);
  const seen = [];
  for (const t of ["sdpAnswer", "iceCandidate", "error", "unknownMessage", "close", "reconnecting"]) {
    s.addEventListener(t, (e) => seen.push([t, e]));
  }
  await s.open();
  await sleep(300);
  const types = seen.map(([t]) => t);
  // Known types with unreadable payloads are errors; a messageType that is no string is unknown.
  assert.deepEqual(types, ["unknownMessage", "error", "error", "iceCandidate", "sdpAnswer"]);
  assert.ok(seen.filter(([t]) => t === "error").every(([, e]) => e.error.name === "DeserializationError"));
  assert.deepEqual(seen.at(-1)[1].description, answer);
  assert.equal(s.state, "open");
  s.close();

  // The SDK drops the other garbage silently, passes on the answer, and a candidate whose payload
  // is a JSON string (held until the answer, as it holds a viewer's early candidates)...
  frames = garbage.filter((g) => g !== "null");
  const ref = sdk(server.url);
  ref.client.open();
  await sleep(300);
  assert.deepEqual(ref.types(), ["open", "sdpAnswer", "iceCandidate"]);
  assert.equal(ref.events[2][1], "not an object");
  ref.client.close();
  await server.close();

  // ...but a `null` frame throws out of its message handler, uncaught (which ends a Node process):
  // run in a process of its own.
  const nullServer = await wsServer((ws) => ws.send("null"));
  const script = `
    import WebSocket from ${JSON.stringify(import.meta.resolve("ws"))};
    import { SigV4RequestSigner, SignalingClient } from ${JSON.stringify(import.meta.resolve("amazon-kinesis-video-streams-webrtc"))};
    globalThis.WebSocket = WebSocket;
    const signer = new SigV4RequestSigner("us-west-2", ${JSON.stringify(CREDS)});
    const requestSigner = { getSignedURL: async (e, q, d) => (await signer.getSignedURL(e.replace("ws://", "wss://"), q, d)).replace("wss://", "ws://") };
    const c = new SignalingClient({ channelARN: ${JSON.stringify(ARN)}, channelEndpoint: ${JSON.stringify(nullServer.url)}, clientId: "v", role: "VIEWER", region: "us-west-2", requestSigner });
    c.open();
    setTimeout(() => process.exit(0), 2000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((r) => child.on("close", r));
  assert.notEqual(code, 0, "the SDK's process ended with an error");
  assert.match(stderr, /Cannot read properties of null \(reading 'messageType'\)/);
  await nullServer.close();
});

test("a flood of 20,000 messages: every one an event, memory bounded, the session still sends", T, async () => {
  const N = 20_000;
  const candidate = b64({ candidate: "candidate:1 1 udp 1 10.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 });
  let received = 0;
  const server = await wsServer((ws) => {
    ws.on("message", () => received++);
    ws.send(JSON.stringify({ messageType: "SDP_ANSWER", messagePayload: b64({ type: "answer", sdp: "v=0" }) }));
    for (let i = 0; i < N; i++) ws.send(JSON.stringify({ messageType: "ICE_CANDIDATE", messagePayload: candidate }));
  });
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const s = ours(server.url);
  let count = 0;
  s.addEventListener("iceCandidate", () => count++);
  await s.open();
  const end = Date.now() + 15_000;
  while (count < N && Date.now() < end) await sleep(20);
  assert.equal(count, N);
  s.sendSdpOffer({ type: "offer", sdp: "v=0" });
  while (received < 1 && Date.now() < end) await sleep(10);
  assert.equal(received, 1, "the session still sends");
  const grown = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(grown < 64 * 1024 * 1024, `heap grew ${grown} B`);
  s.close();

  const ref = sdk(server.url);
  let refCount = 0;
  ref.client.on("iceCandidate", () => refCount++);
  ref.client.open();
  while (refCount < N && Date.now() < end + 15_000) await sleep(20);
  assert.equal(refCount, N, "the SDK passes them all on too");
  ref.client.close();
  await server.close();
});
