// The four sides of the interop test, one per page: this package's connectMaster and connectViewer,
// and a master and a viewer built on the KVS WebRTC SDK's SignalingClient the way the SDK's own
// examples (examples/master.js, examples/viewer.js) drive an RTCPeerConnection with it: trickle
// ICE through the SignalingClient, a data channel named kvsDataChannel, the remote stream in a
// <video>. Every side records what its signaling layer handed it (our session's events, the SDK's
// events) in `state.events`; the page's WebSocket frames are recorded by frames.js.
import init, { KinesisVideoClient, KinesisVideoSignalingClient, SignalingSession, connectMaster, connectViewer } from "/pkg/web.js";
import { observeVideo } from "./media.js";

const started = performance.now();
const ms = () => Math.round(performance.now() - started);
/** JSON-only copy (drops undefined members, as a JSON frame would). */
const plain = (v) => (v === undefined || v === null ? v : JSON.parse(JSON.stringify(v)));

export const state = { side: undefined, events: [], errors: [], received: [], echo: undefined, timings: {}, log: [] };
const mark = (name) => (state.timings[name] ??= ms());
const note = (text) => state.log.push(`${ms()} ${text}`);
let echoed;
const echo = new Promise((resolve) => (echoed = resolve));
let peerConnections = () => [];
let closeAll = () => {};

const video = () => document.querySelector("video");

/** What the test reads at the end: the state, the frames, and the peer connections' ICE gathering. */
export function snapshot() {
  return { state: plain(state), frames: window.__frames, gathering: peerConnections().map((pc) => pc.iceGatheringState) };
}

export function gathering() {
  return peerConnections().map((pc) => pc.iceGatheringState);
}

export function hangUp() {
  closeAll();
}

