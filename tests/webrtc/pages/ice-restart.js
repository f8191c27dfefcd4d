// One side of the ICE restart test (ice-restart.mjs), one per page: this package's connectMaster
// (the fake camera to every viewer, every data-channel message echoed) or connectViewer (the
// master's video in the page's <video>, messages sent on demand). Each records, with Date.now()
// times, what its session and its peers reported, and can tell at any moment what its peer
// connections are: each gets a serial number the first time it is seen, so the test can tell the
// same RTCPeerConnection object from a new one. The page's WebSocket frames are recorded by frames.js.
import init, { KinesisVideoClient, SignalingSession, connectMaster, connectViewer } from "/pkg/web.js";
import { observeVideo } from "./media.js";

/** JSON-only copy (drops undefined members, as a JSON frame would). */
const plain = (v) => (v === undefined || v === null ? v : JSON.parse(JSON.stringify(v)));

export const state = { side: undefined, events: [], errors: [], received: [], echoes: [], tracks: 0 };
const record = (type, fields = {}) => state.events.push({ type, t: Date.now(), ...fields });

const serials = new WeakMap();
const seen = [];
/** The serial number of `pc` (1, 2, ... in the order first seen). */
const serial = (pc) => {
  if (!serials.has(pc)) {
    seen.push(pc);
    serials.set(pc, seen.length);
  }
  return serials.get(pc);
};

/** The ICE credentials and DTLS fingerprint of an SDP: what tells an ICE restart and a new connection. */
export function sdpIdentity(sdp) {
  if (typeof sdp !== "string") return null;
  const all = (re) => [...new Set([...sdp.matchAll(re)].map((m) => m[1].trim()))];
  return { ufrags: all(/^a=ice-ufrag:(.*)$/gm), pwds: all(/^a=ice-pwd:(.*)$/gm), fingerprints: all(/^a=fingerprint:(.*)$/gm) };
}

const servers = (list) => (list ?? []).map((s) => ({ urls: [].concat(s.urls ?? []), username: s.username, credential: s.credential }));

function client(config) {
  return new KinesisVideoClient({ region: config.region, credentials: config.credentials, endpoint: config.endpoint });
}

/** Every event of our session, with what tells one offer, answer or ICE server list from another. */
function recordSession(session) {
  for (const type of ["open", "sdpOffer", "sdpAnswer", "statusResponse", "goAway", "reconnectIceServer", "unknownMessage", "reconnecting", "close", "error"]) {
    session.addEventListener(type, (e) => {
      record(`session.${type}`, {
        senderClientId: e.senderClientId,
        sdpType: e.description?.type,
        sdp: sdpIdentity(e.description?.sdp) ?? undefined,
        iceServers: type === "reconnectIceServer" ? servers(e.iceServers) : undefined,
        sessionIceServers: type === "reconnectIceServer" ? servers(session.iceServers) : undefined,
        error: e.error ? `${e.error.name}: ${e.error.message}` : undefined,
        reason: e.reason,
      });
      if (type === "error" || type === "unknownMessage") state.errors.push(`session ${type}: ${e.error?.name ?? ""} ${e.error?.message ?? e.messageType}`);
    });
  }
}

/** The connection and ICE states of `pc` as events, from the moment it is first seen. */
function watch(pc, who) {
  const id = serial(pc);
  pc.addEventListener("connectionstatechange", () => record("pc.connectionState", { who, pc: id, state: pc.connectionState }));
  pc.addEventListener("iceconnectionstatechange", () => record("pc.iceConnectionState", { who, pc: id, state: pc.iceConnectionState }));
  pc.addEventListener("signalingstatechange", () => record("pc.signalingState", { who, pc: id, state: pc.signalingState }));
}

/** The candidate pair in use, with the ICE username fragments of both candidates (where Chromium reports them). */
async function selectedPair(pc) {
  if (pc.connectionState === "closed") return null;
  const stats = await pc.getStats();
  let pair;
  stats.forEach((s) => {
    if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  });
  if (!pair) return null;
  const side = (id) => {
    const c = stats.get(id);
    return c && { address: c.address ?? c.ip, port: c.port, protocol: c.protocol, candidateType: c.candidateType, usernameFragment: c.usernameFragment ?? null };
  };
  return { state: pair.state, nominated: pair.nominated, local: side(pair.localCandidateId), remote: side(pair.remoteCandidateId) };
}

/** What a peer connection is now. */
async function describe(pc) {
  return {
    pc: serial(pc),
    connectionState: pc.connectionState,
    iceConnectionState: pc.iceConnectionState,
    signalingState: pc.signalingState,
    configIceServers: pc.connectionState === "closed" ? null : servers(pc.getConfiguration().iceServers),
    local: sdpIdentity(pc.localDescription?.sdp),
    remote: sdpIdentity(pc.remoteDescription?.sdp),
    pair: await selectedPair(pc).catch((e) => ({ error: String(e) })),
  };
}

let current; // the master or the viewer this page runs

// ------------------------------------------------------------------------------------- master

