// connectViewer / connectMaster: WebRTC peers over a SignalingSession, written against the standard
// WebRTC API only. A viewer has one RTCPeerConnection to the master; a master has one per viewer.
// Trickle ICE both ways (candidates that come before the remote description wait for it), ICE
// restart when the service says RECONNECT_ICE_SERVER or ICE fails, and one close() for everything.
import { namedError } from "./errors.js";
import { SignalingEvent, SignalingSession } from "./session.js";

/** How long a master keeps a viewer's failed connection for an ICE restart to revive. */
const FAILED_GRACE_MS = 30_000;

/** The SDP session id (`o=` line): the same in every offer of one peer connection, new in another's. */
const sessionId = (sdp) => /^o=\S+ (\S+)/m.exec(sdp ?? "")?.[1];

/** One RTCPeerConnection to `remote` (a viewer's id; none for the master), its events sent to `owner`. */
function peer(owner, session, remote, options) {
  const Pc = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
  if (typeof Pc !== "function") throw new TypeError("options.RTCPeerConnection: this runtime has no WebRTC");
  const pc = new Pc({ ...options.configuration, iceServers: session.iceServers });
  const waiting = [];
  const fields = (more) => ({ remoteClientId: remote, peerConnection: pc, ...more });
  const fail = (error) => owner.dispatchEvent(new SignalingEvent("error", fields({ error })));
  pc.onicecandidate = ({ candidate }) => {
    if (candidate && session.state !== "closed") session.sendIceCandidate(candidate, remote);
  };
  pc.ontrack = ({ track, streams }) => owner.dispatchEvent(new SignalingEvent("track", fields({ track, streams })));
  pc.ondatachannel = ({ channel }) => owner.dispatchEvent(new SignalingEvent("dataChannel", fields({ channel })));
  pc.onconnectionstatechange = () =>
    owner.dispatchEvent(new SignalingEvent("connectionStateChange", fields({ state: pc.connectionState })));
  for (const track of options.localStream?.getTracks() ?? []) pc.addTrack(track, options.localStream);
  return {
    pc,
    fail,
    /** Sets the remote description, then adds the candidates that waited for it. */
    async remote(description) {
      await pc.setRemoteDescription(description);
      for (const c of waiting.splice(0)) await pc.addIceCandidate(c).catch(fail);
    },
    candidate(c) {
      if (pc.remoteDescription) pc.addIceCandidate(c).catch(fail);
      else waiting.push(c);
    },
    /** Answers an offer and sends the answer. */
    async answer(description) {
      await this.remote(description);
      await pc.setLocalDescription(await pc.createAnswer());
      session.sendSdpAnswer(pc.localDescription, remote);
    },
    /** Sends a new offer (an ICE restart one with fresh ICE servers when asked). */
    async offer(iceRestart) {
      if (iceRestart) pc.setConfiguration({ ...pc.getConfiguration(), iceServers: session.iceServers });
      await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
      session.sendSdpOffer(pc.localDescription, remote);
    },
  };
}

/** The session to use: the caller's, or one made from the options. */
function sessionFor(options, role) {
  return options.session ?? new SignalingSession({ ...options, role });
}

/**
 * The object a connect function gives: an EventTarget whose close() ends the peer connections
 * `peers()` gives and the session, once (the session ending for good ends it too). `setUp(c)` makes
 * it ready; when that fails, what it opened is closed, for the caller has nothing to close it with
 * (a session the caller gave stays open).
 */
async function connection(options, session, peers, fields, setUp) {
  const c = Object.assign(new EventTarget(), { session, ...fields });
  let closed = false;
  c.close = () => {
    if (closed) return;
    closed = true;
    for (const pc of peers()) pc.close();
    session.close();
    c.dispatchEvent(new SignalingEvent("close", {}));
  };
  session.addEventListener("close", c.close);
  try {
    await setUp(c);
    return c;
  } catch (error) {
    if (options.session) for (const pc of peers()) pc.close();
    else c.close();
    throw error;
  }
}

/**
 * A viewer: connects to the channel's master and offers to receive (and send `localStream`).
 * Options: the SignalingSession's (`client` + `channelName` | `channelArn` + `clientId`, or `wssUrl`
 * + `refresh`, or a ready `session`), and `localStream`, `receive` ({ audio, video }: true by
 * default), `dataChannel` (a label, "kvsDataChannel" by default, or false), `configuration`
 * (RTCConfiguration besides iceServers), `RTCPeerConnection`.
 */