/** Resolves once the echo of the data-channel message came back and the video was observed. */
export async function outcome({ timeoutMs = 20000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  const timeout = new Promise((resolve) => setTimeout(() => resolve("timeout"), timeoutMs));
  const gotEcho = await Promise.race([echo.then(() => "ok"), timeout]);
  const media = await observeVideo(video(), { timeoutMs: Math.max(1000, deadline - performance.now()) });
  if (!media.error) mark("videoObserved");
  return { echo: state.echo, echoTimedOut: gotEcho === "timeout", media, timings: state.timings, errors: state.errors, log: state.log };
}

function ourClient(config) {
  return new KinesisVideoClient({ region: config.region, credentials: config.credentials, endpoint: config.endpoint });
}

/** Every event of our session, with what it carried. */
function recordSession(session) {
  const types = ["open", "sdpOffer", "sdpAnswer", "iceCandidate", "statusResponse", "goAway", "reconnectIceServer", "unknownMessage", "reconnecting", "close", "error"];
  for (const type of types) {
    session.addEventListener(type, (e) => {
      state.events.push({
        type,
        t: ms(),
        senderClientId: e.senderClientId,
        messageType: e.messageType,
        description: plain(e.description),
        candidate: plain(e.candidate),
        error: e.error ? `${e.error.name}: ${e.error.message}` : undefined,
      });
      if (type === "error" || type === "unknownMessage") state.errors.push(`session ${type}: ${e.error?.message ?? e.messageType}`);
    });
  }
}

/** Every event of the SDK's SignalingClient, with its arguments. */
function recordSdk(signalingClient) {
  signalingClient.on("open", () => state.events.push({ type: "open", t: ms() }));
  signalingClient.on("sdpOffer", (offer, senderClientId) => state.events.push({ type: "sdpOffer", t: ms(), payload: plain(offer), senderClientId }));
  signalingClient.on("sdpAnswer", (answer, senderClientId) => state.events.push({ type: "sdpAnswer", t: ms(), payload: plain(answer), senderClientId }));
  signalingClient.on("iceCandidate", (candidate, senderClientId) => state.events.push({ type: "iceCandidate", t: ms(), payload: plain(candidate), senderClientId }));
  signalingClient.on("statusResponse", (statusResponse) => {
    state.events.push({ type: "statusResponse", t: ms(), statusResponse: plain(statusResponse) });
    state.errors.push(`SDK statusResponse: ${JSON.stringify(statusResponse)}`);
  });
  signalingClient.on("close", () => state.events.push({ type: "close", t: ms() }));
  signalingClient.on("error", (error) => {
    state.events.push({ type: "error", t: ms(), error: String(error?.message ?? error?.type ?? error) });
    state.errors.push(`SDK error: ${error?.message ?? error?.type ?? error}`);
  });
}

function watchConnection(pc, who) {
  pc.addEventListener("connectionstatechange", () => {
    note(`${who}: ${pc.connectionState}`);
    if (pc.connectionState === "connected") mark("connected");
  });
}

// ---------------------------------------------------------------------------- this package

/** Our master: connectMaster sending the fake camera, echoing every data-channel message. */
export async function ourMaster(config) {
  state.side = "ours/MASTER";
  await init();
  const localStream = await navigator.mediaDevices.getUserMedia({ video: true });
  const session = new SignalingSession({ client: ourClient(config), channelName: config.channelName, role: "MASTER" });
  recordSession(session);
  const master = await connectMaster({ session, localStream });
  mark("signalingOpen");
  master.addEventListener("peer", (e) => {
    note(`peer ${e.remoteClientId}`);
    watchConnection(e.peerConnection, `master/${e.remoteClientId}`);
  });
  master.addEventListener("error", (e) => state.errors.push(`connectMaster error (${e.remoteClientId}): ${e.error?.name}: ${e.error?.message}`));
  master.addEventListener("dataChannel", (e) => {
    note(`data channel ${e.channel.label} from ${e.remoteClientId}`);
    e.channel.onmessage = (m) => {
      state.received.push({ from: e.remoteClientId, data: m.data });
      mark("dataReceived");
      e.channel.send(`echo: ${m.data}`);
    };
  });
  peerConnections = () => [...master.peers.values()];
  closeAll = () => master.close();
  return { ready: true };
}

/** Our viewer: connectViewer, the master's video in the page's <video>, a message and its echo. */
export async function ourViewer(config) {
  state.side = "ours/VIEWER";
  await init();
  const session = new SignalingSession({ client: ourClient(config), channelName: config.channelName, role: "VIEWER", clientId: config.clientId });
  recordSession(session);
  const viewer = await connectViewer({ session });
  mark("signalingOpen");
  watchConnection(viewer.peerConnection, "viewer");
  viewer.addEventListener("error", (e) => state.errors.push(`connectViewer error: ${e.error?.name}: ${e.error?.message}`));
  viewer.addEventListener("track", (e) => {
    note(`track ${e.track.kind}`);
    mark("track");
    video().srcObject = e.streams[0];
  });
  viewer.addEventListener("dataChannel", (e) => note(`data channel from the master: ${e.channel.label}`));
  const channel = viewer.dataChannel;
  const send = () => {
    channel.send(config.text);
    mark("dataSent");
  };
  if (channel.readyState === "open") send();
  else channel.onopen = send;
  channel.onmessage = (m) => {
    state.echo = m.data;
    mark("echo");
    echoed();
  };
  peerConnections = () => [viewer.peerConnection];
  closeAll = () => viewer.close();
  return { ready: true };
}

// ------------------------------------------------------------------------ the KVS WebRTC SDK

const KVS = () => {
  if (!window.KVSWebRTC) throw new Error("the KVS WebRTC SDK (window.KVSWebRTC) is not loaded");
  return window.KVSWebRTC;
};

/**
 * What the SDK's examples get from the AWS SDK before they make a SignalingClient, asked here with
 * this package's client: the channel ARN, its WSS and HTTPS endpoints for `role`, ICE servers.
 */
async function describeChannel(config, role, clientId) {
  await init();
  const client = ourClient(config);
  const { ChannelInfo } = await client.describeSignalingChannel({ ChannelName: config.channelName });
  const channelARN = ChannelInfo.ChannelARN;
  const { ResourceEndpointList } = await client.getSignalingChannelEndpoint({
    ChannelARN: channelARN,
    SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: role },
  });
  const endpointsByProtocol = Object.fromEntries(ResourceEndpointList.map((e) => [e.Protocol, e.ResourceEndpoint]));
  const signaling = new KinesisVideoSignalingClient({ region: config.region, credentials: config.credentials, endpoint: endpointsByProtocol.HTTPS });
  const { IceServerList } = await signaling.getIceServerConfig({ ChannelARN: channelARN, ClientId: clientId });
  const iceServers = IceServerList.map((s) => ({ urls: s.Uris, username: s.Username, credential: s.Password }));
  note(`SDK ${role}: channel ${channelARN}, WSS ${endpointsByProtocol.WSS}, ${iceServers.length} ICE servers`);
  return { channelARN, endpointsByProtocol, iceServers };
}

/**
 * The SDK's own SigV4RequestSigner with the local endpoint's static key. It signs wss:// URLs only;
 * the local endpoint serves the same paths on ws:// and does not sign the scheme (its README), so
 * the URL is signed as wss:// and opened as ws://.
 */