/** Our master: connectMaster sending the fake camera, echoing every data-channel message. */
export async function master(config) {
  state.side = "MASTER";
  await init();
  const localStream = await navigator.mediaDevices.getUserMedia({ video: true });
  const session = new SignalingSession({ client: client(config), channelName: config.channelName, role: "MASTER" });
  recordSession(session);
  const m = await connectMaster({ session, localStream });
  current = m;
  record("ready");
  m.addEventListener("peer", (e) => {
    watch(e.peerConnection, `master/${e.remoteClientId}`);
    record("peer", { remoteClientId: e.remoteClientId, pc: serial(e.peerConnection) });
  });
  m.addEventListener("peerClosed", (e) => record("peerClosed", { remoteClientId: e.remoteClientId, pc: serial(e.peerConnection), state: e.peerConnection.connectionState }));
  m.addEventListener("error", (e) => {
    record("error", { remoteClientId: e.remoteClientId, error: `${e.error?.name}: ${e.error?.message}` });
    state.errors.push(`connectMaster error (${e.remoteClientId}): ${e.error?.name}: ${e.error?.message}`);
  });
  m.addEventListener("dataChannel", (e) => {
    const pc = serial(e.peerConnection);
    record("dataChannel", { remoteClientId: e.remoteClientId, pc, label: e.channel.label });
    e.channel.onmessage = (msg) => {
      state.received.push({ from: e.remoteClientId, pc, data: msg.data, t: Date.now() });
      e.channel.send(`echo: ${msg.data}`);
    };
  });
  return { ready: true };
}

/** The master now: its session's ICE servers, and each entry of master.peers; plus every connection it ever had. */
export async function masterInfo() {
  const peers = [];
  for (const [clientId, pc] of current.peers) peers.push({ clientId, ...(await describe(pc)) });
  const all = [];
  for (const pc of seen) all.push({ pc: serial(pc), connectionState: pc.connectionState });
  return { sessionIceServers: servers(current.session.iceServers), sessionState: current.session.state, peers, all };
}

// ------------------------------------------------------------------------------------- viewer

/** Our viewer: connectViewer, the master's video in the page's <video>, an echo of each message it sends. */
export async function viewer(config) {
  state.side = "VIEWER";
  await init();
  const session = new SignalingSession({ client: client(config), channelName: config.channelName, role: "VIEWER", clientId: config.clientId });
  recordSession(session);
  const v = await connectViewer({ session });
  current = v;
  watch(v.peerConnection, "viewer");
  record("ready", { pc: serial(v.peerConnection) });
  v.addEventListener("error", (e) => {
    record("error", { error: `${e.error?.name}: ${e.error?.message}` });
    state.errors.push(`connectViewer error: ${e.error?.name}: ${e.error?.message}`);
  });
  v.addEventListener("track", (e) => {
    state.tracks++;
    record("track", { kind: e.track.kind, stream: e.streams[0]?.id });
    document.querySelector("video").srcObject = e.streams[0];
  });
  v.dataChannel.onmessage = (m) => state.echoes.push({ data: m.data, t: Date.now() });
  v.dataChannel.onopen = () => record("dataChannelOpen");
  return { ready: true };
}

/** Sends `text` on the viewer's data channel (once it is open) and waits for its echo. */
export async function ping(text, timeoutMs = 8000) {
  const channel = current.dataChannel;
  const t0 = Date.now();
  while (channel.readyState !== "open") {
    if (Date.now() - t0 > timeoutMs) return { text, error: `the data channel is ${channel.readyState} after ${timeoutMs} ms` };
    await new Promise((r) => setTimeout(r, 20));
  }
  const sentAt = Date.now();
  channel.send(text);
  while (!state.echoes.some((e) => e.data === `echo: ${text}` && e.t >= sentAt)) {
    if (Date.now() - sentAt > timeoutMs) return { text, sentAt, error: `no echo within ${timeoutMs} ms (data channel ${channel.readyState})` };
    await new Promise((r) => setTimeout(r, 20));
  }
  const echo = state.echoes.find((e) => e.data === `echo: ${text}` && e.t >= sentAt);
  return { text, sentAt, echo: echo.data, roundTripMs: echo.t - sentAt };
}

/** The viewer now: its session's ICE servers and its one peer connection. */
export async function viewerInfo() {
  const video = document.querySelector("video");
  return {
    sessionIceServers: servers(current.session.iceServers),
    sessionState: current.session.state,
    peer: await describe(current.peerConnection),
    dataChannel: current.dataChannel.readyState,
    video: { stream: video.srcObject?.id ?? null, currentTime: video.currentTime, readyState: video.readyState },
  };
}

/** What the page's <video> plays (pages/media.js). */
export function observe(options) {
  return observeVideo(document.querySelector("video"), options);
}

/** Ends this side (the viewer: its peer connection and session). */
export function hangUp() {
  current?.close();
}

/** The recorded state and the page's WebSocket frames. */
export function snapshot() {
  return { state: plain(state), frames: window.__frames };
}
