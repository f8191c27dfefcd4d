// The viewer page (a frame or tab opened from the Connect panel): gets the connection from the
// page that opened it (credentials never go into the URL), connects as VIEWER and opens a data channel.
import init from "/pkg/web.js";
import { makeClient } from "./connection.js";
import { logRenderer, startPeer } from "./peer.js";
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

async function main() {
  const status = $("#viewer-status");
  const messages = $("#dc-messages");
  const state = $("#connect-state");
  if (new URLSearchParams(location.search).has("embedded")) document.body.classList.add("embedded");
  let peer;
  try {
    await init();
    const config = (await askHost()) ?? (await localConfig());
    if (!config.channelName) throw Object.assign(new Error("Channel: no channel given"), { name: "ValidationError" });
    const clientId = `viewer-${crypto.getRandomValues(new Uint32Array(1))[0].toString(36)}`;
    $("#viewer-channel").textContent = config.channelName;
    $("#viewer-client-id").textContent = clientId;
    $("#viewer-endpoint").textContent = config.settings.endpoint ?? `AWS ${config.settings.region}`;
    renderStatus(status, "Connecting…", "busy");
    peer = await startPeer({
      client: makeClient(config.settings),
      channelName: config.channelName,
      role: "VIEWER",
      clientId,
      natTraversal: config.natTraversal,
      log: logRenderer($("#signaling-log")),
      onState: (value) => {
        state.textContent = value;
        state.className = `badge badge-${value}`;
        $("#dc-send-form button").disabled = value !== "open";
        if (value === "open") renderStatus(status, "Data channel open.");
      },
      onMessage: (text, from) => messages.append(h("li", {}, h("b", {}, from), ": ", text)),
    });
  } catch (error) {
    renderError(status, error);
  }
  $("#dc-send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("#dc-text").value;
    if (!text || !peer) return;
    peer.sendText(text);
    messages.append(h("li", { class: "mine" }, h("b", {}, "you"), `: ${text}`));
    $("#dc-text").value = "";
  });
  window.addEventListener("pagehide", () => peer?.close());
}

main();
