// One end of a WebRTC data channel set up through a KVS signaling channel: connectSignaling gives
// the presigned WSS URL and ICE servers; SDP offers/answers and ICE candidates travel over the
// WebSocket as base64 JSON. A MASTER answers every viewer's offer; a VIEWER makes the offer.

const encode = (object) => {
  const bytes = new TextEncoder().encode(JSON.stringify(object));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
};

const decode = (base64) => {
  const binary = atob(base64.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
};

/** A short human description of a signaling payload for the log. */
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
 * Connects as `role` and keeps a peer connection per remote end.
 * @param {object} options
 * @param {import("/pkg/web.js").KinesisVideoClient} options.client
 * @param {string} options.channelName
 * @param {"MASTER"|"VIEWER"} options.role
 * @param {string} [options.clientId] the viewer's id
 * @param {"STUN_TURN"|"TURN_ONLY"|"DISABLED"} [options.natTraversal]
 * @param {(entry: {direction: "sent"|"received"|"info"|"error", type: string, peer?: string, detail?: string}) => void} options.log
 * @param {(text: string, from: string) => void} options.onMessage a data-channel message arrived
 * @param {(state: string) => void} [options.onState] "connecting" | "signaling" | "open" | "closed"
 * @param {(connection: object) => void} [options.onConnection] the result of connectSignaling
 */
export async function startPeer({ client, channelName, role, clientId, natTraversal, log, onMessage, onState = () => {}, onConnection = () => {} }) {
  onState("connecting");
  const connection = await client.connectSignaling({ channelName, role, ...(role === "VIEWER" ? { clientId } : {}), natTraversal });
  onConnection(connection);
  log({ direction: "info", type: "ENDPOINTS", detail: `${connection.iceServers.length} ICE server entries; opening the WebSocket` });

  const peers = new Map(); // remote id → { pc, channel, pending: RTCIceCandidateInit[] }
  let closed = false;
  const ws = new WebSocket(connection.wssUrl);

  function send(action, payload, recipientClientId) {
    if (ws.readyState !== WebSocket.OPEN) return;
    const message = { action, messagePayload: encode(payload) };
    if (recipientClientId) message.recipientClientId = recipientClientId;
    ws.send(JSON.stringify(message));
    log({ direction: "sent", type: action, peer: recipientClientId ?? (role === "VIEWER" ? "master" : undefined), detail: summarize(action, payload) });
  }

  function wireChannel(channel, remote) {
    const entry = peers.get(remote);
    if (entry) entry.channel = channel;
    channel.addEventListener("open", () => {
      log({ direction: "info", type: "DATA_CHANNEL_OPEN", peer: remote, detail: `"${channel.label}" is open` });
      onState("open");
      if (role === "VIEWER") channel.send(`hello from ${clientId}`);
    });
    channel.addEventListener("message", (event) => {
      onMessage(String(event.data), remote);
      if (role === "MASTER" && !String(event.data).startsWith("echo: ")) {
        channel.send(`echo: ${event.data}`);
        onMessage(`echo: ${event.data}`, "you (automatic reply)");
      }
    });
    channel.addEventListener("close", () => log({ direction: "info", type: "DATA_CHANNEL_CLOSED", peer: remote }));
  }

  function newPeer(remote) {
    peers.get(remote)?.pc.close();
    const pc = new RTCPeerConnection({ iceServers: connection.iceServers });
    const entry = { pc, channel: null, pending: [], offerSent: role === "MASTER", queued: [] };
    peers.set(remote, entry);
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (!candidate) return log({ direction: "info", type: "ICE_GATHERING_DONE", peer: remote });
      const init = candidate.toJSON();
      // A viewer's candidates must not overtake its offer.
      if (!entry.offerSent) entry.queued.push(init);
      else send("ICE_CANDIDATE", init, role === "MASTER" ? remote : undefined);
    });
    pc.addEventListener("connectionstatechange", () => {
      log({ direction: "info", type: "PEER_CONNECTION", peer: remote, detail: pc.connectionState });
    });
    pc.addEventListener("datachannel", (event) => wireChannel(event.channel, remote));
    return entry;
  }

  async function addCandidates(entry) {
    const candidates = entry.pending.splice(0);
    for (const candidate of candidates) {
      try {
        await entry.pc.addIceCandidate(candidate);
      } catch (error) {
        log({ direction: "error", type: "ICE_CANDIDATE", detail: error.message });
      }
    }
  }

  async function handle(message) {
    const type = message.messageType;
    const remote = role === "MASTER" ? message.senderClientId : "master";
    let payload;
    try {
      payload = message.messagePayload ? decode(message.messagePayload) : undefined;
    } catch {
      payload = undefined;
    }
    log({ direction: "received", type: type ?? "UNKNOWN", peer: remote, detail: summarize(type, payload) || (message.statusResponse ? JSON.stringify(message.statusResponse) : "") });
    if (type === "SDP_OFFER" && role === "MASTER") {
      const entry = newPeer(remote);
      await entry.pc.setRemoteDescription(payload);
      await entry.pc.setLocalDescription(await entry.pc.createAnswer());
      send("SDP_ANSWER", entry.pc.localDescription.toJSON(), remote);
      await addCandidates(entry);
    } else if (type === "SDP_ANSWER" && role === "VIEWER") {
      const entry = peers.get("master");
      await entry.pc.setRemoteDescription(payload);
      await addCandidates(entry);
    } else if (type === "ICE_CANDIDATE") {
      const entry = peers.get(remote);
      if (!entry) return;
      entry.pending.push(payload);
      if (entry.pc.remoteDescription) await addCandidates(entry);
    }
  }

  // Handle messages one at a time so a candidate never races the description it belongs to.
  let queue = Promise.resolve();
  ws.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return log({ direction: "error", type: "UNPARSABLE", detail: String(event.data).slice(0, 80) });
    }
    if (!message.messageType) return; // service notices such as "Endpoint request timed out"
    queue = queue.then(() => handle(message)).catch((error) => log({ direction: "error", type: message.messageType, detail: `${error.name}: ${error.message}` }));
  });

  ws.addEventListener("open", async () => {
    log({ direction: "info", type: "WEBSOCKET_OPEN", detail: role === "MASTER" ? "waiting for viewers" : "sending an offer" });
    onState("signaling");
    if (role !== "VIEWER") return;
    const entry = newPeer("master");
    wireChannel(entry.pc.createDataChannel("kvs-demo"), "master");
    await entry.pc.setLocalDescription(await entry.pc.createOffer());
    send("SDP_OFFER", entry.pc.localDescription.toJSON());
    entry.offerSent = true;
    for (const candidate of entry.queued.splice(0)) send("ICE_CANDIDATE", candidate);
  });
  ws.addEventListener("close", (event) => {
    log({ direction: closed ? "info" : "error", type: "WEBSOCKET_CLOSED", detail: `code ${event.code}${event.reason ? `, ${event.reason}` : ""}` });
    onState("closed");
  });
  ws.addEventListener("error", () => log({ direction: "error", type: "WEBSOCKET_ERROR", detail: "the WebSocket failed (refused, expired or network)" }));

  return {
    connection,
    /** Sends `text` on every open data channel; returns how many received it. */
    sendText(text) {
      let count = 0;
      for (const { channel } of peers.values()) {
        if (channel?.readyState === "open") {
          channel.send(text);
          count++;
        }
      }
      return count;
    },
    close() {
      closed = true;
      for (const { pc } of peers.values()) pc.close();
      peers.clear();
      ws.close();
    },
  };
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
