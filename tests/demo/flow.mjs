// The demo's browser flow, run by demo.test.mjs through tests/support/run-in-netns.sh: starts the demo (local
// endpoint + page server) on free ports and drives the real page in headless Chromium: create a
// stream and see it ACTIVE, add and remove a tag, a readable error for bad input, create a channel,
// connect a master and a viewer frame over a WebRTC data channel. Screenshots go to artifacts/demo/.
// Prints one `DEMO_FLOW_RESULT <json>` line; exits 0 when every step passed.
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDemo } from "../../www/serve.mjs";

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
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
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
    await page.click("#connect-start");
    await page.locator("#connect-state").filter({ hasText: "signaling" }).waitFor();
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
    // The signaling log shows the offer, the answer and candidates on the namespace's address.
    for (const type of ["SDP_OFFER", "SDP_ANSWER", "ICE_CANDIDATE", "DATA_CHANNEL_OPEN"]) {
      await page.locator(`#signaling-log li[data-type=${type}]`).first().waitFor();
    }
    await shotOf(page.locator("#connect"), "08-connect-data-channel");
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
  finish({ ok: true, steps, shots, ms: Date.now() - started }, 0);
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
