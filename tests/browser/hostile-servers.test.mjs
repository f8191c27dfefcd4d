// The hostile servers of tests/node/hostile-servers.test.mjs, answered by our client in headless
// Chromium (fetch through the browser's network stack, CORS preflights included): each must end
// in the result documented for Node, within the timeouts.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startFaultServer } from "../node/support/fault-server.mjs";
import { CASES } from "../node/support/hostile-cases.mjs";
import { serveStatic } from "../support/loopback.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./support.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CREDS = { accessKeyId: "AKIDHOSTILE000000000", secretAccessKey: "hostile-secret" };
const TIMEOUT_MS = 400;

let browser;
let pages;
let page;
before(async () => {
  pages = await serveStatic({ "/pkg/": join(root, "pkg"), "/": join(root, "tests", "browser", "pages") });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  await page.goto(`${pages.url}/hostile.html`);
  await page.waitForFunction(() => window.ready, null, { timeout: 20_000 });
});
after(async () => {
  await browser?.close();
  await pages?.close();
});

describe("hostile servers, ours in Chromium", () => {
  for (const [name, script, expected] of CASES) {
    test(name, { timeout: 40_000 }, async () => {
      const server = await startFaultServer(script());
      try {
        const ours = await page.evaluate((o) => window.outcome(o), { endpoint: server.url, credentials: CREDS, timeoutMs: TIMEOUT_MS });
        const seen = JSON.stringify({ ...ours, requests: server.requests.length });
        for (const [k, v] of Object.entries(expected)) assert.equal(ours[k], v, `ours.${k}: ${seen}`);
        if (expected.ok === undefined) assert.equal(ours.ok, false, seen);
        if (name === "a connection reset") {
          // Chromium itself sends a request again when a reused connection is reset under it.
          assert.ok(server.requests.length >= ours.attempts && server.requests.length <= 2 * ours.attempts, `attempts reached the server: ${seen}`);
        } else {
          assert.equal(server.requests.length, ours.attempts, `every attempt reached the server: ${seen}`);
        }
        assert.ok(ours.ms < 3 * (TIMEOUT_MS + 2000), `no hang: ${seen}`);
      } finally {
        await server.close();
      }
    });
  }
});
