// Signaling channels: list (prefix filter, pages), create, and the details of one channel:
// describe, update the message TTL, tags, delete.
import { paginateListSignalingChannels, waitUntilSignalingChannelActive } from "/pkg/web.js";
import { client, onConnectionChange } from "./connection.js";
import { pagedList } from "./paged-list.js";
import { $, definitionList, formatValue, h, inputError, numberValue, parseTags, renderStatus, run, sleep, statusBadge } from "./ui.js";

let list;
let selected = null; // ChannelInfo shown in the details
const changeListeners = new Set();

/** Called after channels are created or deleted (the Connect panel refreshes its choices). */
export function onChannelsChanged(listener) {
  changeListeners.add(listener);
}
const changed = () => changeListeners.forEach((listener) => listener());

/** Every channel name, all pages. */
export async function allChannelNames() {
  const names = [];
  for await (const page of paginateListSignalingChannels(client(), {}, { pageSize: 100 })) {
    for (const channel of page.ChannelInfoList ?? []) if (channel.ChannelStatus !== "DELETING") names.push(channel.ChannelName);
  }
  return names;
}

function renderRow(channel) {
  return h("tr", { "data-name": channel.ChannelName, "data-testid": "channel-row" },
    h("td", {}, h("button", { type: "button", class: "link", onclick: () => select(channel.ChannelName) }, channel.ChannelName)),
    h("td", {}, statusBadge(channel.ChannelStatus)),
    h("td", { class: "hide-narrow" }, formatValue(channel.ChannelType)),
    h("td", {}, `${channel.SingleMasterConfiguration?.MessageTtlSeconds ?? "—"} s`),
    h("td", { class: "hide-narrow" }, formatValue(channel.CreationTime)),
  );
}

async function fetchPage({ token, pageSize, prefix }) {
  const output = await client().listSignalingChannels({
    MaxResults: pageSize,
    NextToken: token,
    ChannelNameCondition: prefix ? { ComparisonOperator: "BEGINS_WITH", ComparisonValue: prefix } : undefined,
  });
  const items = output.ChannelInfoList ?? [];
  if (items.some((channel) => channel.ChannelStatus !== "ACTIVE")) refreshSoon();
  return { items, next: output.NextToken };
}

let refreshTimer;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => list.reload(), 1000);
}

function clearDetails(message) {
  selected = null;
  $("#channel-detail").hidden = true;
  if (message) renderStatus($("#channel-list-status"), message);
}

function showInfo(info) {
  selected = info;
  $("#channel-detail-name").textContent = info.ChannelName;
  $("#channel-info").replaceWith(definitionList([
    ["Status", info.ChannelStatus, "ChannelStatus"],
    ["Version", info.Version, "Version"],
    ["ARN", info.ChannelARN, "ChannelARN"],
    ["Type", info.ChannelType, "ChannelType"],
    ["Message TTL", `${info.SingleMasterConfiguration?.MessageTtlSeconds ?? "—"} seconds`, "MessageTtlSeconds"],
    ["Created", info.CreationTime, "CreationTime"],
  ], { id: "channel-info" }));
  $("#channel-ttl").value = info.SingleMasterConfiguration?.MessageTtlSeconds ?? 60;
  $("#channel-delete-version").value = info.Version ?? "";
  $("#channel-delete-name").textContent = info.ChannelName;
}

function renderTags(tags) {
  $("#channel-tag-list").replaceChildren(...(tags.length
    ? tags.map(({ Key, Value }) => h("li", { "data-tag": Key },
      h("span", { class: "tag" }, h("b", {}, Key), " = ", Value),
      h("button", { type: "button", class: "small danger", "aria-label": `Remove tag ${Key}`, "data-testid": `remove-channel-tag-${Key}`, onclick: (event) => removeTag(event.currentTarget, Key) }, "Remove")))
    : [h("li", { class: "empty" }, "No tags")]));
}

async function loadTags() {
  const tags = {};
  let NextToken;
  do {
    const output = await client().listTagsForResource({ ResourceARN: selected.ChannelARN, NextToken });
    Object.assign(tags, output.Tags);
    NextToken = output.NextToken;
  } while (NextToken);
  renderTags(Object.entries(tags).map(([Key, Value]) => ({ Key, Value })));
}

