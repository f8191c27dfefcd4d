// The viewer page (a frame or tab opened from the Connect panel): gets the connection from the
// page that opened it (credentials never go into the URL), connects with the package's
// connectViewer, plays the master's video and talks to the master over the data channel.
import init, { connectViewer } from "/pkg/web.js";
import { makeClient } from "./connection.js";
import { play } from "./media.js";
import { logPeers, loggedSession, logRenderer, wireDataChannel } from "./signaling-log.js";
import { $, h, renderError, renderStatus } from "./ui.js";

function askHost() {
  const host = window.opener ?? (window.parent !== window ? window.parent : null);
  if (!host) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 3000);
    window.addEventListener("message", function onMessage(event) {
      if (event.origin !== location.origin || event.data?.type !== "kvs-demo:viewer-config") return;
      clearTimeout(timer);
      window.removeEventListener("message", onMessage);
      resolve(event.data);
    });
    host.postMessage({ type: "kvs-demo:viewer-ready" }, location.origin);
  });
}

/** Without a host page: the local endpoint from /config.json and the channel in the query. */
async function localConfig() {
  const local = await (await fetch("/config.json", { cache: "no-store" })).json();
  return {
    settings: { mode: "local", region: local.region, endpoint: local.endpoint, credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey } },
    channelName: new URLSearchParams(location.search).get("channel"),
    natTraversal: "STUN_TURN",
  };
}

function setState(value) {
  const state = $("#connect-state");
  state.textContent = value;
  state.className = `badge badge-${value}`;
  $("#dc-send-form button").disabled = value !== "open";
}

/** The video's size and how many frames it showed, under it. */
function watchVideo(video) {
  const info = $("#video-info");
  const show = () => {
    if (!video.videoWidth) return;
    const frames = video.getVideoPlaybackQuality?.().totalVideoFrames;
    info.textContent = `${video.videoWidth}×${video.videoHeight}${frames === undefined ? "" : `, ${frames} frames`}, ${video.currentTime.toFixed(1)} s`;
  };
  video.addEventListener("resize", show);
  setInterval(show, 1000);
}

async function main() {
  const status = $("#viewer-status");
  const messages = $("#dc-messages");
  const video = $("#remote-video");
  if (new URLSearchParams(location.search).has("embedded")) document.body.classList.add("embedded");
  const log = logRenderer($("#signaling-log"));
  const onMessage = (text, from) => messages.append(h("li", {}, h("b", {}, from), ": ", text));
  let viewer;
  let session;
  try {
    await init();
    const config = (await askHost()) ?? (await localConfig());
    if (!config.channelName) throw Object.assign(new Error("Channel: no channel given"), { name: "ValidationError" });
    const clientId = `viewer-${crypto.getRandomValues(new Uint32Array(1))[0].toString(36)}`;
    $("#viewer-channel").textContent = config.channelName;
    $("#viewer-client-id").textContent = clientId;
    $("#viewer-endpoint").textContent = config.settings.endpoint ?? `AWS ${config.settings.region}`;
    renderStatus(status, "Connecting…", "busy");
    setState("connecting");
    session = await loggedSession({
      client: makeClient(config.settings),
      channelName: config.channelName,
      role: "VIEWER",
      clientId,
      natTraversal: config.natTraversal,
      log,
    });
    session.addEventListener("close", () => setState("closed"));
    viewer = await connectViewer({ session });
    setState("signaling");
    logPeers(viewer, log);
    viewer.addEventListener("connectionStateChange", (e) => {
      $("#viewer-peer-state").textContent = e.state;
      if (e.state === "failed") renderStatus(status, "The peer connection failed; the viewer tries an ICE restart.", "warn");
    });
    viewer.addEventListener("track", (e) => {
      if (e.track.kind === "video") play(video, e.streams[0] ?? new MediaStream([e.track]));
    });
    watchVideo(video);
    wireDataChannel(viewer.dataChannel, {
      remote: "master",
      log,
      onMessage,
      hello: `hello from ${clientId}`,
      onOpen: () => {
        setState("open");
        renderStatus(status, "Data channel open.");
      },
    });
  } catch (error) {
    log({ direction: "error", type: "CONNECT_FAILED", detail: `${error.name}: ${error.message}` });
    viewer?.close();
    session?.close();
    setState("closed");
    renderError(status, error);
  }
  $("#dc-send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("#dc-text").value;
    if (!text || viewer?.dataChannel?.readyState !== "open") return;
    viewer.dataChannel.send(text);
    messages.append(h("li", { class: "mine" }, h("b", {}, "you"), `: ${text}`));
    $("#dc-text").value = "";
  });
  window.addEventListener("pagehide", () => {
    viewer?.close();
    session?.close();
  });
}

main();
