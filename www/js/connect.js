// The Connect panel: pick a channel and a role, show what connectSignaling returns (endpoints,
// presigned WSS URL, ICE servers), and run that end with the package's peers: a MASTER
// (connectMaster) sends the camera, or a test pattern where there is none, to every viewer and
// echoes their data-channel messages; a VIEWER (connectViewer) plays the master's video. A viewer
// frame or tab can be opened beside a master.
import { connectMaster, connectViewer } from "/pkg/web.js";
import { allChannelNames, onChannelsChanged } from "./channels.js";
import { client, connectionSettings, onConnectionChange } from "./connection.js";
import { localVideo, play } from "./media.js";
import { logPeers, loggedSession, logRenderer, wireDataChannel } from "./signaling-log.js";
import { $, copyText, definitionList, h, inputError, renderError, renderStatus, run } from "./ui.js";

/** What runs: { session, connection (a MasterConnection or ViewerConnection), media, channels: Map<remote, RTCDataChannel> }. */
let active = null;
const randomId = (prefix) => `${prefix}-${crypto.getRandomValues(new Uint32Array(1))[0].toString(36)}`;

async function refreshChannels(preferred) {
  const select = $("#connect-channel");
  const keep = preferred ?? select.value;
  const names = await allChannelNames();
  select.replaceChildren(...(names.length ? names.map((name) => h("option", { value: name }, name)) : [h("option", { value: "" }, "No channels: create one above")]));
  if (names.includes(keep)) select.value = keep;
}

function setState(state) {
  const badge = $("#connect-state");
  badge.textContent = state;
  badge.className = `badge badge-${state}`;
  const running = state !== "closed" && state !== "idle";
  $("#connect-stop").disabled = !running;
  $("#dc-send-form button").disabled = state !== "open";
}

function showConnection(connection) {
  $("#connect-result").hidden = false;
  $("#connect-info").replaceWith(definitionList([
    ["Channel ARN", connection.channelArn, "channelArn"],
    ["HTTPS endpoint", connection.httpsEndpoint, "httpsEndpoint"],
    ["WSS endpoint", connection.wssUrl.split("?")[0], "wssEndpoint"],
  ], { id: "connect-info" }));
  $("#connect-wss-url").value = connection.wssUrl;
  $("#connect-ice-servers").replaceChildren(...(connection.iceServers.length
    ? connection.iceServers.map((server) => h("li", {},
      [].concat(server.urls).map((url) => h("code", {}, url)),
      server.username ? h("small", {}, `username ${server.username.slice(0, 24)}…, credential ${"•".repeat(8)}`) : null))
    : [h("li", { class: "empty" }, "None (NAT traversal disabled): host candidates only")]));
}

/** The peer connections' states under the video: one per viewer for a master, the master's for a viewer. */
function showPeers(states) {
  $("#connect-peers").replaceChildren(...(states.size
    ? [...states].map(([remote, state]) => h("li", { "data-peer": remote, "data-state": state }, h("code", {}, remote), " ", h("span", { class: `badge badge-${state}` }, state)))
    : [h("li", { class: "empty" }, "no peer connection yet")]));
}

/** Ends `current` (by default what runs): its peers, its session, its video. */
function stop(current = active) {
  if (!current) return;
  if (active === current) {
    active = null;
    $("#connect-video").srcObject = null;
  }
  current.connection?.close();
  current.session?.close();
  current.media?.stop();
}

/** Answers a viewer frame or tab asking for the connection to use. */
function serveViewerConfig() {
  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin || event.data?.type !== "kvs-demo:viewer-ready") return;
    const settings = connectionSettings();
    if (!settings) return;
    event.source.postMessage({
      type: "kvs-demo:viewer-config",
      settings: { mode: settings.mode, region: settings.region, endpoint: settings.endpoint, credentials: settings.credentials },
      channelName: $("#connect-channel").value,
      natTraversal: $("#connect-nat").value,
    }, location.origin);
  });
}

