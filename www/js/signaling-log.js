// The package's SignalingSession and peers (connectMaster / connectViewer), made visible: a session
// that shows in the page's log what it sends and receives and how its connection fares, and the
// peer connections' states and errors.
import { SignalingSession } from "/pkg/web.js";

/** A short human description of an SDP or ICE payload for the log. */
function summarize(type, payload) {
  if (!payload) return "";
  if (type === "ICE_CANDIDATE") {
    const parts = (payload.candidate ?? "").split(" ");
    return parts.length > 7 ? `${parts[7]} ${parts[2]?.toLowerCase()} ${parts[4]}:${parts[5]}` : "end of candidates";
  }
  if (payload.sdp) return `${payload.type}, ${payload.sdp.length} bytes of SDP`;
  return "";
}

/**
 * A SignalingSession for `role` on `channelName`, logging to `log`.
 * It is made from the connection `client.connectSignaling` gives (the `wssUrl` + `refresh` form), so
 * `onConnection` sees the presigned URL and ICE servers actually used, on every (re)connection;
 * `refresh` asks the client again (which keeps the channel's endpoints and ICE servers cached).
 * @param {object} options
 * @param {import("/pkg/web.js").KinesisVideoClient} options.client
 * @param {string} options.channelName
 * @param {"MASTER"|"VIEWER"} options.role
 * @param {string} [options.clientId] the viewer's id
 * @param {"STUN_TURN"|"TURN_ONLY"|"DISABLED"} [options.natTraversal]
 * @param {(entry: {direction: "sent"|"received"|"info"|"error", type: string, peer?: string, detail?: string}) => void} options.log
 * @param {(connection: object) => void} [options.onConnection] what connectSignaling gave
 */
export async function loggedSession({ client, channelName, role, clientId, natTraversal, log, onConnection = () => {} }) {
  const args = { channelName, role, ...(role === "VIEWER" ? { clientId } : {}), natTraversal };
  const connect = async (forceRefresh) => {
    const connection = await client.connectSignaling(args, { forceRefresh });
    onConnection(connection);
    log({ direction: "info", type: "ENDPOINTS", detail: `presigned URL valid until ${connection.expiresAt.toLocaleTimeString([], { hour12: false })}, ${connection.iceServers.length} ICE server entries` });
    return connection;
  };
  const first = await connect(false);
  const session = new SignalingSession({
    role,
    clientId: role === "VIEWER" ? clientId : undefined,
    wssUrl: first.wssUrl,
    iceServers: first.iceServers,
    channelArn: first.channelArn,
    refresh: connect,
  });

  // The session has no event for what it sends: wrap its three send methods to log them.
  const remoteName = (id) => id ?? (role === "VIEWER" ? "master" : undefined);
  for (const [method, type] of [["sendSdpOffer", "SDP_OFFER"], ["sendSdpAnswer", "SDP_ANSWER"], ["sendIceCandidate", "ICE_CANDIDATE"]]) {
    const send = session[method].bind(session);
    session[method] = (payload, recipientClientId, options) => {
      send(payload, recipientClientId, options);
      const json = typeof payload?.toJSON === "function" ? payload.toJSON() : payload;
      log({ direction: "sent", type, peer: remoteName(recipientClientId), detail: summarize(type, json) });
    };
  }

  const received = (type, detail) => (e) => log({ direction: "received", type, peer: remoteName(e.senderClientId), detail: detail(e) });
  session.addEventListener("sdpOffer", received("SDP_OFFER", (e) => summarize("SDP_OFFER", e.description)));
  session.addEventListener("sdpAnswer", received("SDP_ANSWER", (e) => summarize("SDP_ANSWER", e.description)));
  session.addEventListener("iceCandidate", received("ICE_CANDIDATE", (e) => summarize("ICE_CANDIDATE", e.candidate)));
  session.addEventListener("statusResponse", received("STATUS_RESPONSE", (e) => JSON.stringify(e.statusResponse)));
  session.addEventListener("goAway", received("GO_AWAY", () => "the service asks to reconnect"));
  session.addEventListener("reconnectIceServer", received("RECONNECT_ICE_SERVER", (e) => `${e.iceServers.length} fresh ICE server entries`));
  session.addEventListener("unknownMessage", received("UNKNOWN", (e) => e.messageType));
  session.addEventListener("open", (e) => {
    log({ direction: "info", type: "WEBSOCKET_OPEN", detail: e.reconnected ? "reconnected" : role === "MASTER" ? "waiting for viewers" : "sending an offer" });
  });
  session.addEventListener("reconnecting", (e) => {
    log({ direction: "info", type: "RECONNECTING", detail: `attempt ${e.attempt} in ${Math.round(e.delayMs)} ms: ${e.reason}` });
  });
  session.addEventListener("error", (e) => log({ direction: "error", type: "SIGNALING_ERROR", detail: `${e.error.name}: ${e.error.message}` }));
  session.addEventListener("close", (e) => {
    log({ direction: e.code === 1000 ? "info" : "error", type: "WEBSOCKET_CLOSED", detail: `code ${e.code}${e.reason ? `, ${e.reason}` : ""}` });
  });
  return session;
}

