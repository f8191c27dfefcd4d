// The README's two WebRTC examples as written, run by run.sh inside its own network namespace
// (`run.sh readme-examples.mjs`): the fenced blocks after `<!-- example: master -->` and
// `<!-- example: viewer -->` each become a page's module, changed only where a page served from
// this machine must differ from one served to the world, each change an exact, counted text
// substitution that fails when the README's text changes shape:
//   - the import specifier "kinesis-video-wasm" becomes the package's web entry, /pkg/web.js, which
//     needs `await init()` first (pkg/web.js does not initialize on import);
//   - `new KinesisVideoClient({` gets `endpoint: <the local endpoint>` (the examples resolve the
//     region's real endpoint otherwise), and `fromCognitoIdentityPool({` the same (the README's pool
//     id is the local endpoint's DEFAULT_IDENTITY_POOL_ID);
//   - the master's page defines `credentials` (the local endpoint's static key), which the example
//     takes from its surroundings.
// Its surroundings: a channel named "door-cam" in the examples' region, a <video> in the viewer's
// page, and Chromium's fake camera for getUserMedia. Prints `WEBRTC_README_RESULT <json>`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_IDENTITY_POOL_ID } from "../local-endpoint/cognito.mjs";
import { serveStatic } from "../support/loopback.mjs";
import { README, exampleBlock } from "./readme.mjs";
import { checkIsolation, deadline, elapsedMs, here, PKG_DIR, startHarness, step, waitFor } from "./harness.mjs";

const DEADLINE_MS = Number(process.env.KVS_WEBRTC_DEADLINE_MS ?? 55000);
const WEB_ENTRY = "/pkg/web.js";
const stop = deadline(DEADLINE_MS, "WEBRTC_README");

/** `code` with the one occurrence of `from` replaced by `to`; fails when it occurs 0 or 2+ times. */
function replaceOnce(code, from, to, what) {
  const count = code.split(from).length - 1;
  assert.equal(count, 1, `README example ${what}: ${JSON.stringify(from)} occurs ${count} times, once expected (the README changed shape: update tests/webrtc/readme-examples.mjs)`);
  return code.replace(from, () => to);
}

/** The one value of `key: "..."` in `code`. */
function stringOption(code, key, what) {
  const found = [...code.matchAll(new RegExp(`\\b${key}: "([^"]*)"`, "g"))].map((m) => m[1]);
  assert.equal(found.length, 1, `README example ${what}: ${found.length} \`${key}: "..."\` (one expected)`);
  return found[0];
}

