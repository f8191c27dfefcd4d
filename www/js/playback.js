// The Playback panel of the stream shown in the details: its recorded media over a time range (or
// LIVE). HLS plays in a <video> through hls.js, which the demo loads (serve.mjs serves it at
// /vendor/; the package has no player); thumbnails come from GetImages, the fragment list from
// ListFragments, and "Download clip" saves what GetClip answers. Each API is called on the
// stream's data endpoint through dataEndpointClient. On the local endpoint, a button seeds the
// stream with 10 s of test video (its /_local/media/seed test hook).
import { paginateGetImages, paginateListFragments } from "/pkg/web.js";
import { client, connectionSettings } from "./connection.js";
import { $, h, inputError, numberValue, renderError, renderStatus, run } from "./ui.js";

const HLS_JS = "/vendor/hls.min.mjs";
const MAX_THUMBNAILS = 60;
const IMAGES_MAX_RANGE_MS = 300 * 1000; // GetImages takes at most 300 s per request
const FRAGMENTS_PER_PAGE = 25;
const DEFAULT_RANGE_MS = 10 * 60 * 1000;

let streamName = null; // the stream the panel is for
let hls = null; // the hls.js player while one plays
let hlsModule; // Promise of hls.js's class, or of null when it could not be loaded
let fragmentPages = null; // the ListFragments paginator while it has pages left
let fragmentType; // the timestamps it selects by
let fragments = [];
let clipUrl = null; // object URL of the last clip

const pad = (n) => String(n).padStart(2, "0");
/** A Date as a datetime-local value: local time, whole seconds (rounded down). */
const toLocalInput = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hourCycle: "h23" });
const clock = (date) => (date ? clockFormat.format(date) : "—");
const formatBytes = (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`);
const timestampOf = (fragment, type) => (type === "PRODUCER_TIMESTAMP" ? fragment.ProducerTimestamp : fragment.ServerTimestamp);

/** The archived-media client at the stream's data endpoint for `api` (the client remembers endpoints). */
const archived = (api) => client().dataEndpointClient(api, { StreamName: streamName });

/** The range typed in: { type, start, end } (Dates). */
function range() {
  const type = $("#playback-type").value;
  const from = $("#playback-from").value;
  const to = $("#playback-to").value;
  if (!from) throw inputError("From: is required");
  const start = new Date(from);
  let end = to ? new Date(to) : new Date();
  // With server timestamps the service refuses an EndTimestamp in the future (a "To" rounded up to
  // the second can be): nothing newer than now exists anyway.
  if (type === "SERVER_TIMESTAMP" && end > Date.now()) end = new Date();
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw inputError("From, To: must be dates");
  if (!(end > start)) throw inputError("To: must be later than From");
  return { type, start, end };
}

// ---- local endpoint: test video -------------------------------------------------------------------

async function seed() {
  const { endpoint, region } = connectionSettings();
  const response = await fetch(new URL("/_local/media/seed", endpoint), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ streamName, region }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const name = response.headers.get("x-amzn-ErrorType") ?? "Error";
    throw Object.assign(new Error(body.message ?? `HTTP ${response.status}`), { name, $metadata: { httpStatusCode: response.status } });
  }
  // The range becomes the new fragments' span, in whole seconds around their first and last start
  // (fragments are selected by where they start).
  const key = $("#playback-type").value === "PRODUCER_TIMESTAMP" ? "producerTimestamp" : "serverTimestamp";
  const starts = body.fragments.map((fragment) => fragment[key]);
  $("#playback-from").value = toLocalInput(new Date(Math.min(...starts)));
  $("#playback-to").value = toLocalInput(new Date(Math.max(...starts) + 999));
  await run($("#playback-fragments-load"), $("#playback-fragment-status"), "Listing fragments", listFragments);
  const seconds = body.fragments.reduce((sum, fragment) => sum + fragment.lengthInMilliseconds, 0) / 1000;
  return `Added ${body.fragments.length} fragments (${seconds} s of test video, ending now); the range covers them.`;
}

// ---- HLS player -----------------------------------------------------------------------------------

function loadHls() {
  hlsModule ??= import(HLS_JS).then((module) => module.default, () => null);
  return hlsModule;
}

function stop() {
  hls?.destroy();
  hls = null;
  const video = $("#playback-video");
  video.removeAttribute("src");
  video.load();
  delete video.dataset.player;
  delete video.dataset.live;
  $("#playback-stop").disabled = true;
  $("#playback-now").textContent = "";
}

async function play() {
  stop();
  const name = streamName;
  const mode = $("#playback-mode").value;
  const selector = { FragmentSelectorType: $("#playback-type").value };
  if (mode !== "LIVE") {
    const { start, end } = range();
    selector.TimestampRange = { StartTimestamp: start, EndTimestamp: end };
  }
  const api = await archived("GET_HLS_STREAMING_SESSION_URL");
  const { HLSStreamingSessionURL: url } = await api.getHLSStreamingSessionURL({
    StreamName: name,
    PlaybackMode: mode,
    HLSFragmentSelector: selector,
    ContainerFormat: "FRAGMENTED_MP4",
    // A discontinuity only where fragments do not follow each other (ALWAYS, the default with
    // server timestamps, would make hls.js start a new timeline at every fragment).
    DiscontinuityMode: "ON_DISCONTINUITY",
    DisplayFragmentTimestamp: "ALWAYS", // program date-times: the time of the frame shown, below the player
    Expires: 3600, // the session's URLs (a LIVE playlist is read again and again) work for an hour
  });
  const Hls = await loadHls();
  if (name !== streamName) return ""; // another stream was chosen meanwhile
  const video = $("#playback-video");
  const status = $("#playback-player-status");
  const start = () => video.play().catch((error) => {
    if (error.name !== "AbortError") renderError(status, error); // AbortError: stopped before it started
  });
  let player;
  if (Hls?.isSupported()) {
    hls = new Hls({ liveDurationInfinity: true });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return; // hls.js retries the others itself
      const http = data.response?.code ? ` (HTTP ${data.response.code})` : "";
      renderError(status, Object.assign(new Error(`${data.details}${http}${data.error?.message ? `: ${data.error.message}` : ""}`), { name: `hls.js ${data.type}` }));
      stop();
    });
    hls.once(Hls.Events.LEVEL_LOADED, (_event, { details }) => {
      video.dataset.live = String(details.live);
      renderStatus(status, `${mode} with hls.js ${Hls.version}: ${details.fragments.length} fragments (${details.totalduration.toFixed(1)} s)${details.live ? " in the live window" : ""}.`);
    });
    hls.once(Hls.Events.MANIFEST_PARSED, start);
    hls.loadSource(url);
    hls.attachMedia(video);
    player = `hls.js ${Hls.version}`;
    video.dataset.player = "hls.js";
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    // Fallback only: no Media Source Extensions (hls.js needs them) or hls.js did not load.
    video.src = url;
    start();
    player = `the browser's own HLS${Hls ? "" : " (hls.js did not load)"}`;
    video.dataset.player = "native";
  } else {
    throw new Error(Hls ? "This browser has neither Media Source Extensions (for hls.js) nor HLS of its own." : `hls.js did not load from ${HLS_JS} and this browser has no HLS of its own.`);
  }
  $("#playback-stop").disabled = false;
  return `${mode} with ${player}.`;
}

