// Streams: list (prefix filter, pages), create, and the details of one stream: describe, update,
// retention, tags, data endpoints, playback (playback.js), image generation and notification
// configuration, delete.
import { waitUntilStreamActive } from "/pkg/web.js";
import { client, connectionSettings, onConnectionChange } from "./connection.js";
import { pagedList } from "./paged-list.js";
import { closePlayback, showPlayback } from "./playback.js";
import { $, definitionList, formatValue, h, inputError, numberValue, parseTags, renderError, renderStatus, run, sleep, statusBadge, textValue } from "./ui.js";

const API_NAMES = ["PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS", "GET_MEDIA_FOR_FRAGMENT_LIST", "GET_HLS_STREAMING_SESSION_URL", "GET_DASH_STREAMING_SESSION_URL", "GET_CLIP", "GET_IMAGES"];
const SETTLED = new Set(["ACTIVE"]);

let list;
let selected = null; // StreamInfo of the stream shown in the details
const watching = new Map(); // stream name → AbortController of its status refresh

function renderRow(stream) {
  return h("tr", { "data-name": stream.StreamName, "data-testid": "stream-row" },
    h("td", {}, h("button", { type: "button", class: "link", onclick: () => select(stream.StreamName) }, stream.StreamName)),
    h("td", {}, statusBadge(stream.Status)),
    h("td", { class: "hide-narrow" }, formatValue(stream.MediaType)),
    h("td", {}, `${stream.DataRetentionInHours ?? 0} h`),
    h("td", { class: "hide-narrow" }, formatValue(stream.CreationTime)),
  );
}

function updateRow(stream) {
  const row = list.row(stream.StreamName);
  if (row) row.replaceWith(renderRow(stream));
}

/** Describes `name` every second until it is ACTIVE or gone, updating its row and the details. */
async function watch(name) {
  watching.get(name)?.abort();
  const controller = new AbortController();
  watching.set(name, controller);
  const deadline = Date.now() + 5 * 60 * 1000;
  try {
    while (!controller.signal.aborted && Date.now() < deadline) {
      await sleep(1000);
      let info;
      try {
        info = (await client().describeStream({ StreamName: name }, { abortSignal: controller.signal })).StreamInfo;
      } catch (error) {
        if (error.name === "ResourceNotFoundException") {
          list.row(name)?.remove();
          if (selected?.StreamName === name) clearDetails(`Stream ${name} was deleted.`);
        }
        return;
      }
      updateRow(info);
      if (selected?.StreamName === name) showInfo(info);
      if (SETTLED.has(info.Status)) return;
    }
  } finally {
    if (watching.get(name) === controller) watching.delete(name);
  }
}

async function fetchPage({ token, pageSize, prefix }) {
  const output = await client().listStreams({
    MaxResults: pageSize,
    NextToken: token,
    StreamNameCondition: prefix ? { ComparisonOperator: "BEGINS_WITH", ComparisonValue: prefix } : undefined,
  });
  const items = output.StreamInfoList ?? [];
  for (const stream of items) if (!SETTLED.has(stream.Status) && !watching.has(stream.StreamName)) watch(stream.StreamName);
  return { items, next: output.NextToken };
}

// ---- details ------------------------------------------------------------------------------------

function clearDetails(message) {
  selected = null;
  closePlayback();
  $("#stream-detail").hidden = true;
  if (message) renderStatus($("#stream-list-status"), message);
}

function showInfo(info) {
  selected = info;
  $("#stream-detail-name").textContent = info.StreamName;
  $("#stream-info").replaceWith(definitionList([
    ["Status", info.Status, "Status"],
    ["Version", info.Version, "Version"],
    ["ARN", info.StreamARN, "StreamARN"],
    ["Media type", info.MediaType, "MediaType"],
    ["Device name", info.DeviceName, "DeviceName"],
    ["Data retention", `${info.DataRetentionInHours ?? 0} hours`, "DataRetentionInHours"],
    ["KMS key", info.KmsKeyId, "KmsKeyId"],
    ["Created", info.CreationTime, "CreationTime"],
  ], { id: "stream-info" }));
  $("#stream-update-media-type").value = info.MediaType ?? "";
  $("#stream-update-device").value = info.DeviceName ?? "";
  $("#stream-delete-version").value = info.Version ?? "";
  $("#stream-delete-name").textContent = info.StreamName;
}

function renderTags(tags) {
  const entries = Object.entries(tags ?? {});
  $("#stream-tag-list").replaceChildren(...(entries.length
    ? entries.map(([key, value]) => h("li", { "data-tag": key },
      h("span", { class: "tag" }, h("b", {}, key), " = ", value),
      h("button", { type: "button", class: "small danger", "aria-label": `Remove tag ${key}`, "data-testid": `remove-tag-${key}`, onclick: (event) => removeTag(event.currentTarget, key) }, "Remove")))
    : [h("li", { class: "empty" }, "No tags")]));
}