export async function connectViewer(options) {
  const session = sessionFor(options, "VIEWER");
  let p;
  return connection(options, session, () => (p ? [p.pc] : []), {}, async (viewer) => {
    await session.open();
    p = peer(viewer, session, undefined, options);
    const { pc } = p;
    const sending = new Set(options.localStream?.getTracks().map((t) => t.kind));
    for (const kind of ["audio", "video"]) {
      if ((options.receive?.[kind] ?? true) && !sending.has(kind)) pc.addTransceiver(kind, { direction: "recvonly" });
    }
    if (options.dataChannel !== false) viewer.dataChannel = pc.createDataChannel(options.dataChannel ?? "kvsDataChannel");
    viewer.peerConnection = pc;
    session.addEventListener("sdpAnswer", (e) => p.remote(e.description).catch(p.fail));
    session.addEventListener("sdpOffer", (e) => p.answer(e.description).catch(p.fail)); // the master renegotiates
    session.addEventListener("iceCandidate", (e) => p.candidate(e.candidate));
    session.addEventListener("reconnectIceServer", () => p.offer(true).catch(p.fail));
    pc.addEventListener("iceconnectionstatechange", () => {
      if (pc.iceConnectionState === "failed") p.offer(true).catch(p.fail);
    });
    await p.offer(false);
  });
}

/**
 * A master: answers every viewer's offer with a peer connection of its own (at most `maxViewers`,
 * 10 as the service allows), sending `localStream` to each.
 * Options: the SignalingSession's (`client` + `channelName` | `channelArn`, or `wssUrl` + `refresh`,
 * or a ready `session`), and `localStream`, `maxViewers`, `configuration`, `RTCPeerConnection`.
 * Events besides the viewer's: `peer` (a new viewer) and `peerClosed`.
 */
export async function connectMaster(options) {
  const session = sessionFor(options, "MASTER");
  /** viewer id → peer */
  const peers = new Map();
  const pcs = () => [...peers.values()].map((p) => p.pc);
  return connection(options, session, pcs, { peers: new Map() }, (master) => {
    const drop = (id, p) => {
      if (peers.get(id) !== p) return;
      peers.delete(id);
      master.peers.delete(id);
      p.pc.close();
      master.dispatchEvent(new SignalingEvent("peerClosed", { remoteClientId: id, peerConnection: p.pc }));
    };
    session.addEventListener("sdpOffer", ({ description, senderClientId: id }) => {
      if (!id) return;
      let p = peers.get(id);
      // The same viewer with a new connection (another SDP session) replaces its old peer; an ICE
      // restart or renegotiation of the same one goes to the connection it has.
      if (p && sessionId(p.pc.remoteDescription?.sdp) !== sessionId(description.sdp)) drop(id, p);
      p = peers.get(id);
      if (!p) {
        if (peers.size >= (options.maxViewers ?? 10)) {
          const error = namedError("ClientLimitExceededException", `viewer ${id} refused: ${peers.size} viewers are connected`);
          master.dispatchEvent(new SignalingEvent("error", { error, remoteClientId: id }));
          return;
        }
        const added = (p = peer(master, session, id, options));
        peers.set(id, added);
        master.peers.set(id, added.pc);
        // A viewer gone for good leaves its connection failed: its place is freed after a grace
        // period in which an ICE restart from the viewer can still bring it back.
        added.pc.addEventListener("connectionstatechange", () => {
          if (added.pc.connectionState !== "failed") return;
          const t = setTimeout(() => added.pc.connectionState === "failed" && drop(id, added), FAILED_GRACE_MS);
          master.addEventListener("close", () => clearTimeout(t));
        });
        master.dispatchEvent(new SignalingEvent("peer", { remoteClientId: id, peerConnection: added.pc }));
      }
      p.answer(description).catch(p.fail);
    });
    session.addEventListener("iceCandidate", (e) => peers.get(e.senderClientId)?.candidate(e.candidate));
    session.addEventListener("reconnectIceServer", () => {
      for (const { pc } of peers.values()) pc.setConfiguration({ ...pc.getConfiguration(), iceServers: session.iceServers });
    });
    return session.open();
  });
}