async function removeTag(button, key) {
  await run(button, $("#channel-tag-status"), `Removing tag ${key}`, async () => {
    await client().untagResource({ ResourceARN: selected.ChannelARN, TagKeyList: [key] });
    await Promise.all([loadTags(), describe(selected.ChannelName)]);
    return `Removed tag ${key}.`;
  });
}

async function describe(name) {
  const output = await client().describeSignalingChannel({ ChannelName: name });
  showInfo(output.ChannelInfo);
  list.row(name)?.replaceWith(renderRow(output.ChannelInfo));
  return output.ChannelInfo;
}

async function select(name) {
  const detail = $("#channel-detail");
  for (const status of detail.querySelectorAll(".status")) renderStatus(status, "");
  await run(null, $("#channel-detail-status"), `Describing ${name}`, async () => {
    await describe(name);
    detail.hidden = false;
    renderTags([]);
    await loadTags();
    detail.scrollIntoView({ behavior: "smooth", block: "start" });
    return "";
  });
}

function onSubmit(selector, label, task) {
  const form = $(selector);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, form.querySelector(".status"), label(), () => task(form));
  });
}

export function setupChannels({ onConnect }) {
  list = pagedList({ prefix: "channel", fetchPage, renderRow, empty: "No signaling channels" });
  onConnectionChange(() => {
    clearDetails();
    list.reset();
  });

  onSubmit("#channel-create-form", () => `Creating ${$("#channel-name").value.trim()}`, async (form) => {
    const ChannelName = $("#channel-name").value.trim();
    const ttl = numberValue($("#channel-create-ttl"));
    const tags = Object.entries(parseTags($("#channel-tags").value) ?? {}).map(([Key, Value]) => ({ Key, Value }));
    await client().createSignalingChannel({
      ChannelName,
      ChannelType: "SINGLE_MASTER",
      SingleMasterConfiguration: ttl === undefined ? undefined : { MessageTtlSeconds: ttl },
      Tags: tags.length ? tags : undefined,
    });
    await list.reload();
    const status = form.querySelector(".status");
    renderStatus(status, `Created ${ChannelName}; waiting until it is ACTIVE…`, "busy");
    const result = await waitUntilSignalingChannelActive(client(), { ChannelName }, { maxWaitTime: 120, minDelay: 1, maxDelay: 5 });
    list.row(ChannelName)?.replaceWith(renderRow(result.reason.ChannelInfo));
    form.reset();
    changed();
    return `Channel ${ChannelName} is ACTIVE.`;
  });

  $("#channel-refresh").addEventListener("click", () => run($("#channel-refresh"), $("#channel-detail-status"), "Describing", async () => {
    await describe(selected.ChannelName);
    return "";
  }));

  $("#channel-connect").addEventListener("click", () => onConnect(selected.ChannelName));

  onSubmit("#channel-update-form", () => "Updating the message TTL", async () => {
    const ttl = numberValue($("#channel-ttl"));
    if (ttl === undefined) throw inputError("MessageTtlSeconds: is required");
    await client().updateSignalingChannel({
      ChannelARN: selected.ChannelARN,
      CurrentVersion: selected.Version,
      SingleMasterConfiguration: { MessageTtlSeconds: ttl },
    });
    // The update may leave the channel UPDATING for a moment.
    let info = await describe(selected.ChannelName);
    for (let i = 0; i < 30 && info.ChannelStatus !== "ACTIVE"; i++) {
      await sleep(1000);
      info = await describe(selected.ChannelName);
    }
    return `Message TTL is now ${info.SingleMasterConfiguration?.MessageTtlSeconds} seconds; version ${info.Version}.`;
  });

  onSubmit("#channel-tag-form", () => "Adding tag", async (form) => {
    const Key = $("#channel-tag-key").value.trim();
    await client().tagResource({ ResourceARN: selected.ChannelARN, Tags: [{ Key, Value: $("#channel-tag-value").value }] });
    await Promise.all([loadTags(), describe(selected.ChannelName)]);
    form.reset();
    return `Added tag ${Key}.`;
  });

  onSubmit("#channel-delete-form", () => `Deleting ${selected.ChannelName}`, async (form) => {
    if (!$("#channel-delete-confirm").checked) throw inputError("Tick the box to confirm the deletion");
    const { ChannelName, ChannelARN } = selected;
    await client().deleteSignalingChannel({ ChannelARN, CurrentVersion: $("#channel-delete-version").value.trim() });
    form.reset();
    await list.reload();
    clearDetails(`Deleting ${ChannelName}.`);
    changed();
    return "";
  });
}