async function loadTags() {
  const output = await client().listTagsForStream({ StreamName: selected.StreamName });
  renderTags(output.Tags);
}

async function removeTag(button, key) {
  await run(button, $("#stream-tag-status"), `Removing tag ${key}`, async () => {
    await client().untagStream({ StreamName: selected.StreamName, TagKeyList: [key] });
    await Promise.all([loadTags(), refreshSelected()]);
    return `Removed tag ${key}.`;
  });
}

function fillImageForm(config) {
  const form = $("#stream-image-form");
  const c = config ?? {};
  form.elements.status.value = c.Status ?? "ENABLED";
  form.elements.selector.value = c.ImageSelectorType ?? "SERVER_TIMESTAMP";
  form.elements.uri.value = c.DestinationConfig?.Uri ?? "";
  form.elements.destRegion.value = c.DestinationConfig?.DestinationRegion ?? connectionSettings()?.region ?? "";
  form.elements.interval.value = c.SamplingInterval ?? 3000;
  form.elements.format.value = c.Format ?? "JPEG";
  form.elements.quality.value = c.FormatConfig?.JPEGQuality ?? "";
  form.elements.width.value = c.WidthPixels ?? "";
  form.elements.height.value = c.HeightPixels ?? "";
  $("#stream-image-current").textContent = config ? `Configured: ${config.Status}, ${config.Format} every ${config.SamplingInterval} ms` : "Not configured";
}

function fillNotificationForm(config) {
  const form = $("#stream-notification-form");
  form.elements.status.value = config?.Status ?? "ENABLED";
  form.elements.uri.value = config?.DestinationConfig?.Uri ?? "";
  $("#stream-notification-current").textContent = config ? `Configured: ${config.Status}` : "Not configured";
}

async function loadConfigurations() {
  const name = selected.StreamName;
  const [image, notification] = await Promise.allSettled([
    client().describeImageGenerationConfiguration({ StreamName: name }),
    client().describeNotificationConfiguration({ StreamName: name }),
  ]);
  if (image.status === "fulfilled") fillImageForm(image.value.ImageGenerationConfiguration);
  else renderError($("#stream-image-status"), image.reason);
  if (notification.status === "fulfilled") fillNotificationForm(notification.value.NotificationConfiguration);
  else renderError($("#stream-notification-status"), notification.reason);
}

async function select(name) {
  const detail = $("#stream-detail");
  for (const status of detail.querySelectorAll(".status")) renderStatus(status, "");
  $("#stream-endpoint-rows").replaceChildren();
  await run(null, $("#stream-detail-status"), `Describing ${name}`, async () => {
    const output = await client().describeStream({ StreamName: name });
    showInfo(output.StreamInfo);
    showPlayback(name);
    detail.hidden = false;
    renderTags({});
    await Promise.all([loadTags().catch((error) => renderError($("#stream-tag-status"), error)), loadConfigurations()]);
    detail.scrollIntoView({ behavior: "smooth", block: "start" });
    return "";
  });
}

async function refreshSelected() {
  const output = await client().describeStream({ StreamName: selected.StreamName });
  showInfo(output.StreamInfo);
  updateRow(output.StreamInfo);
  if (!SETTLED.has(output.StreamInfo.Status)) watch(output.StreamInfo.StreamName);
  return output.StreamInfo;
}

function onSubmit(selector, label, task) {
  const form = $(selector);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, form.querySelector(".status"), label(), () => task(form));
  });
}