/** Logs a master's or viewer's peer connection states, viewers coming and going, and errors. */
export function logPeers(connection, log) {
  const name = (e) => e.remoteClientId ?? "master";
  connection.addEventListener("connectionStateChange", (e) => {
    log({ direction: e.state === "failed" ? "error" : "info", type: "PEER_CONNECTION", peer: name(e), detail: e.state });
  });
  connection.addEventListener("peer", (e) => log({ direction: "info", type: "VIEWER_JOINED", peer: e.remoteClientId }));
  connection.addEventListener("peerClosed", (e) => log({ direction: "info", type: "VIEWER_LEFT", peer: e.remoteClientId }));
  connection.addEventListener("track", (e) => log({ direction: "info", type: "TRACK", peer: name(e), detail: `${e.track.kind} track received` }));
  connection.addEventListener("error", (e) => log({ direction: "error", type: "PEER_ERROR", peer: e.remoteClientId, detail: `${e.error.name}: ${e.error.message}` }));
}

/** Renders log entries into an <ol>, newest last, keeping it scrolled to the end. */
export function logRenderer(list) {
  return ({ direction, type, peer, detail }) => {
    const arrow = { sent: "→", received: "←", info: "•", error: "!" }[direction];
    const item = document.createElement("li");
    item.className = `log-${direction}`;
    item.dataset.type = type;
    const time = new Date().toLocaleTimeString([], { hour12: false }) + "." + String(Date.now() % 1000).padStart(3, "0");
    item.textContent = `${time} ${arrow} ${type}${peer ? ` ${direction === "sent" ? "to" : direction === "received" ? "from" : "·"} ${peer}` : ""}${detail ? ` — ${detail}` : ""}`;
    list.append(item);
    while (list.children.length > 300) list.firstElementChild.remove();
    list.scrollTop = list.scrollHeight;
  };
}

/** Wires a data channel's events: logs open/close, shows messages, sends `hello` once open (a viewer). */
export function wireDataChannel(channel, { remote, log, onOpen = () => {}, onMessage, hello, echo = false }) {
  let opened = false;
  const open = () => {
    if (opened || channel.readyState !== "open") return;
    opened = true;
    log({ direction: "info", type: "DATA_CHANNEL_OPEN", peer: remote, detail: `"${channel.label}" is open` });
    onOpen();
    if (hello) channel.send(hello);
  };
  channel.addEventListener("open", open);
  queueMicrotask(open); // a channel announced by the remote end may be open already
  channel.addEventListener("message", (event) => {
    const text = String(event.data);
    onMessage(text, remote);
    // The master answers every message (but echoes) with an echo.
    if (echo && !text.startsWith("echo: ")) {
      channel.send(`echo: ${text}`);
      onMessage(`echo: ${text}`, "you (automatic reply)");
    }
  });
  channel.addEventListener("close", () => log({ direction: "info", type: "DATA_CHANNEL_CLOSED", peer: remote }));
}
