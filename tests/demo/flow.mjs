// The demo's browser flow, run by demo.test.mjs through tests/support/run-in-netns.sh: starts the demo (local
// endpoint + page server) on free ports and drives the real page in headless Chromium (with
// Chromium's fake camera): create a stream and see it ACTIVE, add and remove a tag, a readable error
// for bad input, create a channel, connect a master and a viewer frame over WebRTC: the data
// channel's echo, and the master's camera playing in the viewer (time advancing, frames changing and
// not black); then a master in a context whose getUserMedia fails sends its canvas test pattern,
// checked the same way in a viewer frame and in the first page's Connect panel as VIEWER. Before
// that, the stream's Playback panel: seeded with the local endpoint's test video, it plays over HLS
// through hls.js (LIVE and ON_DEMAND, checked like the WebRTC video), lists the fragments, shows
// thumbnails that decode and downloads a clip that is an MP4; connected as AWS the seed button is gone.
// Screenshots go to artifacts/demo/ (the viewers': 11-viewer-camera.png, 12-viewer-test-pattern.png;
// the Playback panel: 13-playback.png).
// Prints one `DEMO_FLOW_RESULT <json>` line; exits 0 when every step passed.
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDemo } from "../../www/serve.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from "../support/chromium.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHOTS = join(repo, "artifacts", "demo");
const DEADLINE_MS = Number(process.env.DEMO_FLOW_DEADLINE_MS ?? 75000);
const STEP_TIMEOUT_MS = 15000;
const NETNS_ADDRESS = "10.77.0.1";

const started = Date.now();
const steps = [];
const shots = [];
const pageErrors = [];
const log = (text) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);

function finish(result, code) {
  console.log(`DEMO_FLOW_RESULT ${JSON.stringify(result)}`);
  process.exit(code);
}
const watchdog = setTimeout(() => finish({ ok: false, steps, shots, error: `not done within ${DEADLINE_MS} ms` }, 1), DEADLINE_MS);

/** Only loopback and the namespace's veth may exist: refuse to run on the machine's real network. */
function checkNamespace() {
  const addresses = Object.entries(networkInterfaces()).flatMap(([name, list]) => list.map(({ address }) => ({ name, address })));
  for (const { name, address } of addresses) {
    const ok = (name === "lo" && ["127.0.0.1", "::1"].includes(address)) || (name.startsWith("kvs") && (address === NETNS_ADDRESS || address.startsWith("fe80:")));
    assert.ok(ok, `interface ${name} has ${address}: run this through tests/support/run-in-netns.sh`);
  }
  assert.ok(addresses.some(({ address }) => address === NETNS_ADDRESS), `no ${NETNS_ADDRESS}: run this through tests/support/run-in-netns.sh`);
}

async function shot(page, name, options = {}) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false, ...(options.clip ? { clip: options.clip } : {}) });
  shots.push(`${name}.png`);
}

/** Screenshot of one element (scrolled into view), which keeps images small and to the point. */
async function shotOf(locator, name) {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: join(SHOTS, `${name}.png`) });
  shots.push(`${name}.png`);
}

/** One look at the viewer's <video> in `frame`: time, frames shown, 16 grid points and the frame scaled to 32×24 cells. */
function sampleVideo(frame, selector) {
  return frame.evaluate((selector) => {
    const video = document.querySelector(selector);
    const width = video.videoWidth;
    const height = video.videoHeight;
    const canvas = Object.assign(document.createElement("canvas"), { width, height });
    const g = canvas.getContext("2d", { willReadFrequently: true });
    g.drawImage(video, 0, 0, width, height);
    const points = [];
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const [r, gr, b] = g.getImageData(Math.floor(((x + 0.5) * width) / 4), Math.floor(((y + 0.5) * height) / 4), 1, 1).data;
        points.push([r, gr, b]);
      }
    }
    const small = Object.assign(document.createElement("canvas"), { width: 32, height: 24 });
    const sg = small.getContext("2d", { willReadFrequently: true });
    sg.drawImage(canvas, 0, 0, 32, 24);
    const data = sg.getImageData(0, 0, 32, 24).data;
    const cells = [];
    for (let i = 0; i < data.length; i += 4) cells.push([data[i], data[i + 1], data[i + 2]]);
    return {
      currentTime: video.currentTime,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
      width,
      height,
      paused: video.paused,
      points,
      cells,
    };
  }, selector);
}

