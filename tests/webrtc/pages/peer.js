// Shared by master.html and viewer.html: one side of a WebRTC peer connection whose signaling goes
// through KinesisVideoClient.connectSignaling and the channel's WebSocket, in the KVS message format.
import init, { KinesisVideoClient } from "/pkg/web.js";

const log = [];
const note = (text) => log.push(`${(performance.now() / 1000).toFixed(3)} ${text}`);

function toBase64(value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

function openSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error("the signaling WebSocket did not open"));
  });
}

/** The candidate pair in use, from the peer connection's stats. */
async function selectedPair(pc) {
  const stats = await pc.getStats();
  let pair;
  stats.forEach((s) => {
    if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  });
  if (!pair) stats.forEach((s) => {
    if (s.type === "candidate-pair" && s.state === "succeeded" && s.nominated) pair = s;
  });
  if (!pair) return null;
  const side = (id) => {
    const c = stats.get(id);
    return c && { address: c.address ?? c.ip, port: c.port, protocol: c.protocol, candidateType: c.candidateType };
  };
  return { local: side(pair.localCandidateId), remote: side(pair.remoteCandidateId) };
}

/**
 * Connects to the channel's signaling and runs the given role.
 * config: { endpoint, region, credentials, channelName, role, clientId?, natTraversal? }
 */
async function connect(config) {
  await init();
  const client = new KinesisVideoClient({ region: config.region, credentials: config.credentials, endpoint: config.endpoint });
  const signaling = await client.connectSignaling({
    channelName: config.channelName,
    role: config.role,
    clientId: config.clientId,
    natTraversal: config.natTraversal,
  });
  note(`connectSignaling: ${signaling.iceServers.length} ICE servers`);
  const ws = await openSocket(signaling.wssUrl);
  note("signaling WebSocket open");
  return { signaling, ws };
}

/** Master: answers each viewer's offer and echoes every data-channel message back. */
export async function runMaster(config) {
  const { signaling, ws } = await connect({ ...config, role: "MASTER" });
  const state = { received: [], peers: {}, log, iceServers: signaling.iceServers, errors: [] };
  const peers = new Map();
  const send = (action, payload, recipientClientId) =>
    ws.send(JSON.stringify({ action, recipientClientId, messagePayload: toBase64(payload) }));

  async function handle(message) {
    if (!message.messagePayload || !message.messageType) return; // e.g. service notices
    const viewer = message.senderClientId;
    const payload = fromBase64(message.messagePayload);
    if (message.messageType === "SDP_OFFER") {
      const pc = new RTCPeerConnection({ iceServers: signaling.iceServers });
      const peer = { pc, pending: [], ready: false };
      peers.set(viewer, peer);
      pc.onicecandidate = ({ candidate }) => {
        if (candidate) send("ICE_CANDIDATE", candidate.toJSON(), viewer);
      };
      pc.onconnectionstatechange = () => note(`master/${viewer}: ${pc.connectionState}`);
      pc.ondatachannel = ({ channel }) => {
        channel.onmessage = ({ data }) => {
          state.received.push({ from: viewer, data });
          channel.send(`echo: ${data}`);
        };
      };
      await pc.setRemoteDescription(payload);
      await pc.setLocalDescription(await pc.createAnswer());
      send("SDP_ANSWER", pc.localDescription.toJSON(), viewer);
      peer.ready = true;
      for (const c of peer.pending.splice(0)) await pc.addIceCandidate(c);
      note(`answered ${viewer}`);
    } else if (message.messageType === "ICE_CANDIDATE") {
      const peer = peers.get(viewer);
      if (!peer) return;
      if (peer.ready) await peer.pc.addIceCandidate(payload);
      else peer.pending.push(payload);
    }
  }

  let chain = Promise.resolve();
  ws.onmessage = ({ data }) => {
    const message = JSON.parse(data);
    chain = chain.then(() => handle(message)).catch((e) => state.errors.push(String(e)));
  };
  state.pairs = async () => {
    const out = {};
    for (const [id, peer] of peers) out[id] = await selectedPair(peer.pc);
    return out;
  };
  window.masterState = state;
  return { ready: true, iceServers: signaling.iceServers.length };
}

/** Viewer: offers, opens a data channel, sends `text` and waits for the echo. */
export async function runViewer(config, text) {
  const { signaling, ws } = await connect({ ...config, role: "VIEWER" });
  const pc = new RTCPeerConnection({ iceServers: signaling.iceServers });
  const channel = pc.createDataChannel("kvs-e2e");
  const send = (action, payload) => ws.send(JSON.stringify({ action, messagePayload: toBase64(payload) }));
  let remoteSet = false;
  const pending = [];
  const candidates = { local: [], remote: [] };
  pc.onicecandidate = ({ candidate }) => {
    if (!candidate) return;
    candidates.local.push(candidate.candidate);
    send("ICE_CANDIDATE", candidate.toJSON());
  };
  pc.onconnectionstatechange = () => note(`viewer: ${pc.connectionState}`);

  let chain = Promise.resolve();
  ws.onmessage = ({ data }) => {
    const message = JSON.parse(data);
    if (!message.messagePayload || !message.messageType) return;
    chain = chain.then(async () => {
      const payload = fromBase64(message.messagePayload);
      if (message.messageType === "SDP_ANSWER") {
        await pc.setRemoteDescription(payload);
        remoteSet = true;
        for (const c of pending.splice(0)) await pc.addIceCandidate(c);
        note("answer applied");
      } else if (message.messageType === "ICE_CANDIDATE") {
        candidates.remote.push(payload.candidate);
        if (remoteSet) await pc.addIceCandidate(payload);
        else pending.push(payload);
      }
    });
  };

  const echoed = new Promise((resolve) => {
    channel.onopen = () => {
      note("data channel open");
      channel.send(text);
    };
    channel.onmessage = ({ data }) => resolve(data);
  });
  await pc.setLocalDescription(await pc.createOffer());
  send("SDP_OFFER", pc.localDescription.toJSON());
  note("offer sent");
  const echo = await echoed;
  note("echo received");
  await chain;
  const result = { sent: text, echo, pair: await selectedPair(pc), candidates, iceServers: signaling.iceServers, log };
  // Left open until the test has looked at the sockets in use.
  window.closeViewer = () => {
    channel.close();
    pc.close();
    ws.close();
  };
  return result;
}