// ---- fragments ------------------------------------------------------------------------------------

async function listFragments() {
  const { type, start, end } = range();
  const api = await archived("LIST_FRAGMENTS");
  fragments = [];
  fragmentPages = paginateListFragments(api, {
    StreamName: streamName,
    FragmentSelector: { FragmentSelectorType: type, TimestampRange: { StartTimestamp: start, EndTimestamp: end } },
  }, { pageSize: FRAGMENTS_PER_PAGE });
  fragmentType = type;
  return moreFragments();
}

async function moreFragments() {
  const pages = fragmentPages;
  const { value, done } = await pages.next();
  if (pages !== fragmentPages) return ""; // listed again meanwhile
  if (!done) fragments.push(...(value.Fragments ?? []));
  const more = !done && Boolean(value.NextToken);
  if (!more) fragmentPages = null;
  // The service does not promise an order: by timestamp, as selected.
  fragments.sort((a, b) => timestampOf(a, fragmentType) - timestampOf(b, fragmentType));
  $("#playback-fragment-rows").replaceChildren(...(fragments.length
    ? fragments.map((f) => h("tr", { "data-testid": "fragment-row" },
      h("td", {}, h("code", { class: "fragment-number", title: f.FragmentNumber }, f.FragmentNumber)),
      h("td", { title: f.ProducerTimestamp?.toISOString() }, clock(f.ProducerTimestamp)),
      h("td", { title: f.ServerTimestamp?.toISOString() }, clock(f.ServerTimestamp)),
      h("td", {}, `${((f.FragmentLengthInMilliseconds ?? 0) / 1000).toFixed(3)} s`),
      h("td", {}, formatBytes(f.FragmentSizeInBytes ?? 0))))
    : [h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No fragments in the range"))]));
  $("#playback-fragments-more").hidden = !more;
  return `${fragments.length} fragment${fragments.length === 1 ? "" : "s"}${more ? ", more to list" : ""}.`;
}

// ---- thumbnails -----------------------------------------------------------------------------------

async function thumbnails() {
  const { type, start, end } = range();
  const interval = numberValue($("#playback-interval")) ?? 1000;
  const last = new Date(Math.min(end.getTime(), start.getTime() + IMAGES_MAX_RANGE_MS));
  const api = await archived("GET_IMAGES");
  const strip = $("#playback-thumbs");
  strip.replaceChildren();
  let shown = 0;
  let missing = 0;
  const pages = paginateGetImages(api, { StreamName: streamName, ImageSelectorType: type, StartTimestamp: start, EndTimestamp: last, SamplingInterval: interval, Format: "JPEG" });
  for await (const page of pages) {
    for (const image of (page.Images ?? []).slice(0, MAX_THUMBNAILS - shown)) {
      const time = h("small", { title: image.TimeStamp?.toISOString() }, clock(image.TimeStamp));
      if (image.ImageContent) {
        strip.append(h("li", {}, h("img", { src: `data:image/jpeg;base64,${image.ImageContent}`, alt: `Frame at ${clock(image.TimeStamp)}` }), time));
      } else {
        // NO_MEDIA (no fragment at that time) or MEDIA_ERROR.
        strip.append(h("li", { class: "missing" }, h("span", { class: "no-image" }, image.Error ?? "no image"), time));
        missing++;
      }
      shown++;
    }
    if (shown >= MAX_THUMBNAILS) break;
  }
  const clipped = last < end ? "; GetImages covers the first 300 s of the range" : "";
  const capped = shown >= MAX_THUMBNAILS ? ` (the first ${MAX_THUMBNAILS})` : "";
  return `${shown - missing} images${capped}, ${missing} without media, one every ${interval} ms${clipped}.`;
}

// ---- clip -----------------------------------------------------------------------------------------

async function downloadClip() {
  const { type, start, end } = range();
  const api = await archived("GET_CLIP");
  const output = await api.getClip({
    StreamName: streamName,
    ClipFragmentSelector: { FragmentSelectorType: type, TimestampRange: { StartTimestamp: start, EndTimestamp: end } },
  });
  const contentType = output.ContentType ?? "video/mp4";
  if (clipUrl) URL.revokeObjectURL(clipUrl);
  clipUrl = URL.createObjectURL(new Blob([output.Payload], { type: contentType }));
  const file = `${streamName}-clip.mp4`;
  const link = h("a", { href: clipUrl, download: file, "data-testid": "clip-link" }, `Save ${file} again`);
  $("#playback-clip-link").replaceChildren(link);
  link.click(); // the download starts as if the link had been clicked
  return `Clip of ${formatBytes(output.Payload.length)} (${contentType}); GetClip gives at most 200 fragments of the range.`;
}

// ---- wiring ---------------------------------------------------------------------------------------

/** Shows the panel for the stream `name` (the details show it): nothing loaded yet. */
export function showPlayback(name) {
  stop();
  streamName = name;
  fragments = [];
  fragmentPages = null;
  $("#playback-seed").hidden = connectionSettings()?.mode !== "local"; // the seed hook is the local endpoint's
  $("#playback-from").value = toLocalInput(new Date(Date.now() - DEFAULT_RANGE_MS));
  $("#playback-to").value = "";
  $("#playback-fragment-rows").replaceChildren(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "Not listed yet")));
  $("#playback-fragments-more").hidden = true;
  $("#playback-thumbs").replaceChildren();
  $("#playback-clip-link").replaceChildren();
  if (clipUrl) URL.revokeObjectURL(clipUrl);
  clipUrl = null;
  for (const status of $("#stream-playback").querySelectorAll(".status")) renderStatus(status, "");
}

/** The details close: the player stops. */
export function closePlayback() {
  stop();
  streamName = null;
}

export function setupPlayback() {
  const on = (selector, label, status, task) => $(selector).addEventListener("click", () => run($(selector), $(status), label, task));
  on("#playback-seed", "Adding test video", "#playback-status", seed);
  on("#playback-fragments-load", "Listing fragments", "#playback-fragment-status", listFragments);
  on("#playback-fragments-more", "Listing more fragments", "#playback-fragment-status", moreFragments);
  on("#playback-thumbs-load", "Getting images", "#playback-thumbs-status", thumbnails);
  on("#playback-clip", "Getting the clip", "#playback-clip-status", downloadClip);
  const form = $("#playback-player-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, $("#playback-player-status"), "Starting playback", play);
  });
  $("#playback-stop").addEventListener("click", () => {
    stop();
    renderStatus($("#playback-player-status"), "Stopped.");
  });
  // hls.js knows the wall-clock time of the frame shown from the playlist's program date-times.
  $("#playback-video").addEventListener("timeupdate", () => {
    $("#playback-now").textContent = hls?.playingDate ? `Showing ${clock(hls.playingDate)} (${hls.playingDate.toLocaleDateString()})` : "";
  });
}