export function setupStreams() {
  list = pagedList({ prefix: "stream", fetchPage, renderRow, empty: "No streams" });
  onConnectionChange(() => {
    for (const controller of watching.values()) controller.abort();
    clearDetails();
    list.reset();
  });

  onSubmit("#stream-create-form", () => `Creating ${$("#stream-name").value.trim()}`, async (form) => {
    const StreamName = $("#stream-name").value.trim();
    const output = await client().createStream({
      StreamName,
      MediaType: textValue($("#stream-media-type")),
      DataRetentionInHours: numberValue($("#stream-retention")),
      Tags: parseTags($("#stream-tags").value),
    });
    const status = form.querySelector(".status");
    await list.reload();
    const started = Date.now();
    const progress = setInterval(() => {
      renderStatus(status, `Created ${StreamName}; waiting until it is ACTIVE… ${Math.round((Date.now() - started) / 1000)} s`, "busy");
    }, 500);
    try {
      const result = await waitUntilStreamActive(client(), { StreamName }, { maxWaitTime: 120, minDelay: 1, maxDelay: 5 });
      updateRow(result.reason.StreamInfo);
      if (!list.row(StreamName)) await list.reload();
    } finally {
      clearInterval(progress);
    }
    form.reset();
    return `Stream ${StreamName} is ACTIVE (${output.StreamARN}).`;
  });

  $("#stream-refresh").addEventListener("click", () => run($("#stream-refresh"), $("#stream-detail-status"), "Describing", async () => {
    await refreshSelected();
    return "";
  }));

  onSubmit("#stream-update-form", () => "Updating", async () => {
    await client().updateStream({
      StreamName: selected.StreamName,
      CurrentVersion: selected.Version,
      MediaType: textValue($("#stream-update-media-type")),
      DeviceName: textValue($("#stream-update-device")),
    });
    const info = await refreshSelected();
    return `Updated; version ${info.Version}.`;
  });

  onSubmit("#stream-retention-form", () => "Changing retention", async () => {
    const hours = numberValue($("#stream-retention-hours"));
    if (hours === undefined) throw inputError("DataRetentionChangeInHours: is required");
    await client().updateDataRetention({
      StreamName: selected.StreamName,
      CurrentVersion: selected.Version,
      Operation: $("#stream-retention-op").value,
      DataRetentionChangeInHours: hours,
    });
    const info = await refreshSelected();
    return `Retention is now ${info.DataRetentionInHours} hours.`;
  });

  onSubmit("#stream-tag-form", () => "Adding tag", async (form) => {
    const key = $("#stream-tag-key").value.trim();
    const value = $("#stream-tag-value").value;
    await client().tagStream({ StreamName: selected.StreamName, Tags: { [key]: value } });
    await Promise.all([loadTags(), refreshSelected()]);
    form.reset();
    return `Added tag ${key}.`;
  });

  onSubmit("#stream-endpoints-form", () => "Getting data endpoints", async () => {
    const rows = $("#stream-endpoint-rows");
    const results = await Promise.allSettled(API_NAMES.map((APIName) => client().getDataEndpoint({ StreamName: selected.StreamName, APIName })));
    rows.replaceChildren(...API_NAMES.map((api, i) => h("tr", { "data-api": api },
      h("th", { scope: "row" }, api),
      results[i].status === "fulfilled"
        ? h("td", {}, h("code", {}, results[i].value.DataEndpoint))
        : h("td", { class: "error" }, h("strong", {}, results[i].reason.name), `: ${results[i].reason.message}`))));
    const failed = results.filter((r) => r.status === "rejected").length;
    return failed ? `${failed} of ${API_NAMES.length} failed.` : `${API_NAMES.length} endpoints.`;
  });

  onSubmit("#stream-image-form", () => "Saving image generation", async (form) => {
    const e = form.elements;
    const quality = textValue(e.quality);
    await client().updateImageGenerationConfiguration({
      StreamName: selected.StreamName,
      ImageGenerationConfiguration: {
        Status: e.status.value,
        ImageSelectorType: e.selector.value,
        DestinationConfig: { Uri: e.uri.value.trim(), DestinationRegion: e.destRegion.value.trim() },
        SamplingInterval: numberValue(e.interval),
        Format: e.format.value,
        FormatConfig: quality ? { JPEGQuality: quality } : undefined,
        WidthPixels: numberValue(e.width),
        HeightPixels: numberValue(e.height),
      },
    });
    await Promise.all([loadConfigurations(), refreshSelected()]);
    return "Image generation saved.";
  });
  $("#stream-image-remove").addEventListener("click", () => run($("#stream-image-form"), $("#stream-image-status"), "Removing image generation", async () => {
    await client().updateImageGenerationConfiguration({ StreamName: selected.StreamName });
    await Promise.all([loadConfigurations(), refreshSelected()]);
    return "Image generation removed.";
  }));

  onSubmit("#stream-notification-form", () => "Saving notifications", async (form) => {
    await client().updateNotificationConfiguration({
      StreamName: selected.StreamName,
      NotificationConfiguration: { Status: form.elements.status.value, DestinationConfig: { Uri: form.elements.uri.value.trim() } },
    });
    await Promise.all([loadConfigurations(), refreshSelected()]);
    return "Notifications saved.";
  });
  $("#stream-notification-remove").addEventListener("click", () => run($("#stream-notification-form"), $("#stream-notification-status"), "Removing notifications", async () => {
    await client().updateNotificationConfiguration({ StreamName: selected.StreamName });
    await Promise.all([loadConfigurations(), refreshSelected()]);
    return "Notifications removed.";
  }));

  onSubmit("#stream-delete-form", () => `Deleting ${selected.StreamName}`, async (form) => {
    if (!$("#stream-delete-confirm").checked) throw inputError("Tick the box to confirm the deletion");
    const { StreamName, StreamARN } = selected;
    await client().deleteStream({ StreamARN, CurrentVersion: $("#stream-delete-version").value.trim() });
    form.reset();
    await list.reload();
    clearDetails(`Deleting ${StreamName}.`);
    watch(StreamName);
    return "";
  });
}