/**
 * Starts `role` on `channelName`: the signaling session (logged), then connectMaster with the local
 * video or connectViewer. Resolves once the session is open (and, for a viewer, its offer sent):
 * true, or false when it was stopped meanwhile.
 */
async function start({ channelName, role, clientId, natTraversal, videoSource, log, onMessage }) {
  const current = { session: null, connection: null, media: null, channels: new Map() };
  active = current;
  const abandoned = () => Object.assign(new Error("disconnected before the connection was made"), { name: "AbortError" });
  const states = new Map();
  const video = $("#connect-video");
  showPeers(states);
  try {
    if (role === "MASTER") {
      if (videoSource === "camera") log({ direction: "info", type: "LOCAL_VIDEO", detail: "asking for the camera" });
      current.media = await localVideo(videoSource, (detail) => log({ direction: "info", type: "LOCAL_VIDEO", detail }));
      $("#connect-media").hidden = false;
      $("#connect-video-title").textContent = current.media ? "Sent to viewers" : "No video: data channel only";
      $("#connect-video-source-label").textContent = current.media?.label ?? "";
      $("#connect-media").dataset.source = current.media?.kind ?? "none";
      video.hidden = !current.media;
      if (current.media) {
        log({ direction: "info", type: "LOCAL_VIDEO", detail: `sending the ${current.media.label}` });
        play(video, current.media.stream);
      }
    } else {
      $("#connect-media").hidden = false;
      $("#connect-video-title").textContent = "From the master";
      $("#connect-video-source-label").textContent = "";
      $("#connect-media").dataset.source = "remote";
      video.hidden = false;
    }
    if (active !== current) throw abandoned();

    const session = await loggedSession({ client: client(), channelName, role, clientId, natTraversal, log, onConnection: showConnection });
    current.session = session;
    // Closed for good after the reconnection attempts ran out (a Disconnect has stopped this run
    // already; a session that never opened makes connectMaster/connectViewer reject, reported below).
    session.addEventListener("close", () => {
      if (active !== current || !current.connection) return;
      stop();
      setState("closed");
    });
    if (active !== current) throw abandoned();
    const peerOptions = { session, ...(current.media ? { localStream: current.media.stream } : {}) };
    const opened = () => setState("open");
    const connection = role === "MASTER" ? await connectMaster(peerOptions) : await connectViewer(peerOptions);
    current.connection = connection;
    if (active !== current) throw abandoned();
    logPeers(connection, log);
    connection.addEventListener("connectionStateChange", (e) => {
      states.set(e.remoteClientId ?? "master", e.state);
      showPeers(states);
    });
    if (role === "MASTER") {
      connection.addEventListener("peer", (e) => {
        states.set(e.remoteClientId, e.peerConnection.connectionState);
        showPeers(states);
      });
      connection.addEventListener("peerClosed", (e) => {
        states.delete(e.remoteClientId);
        current.channels.delete(e.remoteClientId);
        showPeers(states);
      });
      connection.addEventListener("dataChannel", (e) => {
        current.channels.set(e.remoteClientId, e.channel);
        wireDataChannel(e.channel, { remote: e.remoteClientId, log, onOpen: opened, onMessage, echo: true });
      });
    } else {
      connection.addEventListener("track", (e) => play(video, e.streams[0] ?? new MediaStream([e.track])));
      if (connection.dataChannel) {
        current.channels.set("master", connection.dataChannel);
        wireDataChannel(connection.dataChannel, { remote: "master", log, onOpen: opened, onMessage, hello: `hello from ${clientId}` });
      }
    }
    setState("signaling");
  } catch (error) {
    // Disconnected (or the connection changed) while connecting: nothing failed.
    const abandonedRun = active !== current;
    stop(current);
    if (abandonedRun) return false;
    log({ direction: "error", type: "CONNECT_FAILED", detail: `${error.name}: ${error.message}` });
    setState("closed");
    throw error;
  }
  return true;
}