const nearBlack = ([r, g, b]) => Math.max(r, g, b) < 40;
const colorKey = ([r, g, b]) => [r, g, b].map((v) => v >> 5).join(",");
const luma = ([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b;
/** How many of `colors` are not the most common one (by colorKey): 0 for a flat frame. */
function offDominant(colors) {
  const counts = new Map();
  for (const color of colors) counts.set(colorKey(color), (counts.get(colorKey(color)) ?? 0) + 1);
  return colors.length - Math.max(...counts.values());
}

/**
 * The viewer's video plays: it has frames, its time advances over a second, the picture changes, and
 * it is not black (at least 12 of 16 grid points are not near-black) nor one flat colour (a decoder
 * that fails shows flat green: at least 2 colours among the grid points, or else at least 8 of
 * the 768 cells of the whole frame off its dominant colour: Chromium's fake camera is a green card
 * whose pacman and clock can fall between the grid points).
 */
async function checkVideo(frame, what, selector = "#remote-video") {
  try {
    await frame.waitForFunction((selector) => {
      const video = document.querySelector(selector);
      return video && video.readyState >= 2 && video.videoWidth > 0 && video.currentTime > 0;
    }, selector, { timeout: STEP_TIMEOUT_MS });
  } catch (error) {
    const state = await frame.evaluate((selector) => {
      const video = document.querySelector(selector);
      return video && { readyState: video.readyState, videoWidth: video.videoWidth, currentTime: video.currentTime, hasStream: Boolean(video.srcObject) };
    }, selector).catch(() => null);
    throw new Error(`${what}: no playing video in ${selector} within ${STEP_TIMEOUT_MS} ms (${JSON.stringify(state)}): ${error.message.split("\n")[0]}`);
  }
  const first = await sampleVideo(frame, selector);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const second = await sampleVideo(frame, selector);
  const advanced = second.currentTime - first.currentTime;
  assert.ok(advanced >= 0.5, `${what}: currentTime went from ${first.currentTime} to ${second.currentTime} in a second`);
  assert.equal(second.paused, false, `${what}: the video is paused`);
  assert.ok(second.frames > first.frames, `${what}: no new frame shown in a second (${first.frames} then ${second.frames})`);
  for (const sample of [first, second]) {
    const lit = sample.points.filter((point) => !nearBlack(point)).length;
    const colors = new Set(sample.points.map(colorKey)).size;
    const off = offDominant(sample.cells);
    assert.ok(lit >= 12, `${what}: only ${lit} of 16 points are not near-black: ${JSON.stringify(sample.points)}`);
    assert.ok(colors >= 2 || off >= 8, `${what}: one flat colour (16 points ${JSON.stringify(sample.points)}, ${off} of 768 cells off it)`);
  }
  const changedCells = first.cells.filter((cell, i) => Math.abs(luma(cell) - luma(second.cells[i])) > 4).length;
  assert.ok(changedCells >= 2, `${what}: the picture did not change in a second (${changedCells} of 768 cells changed)`);
  const summary = {
    what,
    size: `${second.width}x${second.height}`,
    advancedS: Number(advanced.toFixed(2)),
    newFrames: second.frames - first.frames,
    changedCells,
    lit: second.points.filter((point) => !nearBlack(point)).length,
    colors: new Set(second.points.map(colorKey)).size,
    cellsOffDominant: offDominant(second.cells),
  };
  log(`video ok: ${JSON.stringify(summary)}`);
  return summary;
}

/** The types of an MP4's top-level boxes (32-bit sizes: enough for a clip). */
function topLevelBoxes(bytes) {
  const types = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(at);
    types.push(bytes.toString("latin1", at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return types;
}

async function step(name, body) {
  const t0 = Date.now();
  log(`step: ${name}`);
  await body();
  steps.push({ name, ms: Date.now() - t0 });
}

let demo;
let browser;
try {
  checkNamespace();
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemo({ port: 0, kvsPort: 0, activationDelayMs: 1500 });
  log(`demo at ${demo.url}, local endpoint at ${demo.kvs.url}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") log(`console error: ${message.text()}`);
  });

  const stream = "demo-camera-1";
  const channel = "demo-channel-1";

  await step("page loads and uses the local endpoint", async () => {
    await page.goto(demo.url);
    await page.waitForSelector("body[data-ready=true]");
    await page.locator("#endpoint-in-use code").filter({ hasText: demo.kvs.url }).waitFor();
    await page.locator("#stream-rows td.empty").waitFor();
    await shot(page, "01-loaded");
  });

  await step("connection panel: AWS needs keys, the local endpoint stays in use", async () => {
    await page.check("#mode-aws");
    await page.locator("#aws-fields").waitFor();
    await page.click("#connection-apply");
    const error = page.locator("#connection-status.error");
    await error.locator(".error-name").filter({ hasText: "ValidationError" }).waitFor();
    assert.match(await error.textContent(), /Access key ID/);
    await page.check("#mode-local");
    await page.locator("#aws-fields").waitFor({ state: "hidden" });
    await page.click("#connection-apply");
    await page.locator("#connection-status").filter({ hasText: "Using the local endpoint" }).waitFor();
    await page.locator("#endpoint-in-use code").filter({ hasText: demo.kvs.url }).waitFor();
  });

  await step("create a stream and see it ACTIVE", async () => {
    await page.fill("#stream-name", stream);
    await page.fill("#stream-media-type", "video/h264");
    await page.fill("#stream-retention", "24");
    await page.fill("#stream-tags", "team=video");
    await page.click("#stream-create-button");
    // The status refresh is visible while the stream is CREATING.
    await page.locator(`#stream-rows tr[data-name="${stream}"] [data-testid=status]`).filter({ hasText: "CREATING" }).waitFor();
    await shotOf(page.locator("#streams"), "02-stream-creating");
    await page.locator("#stream-create-status").filter({ hasText: `Stream ${stream} is ACTIVE` }).waitFor();
    await page.locator(`#stream-rows tr[data-name="${stream}"] [data-testid=status]`).filter({ hasText: "ACTIVE" }).waitFor();
    await shotOf(page.locator("#streams"), "03-stream-active");
  });

  await step("describe the stream, add and remove a tag", async () => {
    await page.click(`#stream-rows tr[data-name="${stream}"] button.link`);
    await page.locator("#stream-info [data-field=Status]").filter({ hasText: "ACTIVE" }).waitFor();
    await page.locator('#stream-tag-list li[data-tag="team"]').waitFor();
    await page.fill("#stream-tag-key", "env");
    await page.fill("#stream-tag-value", "demo");
    await page.click("#stream-tag-add");
    await page.locator('#stream-tag-list li[data-tag="env"]').waitFor();
    await shotOf(page.locator("#stream-detail"), "04-stream-tag-added");
    await page.click("[data-testid=remove-tag-env]");
    await page.locator('#stream-tag-list li[data-tag="env"]').waitFor({ state: "detached" });
    await page.locator("#stream-tag-status").filter({ hasText: "Removed tag env" }).waitFor();
    assert.equal(await page.locator('#stream-tag-list li[data-tag="team"]').count(), 1);
  });

  await step("change the retention", async () => {
    await page.selectOption("#stream-retention-op", "INCREASE_DATA_RETENTION");
    await page.fill("#stream-retention-hours", "24");
    await page.click("#stream-retention-form button[type=submit]");
    await page.locator("#stream-info [data-field=DataRetentionInHours]").filter({ hasText: "48 hours" }).waitFor();
  });

  await step("data endpoints for each API name", async () => {
    await page.click("#stream-endpoints-load");
    await page.locator("#stream-endpoint-rows tr").nth(7).waitFor();
    const getMedia = await page.locator('#stream-endpoint-rows tr[data-api="GET_MEDIA"] code').textContent();
    assert.match(getMedia, /^http:\/\/127\.0\.0\.1:\d+\/data\/s-[0-9a-f]{8}$/);
  });

  const videoChecks = [];
  const videoShots = [];
  const playback = {};

  await step("play the stream's recorded video", async () => {
    // The local endpoint's test hook adds 10 s of ffmpeg's test source (1 s fragments) ending now.
    await page.click("#playback-seed");
    await page.locator("#playback-status").filter({ hasText: "Added 10 fragments" }).waitFor();
    // The range now covers them and the fragment list (ListFragments) shows them.
    await page.locator("#playback-fragment-status").filter({ hasText: "10 fragments." }).waitFor();
    playback.fragmentRows = await page.locator("#playback-fragment-rows [data-testid=fragment-row]").count();
    assert.equal(playback.fragmentRows, 10);
    // LIVE first, while the fragments are the newest (a LIVE session needs some from the last 30 s).
    for (const mode of ["LIVE", "ON_DEMAND"]) {
      await page.selectOption("#playback-mode", mode);
      await page.click("#playback-play");
      await page.locator("#playback-player-status").filter({ hasText: `${mode} with hls.js` }).waitFor();
      const check = await checkVideo(page.mainFrame(), `HLS ${mode}`, "#playback-video");
      const video = await page.evaluate(() => ({ ...document.querySelector("#playback-video").dataset }));
      assert.deepEqual(video, { player: "hls.js", live: String(mode === "LIVE") }, `${mode}: played by hls.js`);
      assert.equal(check.size, "640x360");
      videoChecks.push(check);
    }
    await page.click("#playback-thumbs-load");
    await page.locator("#playback-thumbs-status").filter({ hasText: /^\d+ images/ }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll("#playback-thumbs img")].every((img) => img.complete));
    const sizes = await page.$$eval("#playback-thumbs img", (images) => images.map((img) => `${img.naturalWidth}x${img.naturalHeight}`));
    playback.thumbnails = sizes.length;
    assert.ok(sizes.length >= 9 && sizes.every((size) => size === "640x360"), `thumbnails: ${sizes.join(", ")}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#playback-clip")]);
    const bytes = await readFile(await download.path());
    const boxes = topLevelBoxes(bytes);
    playback.clip = { file: download.suggestedFilename(), bytes: bytes.length, first: boxes[0], fragments: boxes.filter((type) => type === "moof").length };
    const { file, first, fragments } = playback.clip;
    assert.deepEqual({ file, first, fragments }, { file: `${stream}-clip.mp4`, first: "ftyp", fragments: 10 }, "the clip: an MP4 of the 10 fragments");
    await page.locator("#playback-clip-status").filter({ hasText: "Clip of" }).waitFor();
    await shotOf(page.locator("#stream-playback"), "13-playback");
    await page.click("#playback-stop");
    log(`playback: ${JSON.stringify(playback)}`);

    // Connected as AWS (here with the local endpoint as the endpoint override) there is no seed button.
    const aws = await context.newPage();
    aws.on("pageerror", (error) => pageErrors.push(error.message));
    await aws.goto(demo.url);
    await aws.waitForSelector("body[data-ready=true]");
    await aws.check("#mode-aws");
    await aws.fill("#conn-access-key", demo.kvs.accessKeyId);
    await aws.fill("#conn-secret", demo.kvs.secretAccessKey);
    await aws.fill("#conn-endpoint", demo.kvs.url);
    await aws.click("#connection-apply");
    await aws.locator("#connection-status").filter({ hasText: "Using AWS" }).waitFor();
    await aws.click(`#stream-rows tr[data-name="${stream}"] button.link`);
    await aws.locator("#stream-info [data-field=Status]").filter({ hasText: "ACTIVE" }).waitFor();
    await aws.click("#playback-fragments-load");
    await aws.locator("#playback-fragment-status").filter({ hasText: "10 fragments." }).waitFor();
    playback.seedButtonOnAws = await aws.locator("#playback-seed").isVisible();
    assert.equal(playback.seedButtonOnAws, false);
    await aws.close();
  });

  await step("a bad input gives a readable error", async () => {
    await page.fill("#stream-name", "x".repeat(300));
    await page.click("#stream-create-button");
    const error = page.locator("#stream-create-status.error");
    await error.waitFor();
    assert.equal(await error.locator(".error-name").textContent(), "ValidationError");
    assert.match(await error.textContent(), /StreamName/);
    await shotOf(page.locator("#stream-create"), "05-validation-error");
    // A name already taken: the service refuses it with ResourceInUseException.
    await page.fill("#stream-name", stream);
    await page.click("#stream-create-button");
    await error.locator(".error-name").filter({ hasText: "ResourceInUseException" }).waitFor();
    assert.match(await error.textContent(), /ResourceInUseException/);
    await shotOf(page.locator("#stream-create"), "06-service-error");
    await page.fill("#stream-name", "");
  });

  await step("create a signaling channel", async () => {
    await page.fill("#channel-name", channel);
    await page.fill("#channel-create-ttl", "30");
    await page.click("#channel-create-button");
    await page.locator("#channel-create-status").filter({ hasText: `Channel ${channel} is ACTIVE` }).waitFor();
    await page.locator(`#channel-rows tr[data-name="${channel}"] [data-testid=status]`).filter({ hasText: "ACTIVE" }).waitFor();
    await page.locator(`#connect-channel option[value="${channel}"]`).waitFor({ state: "attached" });
    await shotOf(page.locator("#channels"), "07-channel-active");
  });

  await step("connect master and viewer over a data channel", async () => {
    await page.selectOption("#connect-channel", channel);
    await page.selectOption("#connect-role", "MASTER");
    assert.equal(await page.inputValue("#connect-video-source"), "camera");
    await page.click("#connect-start");
    await page.locator("#connect-state").filter({ hasText: "signaling" }).waitFor();
    // The fake camera is in use, shown beside the log.
    await page.locator("#connect-media[data-source=camera]").waitFor();
    await page.locator("#signaling-log li[data-type=LOCAL_VIDEO]").filter({ hasText: "sending the camera" }).waitFor();
    const wssUrl = await page.inputValue("#connect-wss-url");
    assert.match(wssUrl, /^ws:\/\/127\.0\.0\.1:\d+\/signaling\/m-[0-9a-f]{8}\?.*X-Amz-Signature=/);
    assert.ok((await page.locator("#connect-ice-servers li").count()) >= 1);
    await page.click("#open-viewer-frame");
    const viewer = page.frameLocator("#viewer-frame");
    await viewer.locator("#connect-state").filter({ hasText: "open" }).waitFor();
    await page.locator("#dc-messages li").filter({ hasText: /^viewer-[a-z0-9]+: hello from viewer-/ }).waitFor();
    await viewer.locator("#dc-messages li").filter({ hasText: /^master: echo: hello from viewer-/ }).waitFor();
    await page.fill("#dc-text", "ping from the master");
    await page.click("#dc-send-form button");
    await viewer.locator("#dc-messages li").filter({ hasText: "master: ping from the master" }).waitFor();
    // The signaling log shows the offer, the answer, candidates and the peer connection's state.
    for (const type of ["SDP_OFFER", "SDP_ANSWER", "ICE_CANDIDATE", "DATA_CHANNEL_OPEN", "VIEWER_JOINED"]) {
      await page.locator(`#signaling-log li[data-type=${type}]`).first().waitFor();
    }
    await page.locator("#signaling-log li[data-type=PEER_CONNECTION]").filter({ hasText: "connected" }).first().waitFor();
    await page.locator("#connect-peers li[data-state=connected]").waitFor();
    await viewer.locator("#viewer-peer-state").filter({ hasText: "connected" }).waitFor();
    await shotOf(page.locator("#connect"), "08-connect-data-channel");
  });

  await step("the viewer plays the master's camera", async () => {
    const frame = await (await page.$("#viewer-frame")).contentFrame();
    videoChecks.push(await checkVideo(frame, "camera"));
    await page.locator("#viewer-frame").scrollIntoViewIfNeeded();
    await shotOf(page.locator("#viewer-frame"), "11-viewer-camera");
    videoShots.push(join(SHOTS, "11-viewer-camera.png"));
    log(`viewer screenshot: ${videoShots.at(-1)}`);
  });

  await step("without a camera the master sends a test pattern", async () => {
    // The first master leaves the channel; a master in a context where getUserMedia fails takes it.
    await page.click("#close-viewer-frame");
    await page.click("#connect-stop");
    await page.locator("#connect-state").filter({ hasText: "closed" }).waitFor();
    await page.locator("#signaling-log li[data-type=WEBSOCKET_CLOSED]").waitFor();
    const noCamera = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    noCamera.setDefaultTimeout(STEP_TIMEOUT_MS);
    await noCamera.addInitScript(() => {
      if (!navigator.mediaDevices) return;
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Requested device not found", "NotFoundError"));
    });
    const master = await noCamera.newPage();
    master.on("pageerror", (error) => pageErrors.push(error.message));
    await master.goto(demo.url);
    await master.waitForSelector("body[data-ready=true]");
    await master.locator(`#connect-channel option[value="${channel}"]`).waitFor({ state: "attached" });
    await master.selectOption("#connect-channel", channel);
    await master.selectOption("#connect-role", "MASTER");
    await master.click("#connect-start");
    await master.locator("#connect-state").filter({ hasText: "signaling" }).waitFor();
    await master.locator("#connect-media[data-source=pattern]").waitFor();
    await master.locator("#signaling-log li[data-type=LOCAL_VIDEO]").filter({ hasText: "no camera (NotFoundError" }).waitFor();
    await master.click("#open-viewer-frame");
    const viewer = master.frameLocator("#viewer-frame");
    await viewer.locator("#connect-state").filter({ hasText: "open" }).waitFor();
    await viewer.locator("#dc-messages li").filter({ hasText: /^master: echo: hello from viewer-/ }).waitFor();
    const frame = await (await master.$("#viewer-frame")).contentFrame();
    const pattern = await checkVideo(frame, "test pattern");
    // The bars: more colours than the fake camera's two greens.
    assert.ok(pattern.colors >= 4, `the test pattern shows ${pattern.colors} colours at the 16 points`);
    videoChecks.push(pattern);
    await master.locator("#viewer-frame").scrollIntoViewIfNeeded();
    await shotOf(master.locator("#viewer-frame"), "12-viewer-test-pattern");
    videoShots.push(join(SHOTS, "12-viewer-test-pattern.png"));
    log(`viewer screenshot: ${videoShots.at(-1)}`);
    // The first page joins as a second viewer from the Connect panel (connectViewer there).
    await page.selectOption("#connect-role", "VIEWER");
    await page.click("#connect-start");
    await page.locator("#connect-media[data-source=remote]").waitFor();
    await page.locator("#connect-state").filter({ hasText: "open" }).waitFor();
    await page.locator("#dc-messages li").filter({ hasText: /^master: echo: hello from viewer-/ }).waitFor();
    await master.locator("#connect-peers li[data-state=connected]").nth(1).waitFor();
    const panel = await checkVideo(page.mainFrame(), "test pattern in the Connect panel", "#connect-video");
    assert.ok(panel.colors >= 4, `the Connect panel's viewer shows ${panel.colors} colours at the 16 points`);
    videoChecks.push(panel);
    await page.click("#connect-stop");
    await page.locator("#connect-state").filter({ hasText: "closed" }).waitFor();
    await master.click("#connect-stop");
    await master.locator("#connect-state").filter({ hasText: "closed" }).waitFor();
    await noCamera.close();
  });

  await step("phone width", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    small.on("pageerror", (error) => pageErrors.push(error.message));
    await small.goto(demo.url);
    await small.waitForSelector("body[data-ready=true]");
    await small.locator(`#stream-rows tr[data-name="${stream}"]`).waitFor();
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
    await shot(small, "09-phone", { fullPage: false });
    await small.click(`#stream-rows tr[data-name="${stream}"] button.link`);
    await small.locator("#stream-info [data-field=Status]").filter({ hasText: "ACTIVE" }).waitFor();
    await shotOf(small.locator("#stream-detail"), "10-phone-stream-detail");
    await phone.close();
  });

  await step("delete the stream with its version", async () => {
    const version = await page.inputValue("#stream-delete-version");
    assert.match(version, /^[A-Za-z0-9]{20}$/);
    await page.check("#stream-delete-confirm");
    await page.click("#stream-delete");
    await page.locator("#stream-list-status").filter({ hasText: `Deleting ${stream}` }).waitFor();
    await page.locator(`#stream-rows tr[data-name="${stream}"]`).waitFor({ state: "detached" });
  });

  assert.deepEqual(pageErrors, [], "uncaught errors in the page");
  clearTimeout(watchdog);
  await browser.close();
  await demo.close();
  finish({ ok: true, steps, shots, videoChecks, videoShots, playback, ms: Date.now() - started }, 0);
} catch (error) {
  log(`failed: ${error.stack ?? error}`);
  try {
    const pages = browser?.contexts().flatMap((c) => c.pages()) ?? [];
    if (pages[0]) await pages[0].screenshot({ path: join(SHOTS, "failure.png"), fullPage: true });
  } catch {}
  await browser?.close().catch(() => {});
  await demo?.close().catch(() => {});
  finish({ ok: false, steps, shots, pageErrors, error: String(error.message ?? error) }, 1);
}
