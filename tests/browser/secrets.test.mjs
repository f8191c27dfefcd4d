// Secrets in headless Chromium, with marked credentials:
// - the package in a page: every error path's message, stack, String and JSON.stringify, the
//   client's, and the console stay clean; wasm memory holds the secret until free() and not after;
// - the demo (www/) used in its AWS mode with marked keys the local endpoint accepts (and then a
//   wrong secret): after successes and errors in every panel, the secret appears nowhere in the
//   DOM (markup, text, form values but its own field), storage, cookies, URL or console, and the
//   session token only in the presigned WSS URL the page shows.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { startDemo } from "../../www/serve.mjs";
import { serveStatic } from "../support/loopback.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./support.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const mark = (what) => `${what}MARK${randomBytes(12).toString("hex")}`;
const T = { timeout: 120_000 };
// The outcome of each path the page takes, in order (see pages/secrets.js).
const EXPECTED_NAMES = [
  "ok", "ok", "ResourceNotFoundException", "ValidationError", "InvalidSignatureException", "UnrecognizedClientException",
  "NetworkError", "AbortError", "CredentialsProviderError", "CredentialsProviderError", "TypeError", "TypeError", "TypeError", "TypeError",
];

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
});
after(() => browser?.close());

/** Every console message of a page, as text. */
function watchConsole(page) {
  const lines = [];
  page.on("console", (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => lines.push(`pageerror: ${e.stack ?? e.message}`));
  return lines;
}

describe("the package in Chromium", () => {
  const SECRET = mark("secret");
  const TOKEN = mark("token");
  const KEY = "AKIDBROWSERSECRETS00";
  let kvs;
  let server;
  before(async () => {
    kvs = await startLocalEndpoint({ activationDelayMs: 0, credentials: { [KEY]: SECRET } });
    server = await serveStatic({ "/pkg/": join(root, "pkg"), "/": join(root, "tests", "browser", "pages") });
  });
  after(async () => {
    await server?.close();
    await kvs?.close();
  });

  test("errors, clients and console are clean; free() wipes the secret from wasm memory", T, async () => {
    const page = await browser.newPage();
    const consoleLines = watchConsole(page);
    await page.goto(`${server.url}/secrets.html`);
    await page.waitForFunction(() => window.ready, null, { timeout: 20_000 });
    const result = await page.evaluate(
      ([endpoint, key, secret, token]) => window.secretsRun({ endpoint, key, secret, token }),
      [kvs.url, KEY, SECRET, TOKEN],
    );
    for (const { where, text } of result.surfaces) {
      assert.ok(!text.includes(SECRET), `the secret leaked through ${where}: ${text.slice(0, 200)}`);
      assert.ok(!text.includes(TOKEN), `the session token leaked through ${where}: ${text.slice(0, 200)}`);
    }
    assert.ok(result.surfaces.length > 60, `${result.surfaces.length} surfaces checked`);
    console.log(`${result.surfaces.length} surfaces checked in the page`);
    // Every path was taken: successes, service errors, client errors.
    assert.deepEqual(result.names, EXPECTED_NAMES);
    assert.equal(result.tokenWhereSigV4PutsIt, true);
    assert.deepEqual(result.memory, { beforeFree: true, afterFree: false, signerAfterReturn: false });
    for (const line of consoleLines) assert.ok(!line.includes(SECRET) && !line.includes(TOKEN), `console: ${line.slice(0, 200)}`);
    await page.close();
  });
});

describe("the demo in Chromium", () => {
  const KEY = "AKIDDEMOSECRETS00000";
  const SECRET = mark("demosecret");
  const TOKEN = mark("demotoken");
  const WRONG = mark("wrongsecret");
  let demo;
  before(async () => {
    demo = await startDemo({ port: 0, kvsPort: 0, activationDelayMs: 0, credentials: { [KEY]: SECRET } });
  });
  after(() => demo?.close());

  test("AWS mode with marked keys: successes and errors in every panel leave no secret behind", T, async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const consoleLines = watchConsole(page);
    await page.goto(demo.url);
    await page.waitForSelector("body[data-ready=true]");

    const useAws = async (secret) => {
      await page.check("#mode-aws");
      await page.fill("#conn-access-key", KEY);
      await page.fill("#conn-secret", secret);
      await page.fill("#conn-token", TOKEN);
      await page.fill("#conn-endpoint", demo.kvs.url);
      await page.click("#connection-apply");
      await page.locator("#connection-status").filter({ hasText: "Using AWS" }).waitFor();
    };
    await useAws(SECRET);

    // Successes: a stream, a channel, a signaling connection (its WSS URL is shown).
    await page.click("#stream-search");
    await page.fill("#stream-name", "secrets-stream");
    await page.click("#stream-create-button");
    await page.locator("#stream-create-status").filter({ hasText: "is ACTIVE" }).waitFor();
    await page.fill("#channel-name", "secrets-channel");
    await page.click("#channel-create-button");
    await page.locator("#channel-create-status").filter({ hasText: "secrets-channel" }).waitFor();
    await page.click("#connect-channel-refresh");
    await page.locator("#connect-channel option", { hasText: "secrets-channel" }).waitFor({ state: "attached" });
    await page.selectOption("#connect-channel", { label: "secrets-channel" });
    await page.selectOption("#connect-role", "MASTER");
    await page.click("#connect-start");
    await page.locator("#connect-result").waitFor();
    const wssUrl = await page.inputValue("#connect-wss-url");
    await page.click("#connect-stop");

    // Errors: bad input, then a wrong secret (every call refused by the endpoint).
    await page.fill("#stream-name", "bad name!");
    await page.click("#stream-create-button");
    await page.locator("#stream-create-status.error").waitFor();
    await useAws(WRONG);
    await page.click("#stream-search");
    await page.locator("#stream-list-status.error").filter({ hasText: "InvalidSignatureException" }).waitFor();
    await page.click("#channel-search");
    await page.locator("#channel-list-status.error").waitFor();
    await page.click("#connect-start");
    await page.locator("#connect-status.error").waitFor();

    const seen = await page.evaluate(() => ({
      html: document.documentElement.outerHTML,
      text: document.body.innerText,
      values: [...document.querySelectorAll("input, textarea, select")]
        .filter((e) => !["conn-secret", "conn-token", "connect-wss-url"].includes(e.id))
        .map((e) => `${e.id}=${e.value}`)
        .join("\n"),
      storage: JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }),
      cookie: document.cookie,
      url: location.href,
      name: window.name,
    }));
    // The surfaces are read for real: the key id the form holds is seen.
    assert.ok(seen.values.includes(`conn-access-key=${KEY}`), "the form values were not read");
    for (const [where, text] of Object.entries(seen)) {
      for (const secret of [SECRET, WRONG]) assert.ok(!text.includes(secret), `the secret is in the demo's ${where}`);
      if (where !== "html" && where !== "text") assert.ok(!text.includes(TOKEN), `the session token is in the demo's ${where}`);
    }
    // The token is shown only inside the presigned URL, as its X-Amz-Security-Token parameter.
    const shownUrl = new URL(wssUrl);
    assert.equal(shownUrl.searchParams.get("X-Amz-Security-Token"), TOKEN);
    const withoutUrl = seen.html.split(wssUrl).join("").split(encodeURIComponent(TOKEN)).join("");
    assert.ok(!withoutUrl.includes(TOKEN), "the session token is in the demo's markup outside the WSS URL");
    assert.ok(!seen.text.split(wssUrl).join("").includes(TOKEN), "the session token is in the demo's text outside the WSS URL");
    assert.ok(!wssUrl.includes(SECRET));
    for (const line of consoleLines) for (const secret of [SECRET, WRONG, TOKEN]) assert.ok(!line.includes(secret), `console: ${line.slice(0, 200)}`);
    await context.close();
  });
});
