// The hostile-input fuzzer (tests/support/fuzz-inputs-core.mjs) in headless Chromium, against
// the local endpoint (CORS, signatures checked). No uncaught exception or unhandled rejection may
// reach the page. FUZZ_CALLS (default 10,000) and FUZZ_SEED set the run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { KinesisVideoClient } from "../../pkg/node.js";
import { serveStatic } from "../support/loopback.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./support.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CALLS = Number(process.env.FUZZ_CALLS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

let kvs;
let server;
let browser;
before(async () => {
  kvs = await startLocalEndpoint({ activationDelayMs: 0 });
  server = await serveStatic({ "/pkg/": join(root, "pkg"), "/support/": join(root, "tests", "support"), "/": join(root, "tests", "browser", "pages") });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  // The stream every liveness check describes.
  const credentials = { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey };
  await new KinesisVideoClient({ region: "us-east-1", endpoint: kvs.url, credentials }).createStream({ StreamName: "s" });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await kvs?.close();
});

test(`${CALLS} generated hostile calls in Chromium (FUZZ_SEED=${SEED})`, { timeout: 30 * 60_000 }, async () => {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/fuzz.html`);
  await page.waitForFunction(() => window.ready, null, { timeout: 20_000 });
  const options = { calls: CALLS, seed: SEED, endpoint: kvs.url, credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey } };
  const problems = await page.evaluate((o) => window.fuzz(o), options);
  await new Promise((r) => setTimeout(r, 50));
  const uncaught = await page.evaluate(() => window.uncaught);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.deepEqual(uncaught, [], "uncaught exceptions or unhandled rejections in the page");
  assert.deepEqual(pageErrors, []);
  await page.close();
});