const html = (title, body, module) =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head>` +
  `<body>${body}<script type="module" src="./${module}"></script></body></html>\n`;

const started = elapsedMs();
const result = { timings: {} };
const lap = (name) => {
  result.timings[name] = elapsedMs() - started;
  step(name);
};
let h, pages, generated;
try {
  const markdown = readFileSync(README, "utf8");
  const original = { viewer: exampleBlock("viewer", markdown), master: exampleBlock("master", markdown) };
  const region = stringOption(original.master, "region", "master");
  assert.equal(stringOption(original.viewer, "region", "viewer"), region, "the two examples use different regions");
  const channelName = stringOption(original.master, "channelName", "master");
  assert.equal(stringOption(original.viewer, "channelName", "viewer"), channelName, "the two examples use different channels");
  const poolId = stringOption(original.viewer, "identityPoolId", "viewer");
  assert.equal(poolId, DEFAULT_IDENTITY_POOL_ID, "the README's identity pool is not the local endpoint's DEFAULT_IDENTITY_POOL_ID");
  result.example = { region, channelName, poolId };

  h = await startHarness({ region });
  const endpoint = h.kvs.url;
  const code = {};
  // The web entry is initialized before the example runs (import declarations are hoisted).
  const prelude = `import init from ${JSON.stringify(WEB_ENTRY)};\nawait init();\n`;
  {
    let c = replaceOnce(original.master, 'from "kinesis-video-wasm"', `from ${JSON.stringify(WEB_ENTRY)}`, "master");
    c = replaceOnce(c, "new KinesisVideoClient({", `new KinesisVideoClient({ endpoint: ${JSON.stringify(endpoint)},`, "master");
    code.master = `${prelude}const credentials = ${JSON.stringify(h.credentials)};\n${c}\n`;
  }
  {
    let c = replaceOnce(original.viewer, 'from "kinesis-video-wasm"', `from ${JSON.stringify(WEB_ENTRY)}`, "viewer");
    c = replaceOnce(c, "new KinesisVideoClient({", `new KinesisVideoClient({ endpoint: ${JSON.stringify(endpoint)},`, "viewer");
    c = replaceOnce(c, "fromCognitoIdentityPool({", `fromCognitoIdentityPool({ endpoint: ${JSON.stringify(`${endpoint}/`)},`, "viewer");
    code.viewer = `${prelude}${c}\n`;
  }
  result.code = code;
  const files = {
    "master.html": html("README master example", "", "master.mjs"),
    "master.mjs": code.master,
    "viewer.html": html("README viewer example", '<video autoplay muted playsinline width="320" height="240"></video>', "viewer.mjs"),
    "viewer.mjs": code.viewer,
  };
  // Served by a real loopback server (a page Playwright fulfills itself has no address space, and
  // Chromium's Local Network Access then refuses its fetches to the endpoint on 127.0.0.1).
  generated = await mkdtemp(join(tmpdir(), "kvs-readme-examples-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(generated, name), text);
  pages = await serveStatic({ "/readme/": generated, "/pages/": join(here, "pages"), "/pkg/": PKG_DIR });

  const channelArn = await h.channel(channelName);
  result.channelArn = channelArn;
  lap(`channel ${channelName} ACTIVE in ${region}`);

  const master = await h.open("master", `${pages.url}/readme/master.html`);
  await waitFor("the master example's signaling connection", () => h.kvs.signalingConnections(channelArn).some((c) => c.role === "MASTER"), 10000);
  lap("master example connected to signaling");

  const cognitoCalls = [];
  const viewer = await h.context.newPage();
  viewer.on("console", (m) => h.pageLog.push({ page: "viewer", kind: `console.${m.type()}`, text: m.text(), t: elapsedMs() }));
  viewer.on("pageerror", (e) => h.pageLog.push({ page: "viewer", kind: "pageerror", text: String(e?.stack ?? e), t: elapsedMs() }));
  viewer.on("request", (r) => {
    const target = r.headers()["x-amz-target"];
    if (target && r.method() === "POST") cognitoCalls.push({ url: r.url(), target });
  });
  await viewer.goto(`${pages.url}/readme/viewer.html`);
  lap("viewer example page loaded");

  const logged = (page, pattern) => h.pageLog.find((l) => l.page === page && l.kind === "console.log" && pattern.test(l.text));
  const echo = await waitFor("the viewer example to log the master's echo", () => logged("viewer", /^master says /), 20000);
  result.viewerLogged = echo.text;
  lap(`viewer example logged "${echo.text}"`);
  const joined = await waitFor("the master example to log a viewer", () => logged("master", /^viewer .* joined$/), 5000);
  result.masterLogged = joined.text;
  lap(`master example logged "${joined.text}"`);
  result.media = await viewer.evaluate(async () => (await import("/pages/media.js")).observeVideo(document.querySelector("video"), { timeoutMs: 15000 }));
  lap("the viewer's <video> observed");

  result.connections = h.kvs.signalingConnections(channelArn);
  result.cognitoCalls = cognitoCalls;
  const frames = async (page) => (await page.evaluate(() => window.__frames)).filter((f) => f.dir === "connect" && /\/signaling\//.test(f.url));
  result.signalingConnects = { master: await frames(master), viewer: await frames(viewer) };
  checkIsolation();
} catch (e) {
  result.error = String(e?.stack ?? e);
  step(`FAILED: ${e?.message ?? e}`);
} finally {
  result.pageLog = h?.pageLog ?? [];
  result.seconds = elapsedMs() / 1000;
  await pages?.close();
  await h?.close();
  if (generated) await rm(generated, { recursive: true, force: true });
  stop();
}
console.log("WEBRTC_README_RESULT " + JSON.stringify(result));
if (result.error) process.exitCode = 1;
