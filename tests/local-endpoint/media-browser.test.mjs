// Players, not parsers, judge the sessions: headless Chromium plays an HLS session URL with its own
// HLS support in a <video>, and a DASH session through Media Source Extensions (what dash.js and
// hls.js do underneath: fetch the init and media segments and append them to a SourceBuffer).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";
import { startTestEndpoint } from "./helpers.mjs";
import { seconds, seededStream } from "./media-helpers.mjs";

let endpoint;
let browser;
let cam;
const T0 = Math.floor(Date.now() / 1000) * 1000 - 60000;

before(async () => {
  endpoint = await startTestEndpoint();
  cam = await seededStream(endpoint, { name: "browser-cam", seed: { startTimestamp: T0 } });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"] });
}, { timeout: 60000 });
after(async () => {
  await browser?.close();
  await endpoint?.close();
});

const range = (type, startMs, endMs) => ({ FragmentSelectorType: type, TimestampRange: { StartTimestamp: seconds(startMs), EndTimestamp: seconds(endMs) } });

/** Plays `src` in a muted <video> until it has played `playSeconds`; gives what the element reports. */
async function playInChromium(src, playSeconds) {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async ({ src, playSeconds }) => {
        const video = document.createElement("video");
        video.muted = true;
        document.body.append(video);
        video.src = src;
        await video.play();
        const started = video.currentTime;
        const deadline = Date.now() + 15000;
        while (video.currentTime - started < playSeconds && !video.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        return {
          played: video.currentTime - started,
          duration: video.duration,
          width: video.videoWidth,
          height: video.videoHeight,
          error: video.error?.message ?? null,
          frames: video.getVideoPlaybackQuality().totalVideoFrames,
        };
      },
      { src, playSeconds },
    );
  } finally {
    await page.close();
  }
}

test("Chromium plays an HLS ON_DEMAND session: 10 s of 640x360 video", { timeout: 60000 }, async () => {
  for (const [type, end] of [["PRODUCER_TIMESTAMP", T0 + 9000], ["SERVER_TIMESTAMP", T0 + 9500]]) {
    const response = await cam.archived("getHLSStreamingSessionURL", { PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range(type, T0, end) });
    const result = await playInChromium(response.json.HLSStreamingSessionURL, 1.5);
    assert.equal(result.error, null, type);
    assert.ok(result.played >= 1.5, `${type}: played ${result.played} s`);
    assert.ok(Math.abs(result.duration - 10) < 0.1, `${type}: duration ${result.duration}`);
    assert.equal(`${result.width}x${result.height}`, "640x360");
    assert.ok(result.frames > 25);
  }
});

test("Chromium plays an HLS LIVE session as a live stream", { timeout: 60000 }, async () => {
  const live = await seededStream(endpoint, { name: "browser-live" });
  const response = await live.archived("getHLSStreamingSessionURL", { PlaybackMode: "LIVE" });
  const result = await playInChromium(response.json.HLSStreamingSessionURL, 1);
  assert.equal(result.error, null);
  assert.ok(result.played >= 1, `played ${result.played} s`);
  assert.equal(result.duration, Infinity, "no end: live");
});

test("a DASH session's init and media segments play through Media Source Extensions", { timeout: 60000 }, async () => {
  const response = await cam.archived("getDASHStreamingSessionURL", { PlaybackMode: "ON_DEMAND", DASHFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000) });
  const page = await browser.newPage();
  try {
    const result = await page.evaluate(async (manifestUrl) => {
      const mpd = new DOMParser().parseFromString(await (await fetch(manifestUrl)).text(), "application/xml");
      const representation = mpd.querySelector("Representation");
      const template = mpd.querySelector("SegmentTemplate");
      const count = mpd.querySelectorAll("SegmentTimeline S").length;
      const startNumber = Number(template.getAttribute("startNumber"));
      const urls = [new URL(template.getAttribute("initialization"), manifestUrl).href];
      for (let i = 0; i < count; i++) urls.push(new URL(template.getAttribute("media").replace("$Number$", String(startNumber + i)), manifestUrl).href);

      const video = document.createElement("video");
      video.muted = true;
      document.body.append(video);
      const source = new MediaSource();
      video.src = URL.createObjectURL(source);
      await new Promise((resolve) => source.addEventListener("sourceopen", resolve, { once: true }));
      const buffer = source.addSourceBuffer(`video/mp4; codecs="${representation.getAttribute("codecs")}"`);
      for (const url of urls) {
        buffer.appendBuffer(await (await fetch(url)).arrayBuffer());
        await new Promise((resolve, reject) => {
          buffer.addEventListener("updateend", resolve, { once: true });
          buffer.addEventListener("error", reject, { once: true });
        });
      }
      source.endOfStream();
      // Segments sit at their epoch times; the presentation starts where the buffered range does.
      const start = buffer.buffered.start(0);
      const buffered = buffer.buffered.end(0) - start;
      video.currentTime = start;
      await video.play();
      const deadline = Date.now() + 15000;
      while (video.currentTime - start < 1 && !video.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return { segments: count, buffered, ranges: buffer.buffered.length, played: video.currentTime - start, width: video.videoWidth, error: video.error?.message ?? null };
    }, response.json.DASHStreamingSessionURL);
    assert.equal(result.error, null);
    assert.equal(result.segments, 10);
    assert.equal(result.ranges, 1, "the segments follow each other without gaps");
    assert.ok(Math.abs(result.buffered - 10) < 0.1, `buffered ${result.buffered} s`);
    assert.ok(result.played >= 1, `played ${result.played} s`);
    assert.equal(result.width, 640);
  } finally {
    await page.close();
  }
});
