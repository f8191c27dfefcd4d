// Shared by the scripts run.sh runs inside its network namespace (interop.mjs, readme-examples.mjs):
// the isolation check, a deadline, the local endpoint, a static server for the pages, pkg/ and the
// KVS WebRTC SDK's browser bundle, and headless Chromium with a fake camera.
import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { KinesisVideoClient, waitUntilSignalingChannelActive } from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { serveStatic } from "../support/loopback.mjs";
import { CHROMIUM_ARGS as BASE_ARGS, FAKE_MEDIA_ARGS } from "../support/chromium.mjs";

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..");
/** The address run.sh gives the namespace's veth; the only non-loopback address allowed. */
export const NAMESPACE_ADDRESS = "10.77.0.1";
/** The package the pages load as /pkg/: pkg/, or KVS_WEBRTC_PKG_DIR (a changed copy, to see these tests fail). */
export const PKG_DIR = process.env.KVS_WEBRTC_PKG_DIR || join(repo, "pkg");
export const CHROMIUM_ARGS = [...BASE_ARGS, ...FAKE_MEDIA_ARGS, "--autoplay-policy=no-user-gesture-required"];

const started = Date.now();
export const elapsedMs = () => Date.now() - started;
export const step = (text) => console.log(`[${(elapsedMs() / 1000).toFixed(2)} s] ${text}`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends the process with a message if it is not done within `ms`. */
export function deadline(ms, tag) {
  const timer = setTimeout(() => {
    console.error(`${tag}_FAILED: not done within ${ms} ms`);
    process.exit(1);
  }, ms);
  return () => clearTimeout(timer);
}

/** Refuses to run where the machine's real interfaces are reachable. */
export function checkIsolation() {
  const found = Object.entries(networkInterfaces()).flatMap(([name, list]) => list.map((a) => ({ name, address: a.address })));
  for (const { name, address } of found) {
    const allowed =
      (name === "lo" && (address === "127.0.0.1" || address === "::1")) ||
      (name.startsWith("kvs") && (address === NAMESPACE_ADDRESS || address.startsWith("fe80:")));
    assert.ok(allowed, `interface ${name} ${address}: not the namespace run.sh makes (run this through run.sh)`);
  }
  assert.ok(found.some((a) => a.address === NAMESPACE_ADDRESS), `no interface with ${NAMESPACE_ADDRESS} (run this through run.sh)`);
}

/** Polls `probe` (sync or async) until it gives a truthy value; throws naming `what` after `timeoutMs`. */
export async function waitFor(what, probe, timeoutMs, intervalMs = 50) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * The local endpoint, the static server (/pages/, /pkg/, /sdk/) and Chromium with a fake camera,
 * in one context whose pages record their WebSocket frames (pages/frames.js).
 */
export async function startHarness({ region = "us-west-2", recordFrames = true } = {}) {
  checkIsolation();
  step(`isolated: interfaces ${Object.keys(networkInterfaces()).join(", ")}`);
  const kvs = await startLocalEndpoint({ port: 0, host: "127.0.0.1", activationDelayMs: 50 });
  const site = await serveStatic({
    "/pages/": join(here, "pages"),
    "/pkg/": PKG_DIR,
    "/sdk/": join(repo, "node_modules", "amazon-kinesis-video-streams-webrtc", "dist"),
  });
  const credentials = { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey };
  const client = new KinesisVideoClient({ region, credentials, endpoint: kvs.url });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  if (recordFrames) await context.addInitScript({ path: join(here, "pages", "frames.js") });
  step(`Chromium ${browser.version()}; endpoint ${kvs.url}, pages ${site.url}${PKG_DIR === join(repo, "pkg") ? "" : `, /pkg/ from ${PKG_DIR}`}`);
  const pageLog = [];

  return {
    kvs,
    site,
    browser,
    context,
    client,
    credentials,
    region,
    pageLog,
    /** Makes a signaling channel and waits until it is ACTIVE; resolves to its ARN. */
    async channel(name) {
      const { ChannelARN } = await client.createSignalingChannel({ ChannelName: name });
      await waitUntilSignalingChannelActive(client, { ChannelARN }, { minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 5 });
      return ChannelARN;
    },
    /** A new tab at `url` whose console, errors and failed requests go to `pageLog` (as `name`). */
    async open(name, url) {
      const page = await context.newPage();
      page.on("console", (m) => pageLog.push({ page: name, kind: `console.${m.type()}`, text: m.text(), t: elapsedMs() }));
      page.on("pageerror", (e) => pageLog.push({ page: name, kind: "pageerror", text: String(e?.stack ?? e), t: elapsedMs() }));
      page.on("requestfailed", (r) => pageLog.push({ page: name, kind: "requestfailed", text: `${r.url()} ${r.failure()?.errorText}`, t: elapsedMs() }));
      await page.goto(url);
      return page;
    },
    /** `open` for one of `pages/`, once the page says `window.pageReady`. */
    async openReady(name, file) {
      const page = await this.open(name, `${site.url}/pages/${file}`);
      await page.waitForFunction(() => window.pageReady === true, null, { timeout: 10000 });
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      await site.close();
      await kvs.close();
      client.free?.();
    },
  };
}
