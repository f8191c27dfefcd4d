// Which endpoint and credentials the page uses. The local endpoint (from /config.json) is the
// default; AWS credentials typed in stay in this module's memory only (never stored or sent anywhere
// but in signatures).
import { KinesisVideoClient } from "/pkg/web.js";
import { $, h, inputError, renderError, renderStatus } from "./ui.js";

let local = null;
let current = null;
const listeners = new Set();

/** The settings in use: { mode, region, endpoint?, credentials }. */
export function connectionSettings() {
  return current;
}

export function client() {
  return current?.client;
}

/** Calls `listener` now (if connected) and whenever the connection changes. */
export function onConnectionChange(listener) {
  listeners.add(listener);
}

export function makeClient({ region, endpoint, credentials }) {
  return new KinesisVideoClient({ region, credentials, ...(endpoint ? { endpoint } : {}) });
}

function apply(settings) {
  const next = { ...settings, client: makeClient(settings) };
  current = next;
  const where = $("#endpoint-in-use");
  where.replaceChildren(
    h("span", { class: `mode mode-${next.mode}` }, next.mode === "local" ? "Local endpoint" : "AWS"),
    " ",
    h("code", { "data-testid": "endpoint-url" }, next.client.endpoint),
    " ",
    h("span", { class: "region" }, next.region),
  );
  for (const listener of listeners) listener(next);
}

export async function setupConnection() {
  const form = $("#connection-form");
  const status = $("#connection-status");
  const awsFields = $("#aws-fields");
  const mode = () => form.elements.mode.value;
  const showFields = () => {
    awsFields.hidden = mode() !== "aws";
    $("#local-info").hidden = mode() !== "local";
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "mode") showFields();
  });

  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
    local = await response.json();
    $("#local-endpoint").textContent = local.endpoint;
    $("#local-key").textContent = local.accessKeyId;
    $("#conn-region").value = local.region;
  } catch (error) {
    // Served without serve.mjs: only AWS is possible.
    form.elements.mode.value = "aws";
    renderStatus(status, `The local endpoint is not available (${error.message}); enter AWS credentials.`, "warn");
  }
  showFields();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      const region = $("#conn-region").value.trim();
      if (!region) throw inputError("Region: is required");
      if (mode() === "local") {
        if (!local) throw inputError("The local endpoint is not available");
        apply({ mode: "local", region, endpoint: local.endpoint, credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey } });
        renderStatus(status, `Using the local endpoint in ${region}.`);
      } else {
        const accessKeyId = $("#conn-access-key").value.trim();
        const secretAccessKey = $("#conn-secret").value.trim();
        const sessionToken = $("#conn-token").value.trim();
        if (!accessKeyId) throw inputError("Access key ID: is required");
        if (!secretAccessKey) throw inputError("Secret access key: is required");
        const endpoint = $("#conn-endpoint").value.trim() || undefined;
        apply({ mode: "aws", region, endpoint, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } });
        renderStatus(status, `Using AWS in ${region}. Credentials are kept in this tab's memory only.`);
      }
    } catch (error) {
      renderError(status, error);
    }
  });

  if (local) form.requestSubmit();
}