function requestSigner(config) {
  const signer = new (KVS().SigV4RequestSigner)(config.region, config.credentials);
  return {
    async getSignedURL(endpoint, queryParams, date) {
      const signed = await signer.getSignedURL(endpoint.replace(/^ws:\/\//, "wss://"), queryParams, date);
      return signed.replace(/^wss:\/\//, "ws://");
    },
  };
}

function opened(signalingClient) {
  return new Promise((resolve, reject) => {
    signalingClient.on("open", resolve);
    signalingClient.on("error", (e) => reject(new Error(`the SDK's SignalingClient did not open: ${e?.message ?? e?.type ?? e}`)));
    setTimeout(() => reject(new Error("the SDK's SignalingClient did not open within 10 s")), 10000);
  });
}

/** A viewer as the SDK's examples/viewer.js makes one (trickle ICE, a data channel, receiving audio and video). */
export async function sdkViewer(config) {
  state.side = "sdk/VIEWER";
  const { Role, SignalingClient } = KVS();
  const { channelARN, endpointsByProtocol, iceServers } = await describeChannel(config, "VIEWER", config.clientId);
  const signalingClient = new SignalingClient({
    channelARN,
    channelEndpoint: endpointsByProtocol.WSS,
    clientId: config.clientId,
    role: Role.VIEWER,
    region: config.region,
    requestSigner: requestSigner(config),
    systemClockOffset: 0,
  });
  recordSdk(signalingClient);
  const peerConnection = new RTCPeerConnection({ iceServers, iceTransportPolicy: "all" });
  watchConnection(peerConnection, "SDK viewer");

  const dataChannel = peerConnection.createDataChannel("kvsDataChannel");
  peerConnection.ondatachannel = (event) => note(`data channel from the master: ${event.channel.label}`);
  dataChannel.onopen = () => {
    dataChannel.send(config.text);
    mark("dataSent");
  };
  dataChannel.onmessage = (m) => {
    state.echo = m.data;
    mark("echo");
    echoed();
  };

  signalingClient.on("open", async () => {
    mark("signalingOpen");
    await peerConnection.setLocalDescription(await peerConnection.createOffer({ offerToReceiveAudio: true, offerToReceiveVideo: true }));
    signalingClient.sendSdpOffer(peerConnection.localDescription);
    note("SDP offer sent");
  });
  signalingClient.on("sdpAnswer", async (answer) => {
    await peerConnection.setRemoteDescription(answer).catch((e) => state.errors.push(`setRemoteDescription(answer): ${e}`));
  });
  signalingClient.on("iceCandidate", (candidate) => {
    peerConnection.addIceCandidate(candidate).catch((e) => state.errors.push(`addIceCandidate: ${e}`));
  });
  peerConnection.addEventListener("icecandidate", ({ candidate }) => {
    if (candidate) signalingClient.sendIceCandidate(candidate);
  });
  peerConnection.addEventListener("track", (event) => {
    note(`track ${event.track.kind}`);
    mark("track");
    video().srcObject = event.streams[0];
  });
  peerConnections = () => [peerConnection];
  closeAll = () => {
    signalingClient.close();
    peerConnection.close();
  };
  const open = opened(signalingClient);
  signalingClient.open();
  await open;
  return { ready: true };
}

/** A master as the SDK's examples/master.js makes one: a peer connection per viewer's offer, the camera on each. */
export async function sdkMaster(config) {
  state.side = "sdk/MASTER";
  const { Role, SignalingClient } = KVS();
  const { channelARN, endpointsByProtocol, iceServers } = await describeChannel(config, "MASTER", undefined);
  const localStream = await navigator.mediaDevices.getUserMedia({ video: true });
  const signalingClient = new SignalingClient({
    channelARN,
    channelEndpoint: endpointsByProtocol.WSS,
    role: Role.MASTER,
    region: config.region,
    requestSigner: requestSigner(config),
    systemClockOffset: 0,
  });
  recordSdk(signalingClient);
  const peerConnectionByClientId = {};

  signalingClient.on("sdpOffer", async (offer, remoteClientId) => {
    note(`SDP offer from ${remoteClientId}`);
    const peerConnection = new RTCPeerConnection({ iceServers, iceTransportPolicy: "all" });
    peerConnectionByClientId[remoteClientId] = peerConnection;
    watchConnection(peerConnection, `SDK master/${remoteClientId}`);
    peerConnection.ondatachannel = (event) => {
      event.channel.onmessage = (m) => {
        state.received.push({ from: remoteClientId, data: m.data });
        mark("dataReceived");
        event.channel.send(`echo: ${m.data}`);
      };
    };
    peerConnection.addEventListener("icecandidate", ({ candidate }) => {
      if (candidate) signalingClient.sendIceCandidate(candidate, remoteClientId);
    });
    localStream.getTracks().forEach((track) => peerConnection.addTrack(track, localStream));
    try {
      await peerConnection.setRemoteDescription(offer);
      await peerConnection.setLocalDescription(await peerConnection.createAnswer({ offerToReceiveAudio: true, offerToReceiveVideo: true }));
      signalingClient.sendSdpAnswer(peerConnection.localDescription, remoteClientId);
      note(`SDP answer sent to ${remoteClientId}`);
    } catch (e) {
      state.errors.push(`answering ${remoteClientId}: ${e}`);
    }
  });
  signalingClient.on("iceCandidate", (candidate, remoteClientId) => {
    const peerConnection = peerConnectionByClientId[remoteClientId];
    if (!peerConnection) return state.errors.push(`a candidate from ${remoteClientId}, who made no offer`);
    peerConnection.addIceCandidate(candidate).catch((e) => state.errors.push(`addIceCandidate: ${e}`));
  });
  peerConnections = () => Object.values(peerConnectionByClientId);
  closeAll = () => {
    signalingClient.close();
    for (const pc of Object.values(peerConnectionByClientId)) pc.close();
  };
  const open = opened(signalingClient);
  signalingClient.open();
  await open;
  mark("signalingOpen");
  return { ready: true };
}