export function setupConnect() {
  const form = $("#connect-form");
  const status = $("#connect-status");
  const log = logRenderer($("#signaling-log"));
  const messages = $("#dc-messages");
  setState("idle");
  serveViewerConfig();

  const roleChanged = () => {
    const viewer = $("#connect-role").value === "VIEWER";
    $("#connect-client-id-field").hidden = !viewer;
    $("#connect-video-field").hidden = viewer;
    if (viewer && !$("#connect-client-id").value) $("#connect-client-id").value = randomId("viewer");
  };
  $("#connect-role").addEventListener("change", roleChanged);
  roleChanged();

  onConnectionChange(() => {
    stop();
    setState("idle");
    $("#connect-result").hidden = true;
    $("#connect-media").hidden = true;
    refreshChannels().catch((error) => renderError(status, error));
  });
  onChannelsChanged(() => refreshChannels().catch((error) => renderError(status, error)));
  $("#connect-channel-refresh").addEventListener("click", () => run($("#connect-channel-refresh"), status, "Listing channels", async () => {
    await refreshChannels();
    return "";
  }));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    stop();
    $("#connect-result").hidden = true;
    run(form, status, "Connecting", async () => {
      const channelName = $("#connect-channel").value;
      if (!channelName) throw inputError("Channel: pick or create a signaling channel");
      const role = $("#connect-role").value;
      const clientId = $("#connect-client-id").value.trim();
      setState("connecting");
      const started = await start({
        channelName,
        role,
        clientId,
        natTraversal: $("#connect-nat").value,
        videoSource: $("#connect-video-source").value,
        log,
        onMessage: (text, from) => {
          messages.append(h("li", { class: from.startsWith("you") ? "mine" : undefined }, h("b", {}, from), ": ", text));
        },
      });
      if (!started) return "Disconnected.";
      return `Connected to ${channelName} as ${role}${role === "VIEWER" ? ` (${clientId})` : ""}.`;
    });
  });
  $("#connect-stop").addEventListener("click", () => {
    stop();
    setState("closed");
    renderStatus(status, "Disconnected.");
  });

  $("#connect-copy").addEventListener("click", async () => {
    const ok = await copyText($("#connect-wss-url").value, $("#connect-wss-url"));
    renderStatus($("#connect-copy-status"), ok ? "Copied." : "Select the URL and copy it.", ok ? "ok" : "warn");
  });

  $("#open-viewer-frame").addEventListener("click", () => {
    const container = $("#viewer-frame-container");
    const channel = encodeURIComponent($("#connect-channel").value);
    container.replaceChildren(h("iframe", { id: "viewer-frame", title: "Viewer", src: `viewer.html?channel=${channel}&embedded=1` }));
    container.hidden = false;
    $("#close-viewer-frame").hidden = false;
  });
  $("#close-viewer-frame").addEventListener("click", () => {
    $("#viewer-frame-container").replaceChildren();
    $("#viewer-frame-container").hidden = true;
    $("#close-viewer-frame").hidden = true;
  });
  $("#open-viewer-tab").addEventListener("click", () => {
    window.open(`viewer.html?channel=${encodeURIComponent($("#connect-channel").value)}`, "_blank");
  });

  $("#dc-send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("#dc-text").value;
    if (!text || !active) return;
    let count = 0;
    for (const channel of active.channels.values()) {
      if (channel.readyState === "open") {
        channel.send(text);
        count++;
      }
    }
    messages.append(h("li", { class: "mine" }, h("b", {}, "you"), `: ${text}`, count ? "" : " (no open data channel)"));
    $("#dc-text").value = "";
  });
  $("#signaling-log-clear").addEventListener("click", () => $("#signaling-log").replaceChildren());

  return {
    /** Picks `channelName` and scrolls to the panel (from a channel's details). */
    async choose(channelName) {
      await refreshChannels(channelName).catch((error) => renderError(status, error));
      $("#connect").scrollIntoView({ behavior: "smooth", block: "start" });
      $("#connect-channel").focus();
    },
  };
}
