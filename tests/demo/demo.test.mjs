// The demo (www/): the server's files, types and config, and the real page driven in headless
// Chromium inside a network namespace made for the test (tests/support/run-in-netns.sh runs flow.mjs).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { startDemo } from "../../www/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const FLOW_LIMIT_S = 85;

test("the demo server serves the page, the package with the right types, and the local endpoint's config", { timeout: 15000 }, async () => {
  const demo = await startDemo({ port: 0, kvsPort: 0 });
  try {
    assert.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const get = (path) => fetch(new URL(path, demo.url));

    const index = await get("/");
    assert.equal(index.status, 200);
    assert.match(index.headers.get("content-type"), /^text\/html/);
    assert.match(await index.text(), /<script type="module" src="js\/app\.js">/);

    const wasm = await get("/pkg/kinesis_video_wasm_bg.wasm");
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer()).slice(0, 4)], [0, 0x61, 0x73, 0x6d]);

    for (const path of ["/pkg/web.js", "/js/app.js", "/js/playback.js", "/vendor/hls.min.mjs"]) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get("content-type"), /^text\/javascript/, path);
    }
    assert.match((await get("/style.css")).headers.get("content-type"), /^text\/css/);

    const config = await (await get("/config.json")).json();
    assert.deepEqual(config, {
      endpoint: demo.kvs.url,
      region: "us-west-2",
      accessKeyId: "AKIAKVSLOCAL00000000",
      secretAccessKey: "kvs-local-secret",
      accountId: "123456789012",
    });

    // hls.js is served at /vendor/ (the page's player), nothing else of node_modules.
    assert.match(await (await get("/vendor/hls.min.mjs")).text(), /export\s*\{[^}]*as default/);
    for (const path of ["/../package.json", "/%2e%2e/package.json", "/pkg/..%2f..%2fpackage.json", "/serve.mjs", "/missing.html",
      "/node_modules/hls.js/package.json", "/vendor/hls.js", "/vendor/../node_modules/hls.js/dist/hls.min.mjs", "/vendor/%2e%2e/package.json"]) {
      assert.equal((await get(path)).status, 404, path);
    }
    assert.equal((await fetch(new URL("/", demo.url), { method: "POST" })).status, 405);
  } finally {
    await demo.close();
  }
});

const canIsolate = (() => {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return "needs root on Linux to make a network namespace";
  const probe = spawnSync("unshare", ["-n", "true"]);
  if (probe.error || probe.status !== 0) return "unshare -n is not available here";
  if (spawnSync("ip", ["-V"]).error) return "iproute2 (ip) is not installed";
  return null;
})();

test("the page: stream ACTIVE, tags, its recorded video (HLS, thumbnails, fragments, clip), a readable error, a channel, master and viewer: data channel, camera video, test pattern without a camera", { timeout: (FLOW_LIMIT_S + 5) * 1000 }, async () => {
  // The WebRTC step must run in a network namespace of its own; without one the test fails.
  assert.equal(canIsolate, null, canIsolate ?? "");
  const child = spawn("timeout", ["-k", "5", String(FLOW_LIMIT_S), join(here, "..", "support", "run-in-netns.sh"), process.execPath, join(here, "flow.mjs")], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.on("close", resolve));
  const line = output.split("\n").find((text) => text.startsWith("DEMO_FLOW_RESULT "));
  assert.ok(line, `no result from the flow (exit ${code}):\n${output}`);
  const result = JSON.parse(line.slice("DEMO_FLOW_RESULT ".length));
  assert.equal(result.ok, true, `the flow failed: ${result.error}\n${output}`);
  assert.equal(code, 0);
  const names = result.steps.map((step) => step.name);
  for (const expected of [
    "create a stream and see it ACTIVE",
    "describe the stream, add and remove a tag",
    "play the stream's recorded video",
    "a bad input gives a readable error",
    "create a signaling channel",
    "connect master and viewer over a data channel",
    "the viewer plays the master's camera",
    "without a camera the master sends a test pattern",
  ]) {
    assert.ok(names.includes(expected), `missing step: ${expected}`);
  }
  assert.ok(result.shots.length >= 11 && result.shots.includes("13-playback.png"), `screenshots: ${result.shots.join(", ")}`);
  // The seeded stream played through hls.js, LIVE and ON_DEMAND; video reached every viewer: the
  // fake camera's in a viewer frame, the canvas test pattern's (its master's getUserMedia fails) in
  // a viewer frame and in the Connect panel as VIEWER.
  assert.deepEqual(result.videoChecks.map((check) => check.what), ["HLS LIVE", "HLS ON_DEMAND", "camera", "test pattern", "test pattern in the Connect panel"]);
  for (const check of result.videoChecks) {
    assert.ok(check.advancedS >= 0.5 && check.newFrames > 0 && check.lit >= 12 && (check.colors >= 2 || check.cellsOffDominant >= 8), JSON.stringify(check));
  }
  // The Playback panel's other parts: every fragment listed, thumbnails that decoded, a clip that is
  // an MP4 of the ten fragments, and no seed button when connected as AWS.
  const { playback } = result;
  assert.equal(playback.fragmentRows, 10);
  assert.ok(playback.thumbnails >= 9, `thumbnails: ${playback.thumbnails}`);
  assert.deepEqual({ first: playback.clip.first, fragments: playback.clip.fragments }, { first: "ftyp", fragments: 10 });
  assert.equal(playback.seedButtonOnAws, false);
  for (const check of result.videoChecks) console.log(`video: ${JSON.stringify(check)}`);
  console.log(`playback: ${JSON.stringify(playback)}`);
  for (const path of result.videoShots) console.log(`viewer screenshot: ${path}`);
  console.log(`flow: ${result.ms} ms; ${result.steps.map((step) => `${step.name} ${step.ms} ms`).join("; ")}`);
});
