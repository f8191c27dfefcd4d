// The Connect panel: pick a channel and a role, show what connectSignaling returns (endpoints,
// presigned WSS URL, ICE servers), run that end of a data channel, and open a viewer beside it.
import { allChannelNames, onChannelsChanged } from "./channels.js";
import { client, connectionSettings, onConnectionChange } from "./connection.js";
import { logRenderer, startPeer } from "./peer.js";
import { $, copyText, definitionList, h, inputError, renderError, renderStatus, run } from "./ui.js";

let peer = null;
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
  const active = state !== "closed" && state !== "idle";
  $("#connect-stop").disabled = !active;
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

function stop() {
  peer?.close();
  peer = null;
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
    if (viewer && !$("#connect-client-id").value) $("#connect-client-id").value = randomId("viewer");
  };
  $("#connect-role").addEventListener("change", roleChanged);
  roleChanged();

  onConnectionChange(() => {
    stop();
    setState("idle");
    $("#connect-result").hidden = true;
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
      peer = await startPeer({
        client: client(),
        channelName,
        role,
        clientId,
        natTraversal: $("#connect-nat").value,
        log,
        onState: setState,
        onConnection: showConnection,
        onMessage: (text, from) => {
          messages.append(h("li", { class: from.startsWith("you") ? "mine" : undefined }, h("b", {}, from), ": ", text));
        },
      });
      return `Connected to ${channelName} as ${role}${role === "VIEWER" ? ` (${clientId})` : ""}.`;
    });
  });
  $("#connect-stop").addEventListener("click", () => {
    stop();
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
    if (!text || !peer) return;
    const count = peer.sendText(text);
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
