// The package in headless Chromium, imported by name from the packed tarball: a Vite production
// build, an esbuild bundle and a plain <script type="module"> page (kinesis-video-wasm/web with
// `await init()`). Each page makes real signed calls to the local endpoint (CORS) and the test
// reads the result from the page.
import { strict as assert } from "node:assert";
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { build as esbuild } from "esbuild";
import { chromium } from "playwright-core";
import { build as vite } from "vite";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { installPacked, NAME } from "./support/package.mjs";
import { serveStatic } from "../support/loopback.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";

const TIMEOUT = 90_000;


// The page's program: the endpoint and credentials come in the URL fragment.
const CALLS = `
const config = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const client = new KinesisVideoClient({
  region: "us-east-1",
  endpoint: config.endpoint,
  credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
});
try {
  const created = await client.createStream({ StreamName: config.stream });
  const listed = await client.listStreams({ StreamNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: config.stream } });
  window.result = { arn: created.StreamARN, names: listed.StreamInfoList.map((s) => s.StreamName), date: listed.StreamInfoList[0].CreationTime instanceof Date };
} catch (error) {
  window.result = { error: String(error && error.name) + ": " + String(error && error.message) };
}
`;
const BUNDLED_PAGE = `import { KinesisVideoClient } from "${NAME}";\n${CALLS}`;
const PLAIN_PAGE = `import init, { KinesisVideoClient } from "${NAME}/web";\nawait init();\n${CALLS}`;
const html = (head, script) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kvs</title>${head}</head><body>${script}</body></html>\n`;

describe("package in the browser", { timeout: 4 * TIMEOUT }, () => {
  let project, kvs, browser;
  const servers = [];
  before(async () => {
    [project, kvs, browser] = await Promise.all([
      installPacked(),
      startLocalEndpoint({ activationDelayMs: 0 }),
      chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS }),
    ]);
  }, { timeout: TIMEOUT });
  after(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
    await kvs?.close();
    await project?.cleanup();
  });

  /** Serves `root`, opens `page` with the config in the fragment, returns the page's result. */
  async function runPage(root, stream, page = "index.html") {
    const server = await serveStatic({ "/": root });
    servers.push(server);
    const tab = await browser.newPage();
    const problems = [];
    tab.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    tab.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    tab.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    const requests = [];
    tab.on("request", (r) => requests.push(r.url()));
    try {
      const config = { endpoint: kvs.url, accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey, stream };
      await tab.goto(`${server.url}/${page}#${encodeURIComponent(JSON.stringify(config))}`);
      await tab.waitForFunction(() => window.result !== undefined, null, { timeout: 20_000 }).catch((e) => {
        throw new Error(`${e.message}\n${problems.join("\n")}`);
      });
      const result = await tab.evaluate(() => window.result);
      return { result, problems, requests };
    } finally {
      await tab.close();
    }
  }

  function checkResult({ result, problems, requests }, stream) {
    assert.equal(result.error, undefined, `${result.error}\n${problems.join("\n")}`);
    assert.match(result.arn, new RegExp(`:stream/${stream}/\\d+$`));
    assert.deepEqual(result.names, [stream]);
    assert.equal(result.date, true);
    assert.deepEqual(problems, []);
    assert.equal(requests.filter((u) => u.endsWith(".wasm")).length, 1, "the wasm is fetched once");
  }

  test("Vite production build imports the package by name, no init call", { timeout: TIMEOUT }, async () => {
    const root = join(project.dir, "vite-app");
    await mkdir(root);
    await writeFile(join(root, "main.js"), BUNDLED_PAGE);
    await writeFile(join(root, "index.html"), html("", `<script type="module" src="./main.js"></script>`));
    await vite({ root, configFile: false, logLevel: "silent", build: { outDir: "dist", emptyOutDir: true } });
    const assets = await readdir(join(root, "dist", "assets"));
    assert.equal(assets.filter((f) => f.endsWith(".wasm")).length, 1, `one wasm asset: ${assets}`);
    checkResult(await runPage(join(root, "dist"), "vite-stream"), "vite-stream");
  });

  test("esbuild browser bundle imports the package by name, no init call", { timeout: TIMEOUT }, async () => {
    const root = join(project.dir, "esbuild-app");
    await mkdir(root);
    await writeFile(join(root, "main.js"), BUNDLED_PAGE);
    await esbuild({
      absWorkingDir: root,
      entryPoints: ["main.js"],
      bundle: true,
      format: "esm",
      platform: "browser",
      minify: true,
      outdir: "dist",
      logLevel: "silent",
    });
    // esbuild keeps `new URL("./kinesis_video_wasm_bg.wasm", import.meta.url)`: the wasm goes beside the bundle.
    await copyFile(join(project.packageDir, "kinesis_video_wasm_bg.wasm"), join(root, "dist", "kinesis_video_wasm_bg.wasm"));
    await writeFile(join(root, "dist", "index.html"), html("", `<script type="module" src="./main.js"></script>`));
    checkResult(await runPage(join(root, "dist"), "esbuild-stream"), "esbuild-stream");
  });

  test("plain <script type=module> page: kinesis-video-wasm/web and await init()", { timeout: TIMEOUT }, async () => {
    // The page is served from the project folder, so the installed package is at /node_modules/…;
    // an import map gives it its package name, as a CDN URL would.
    const importMap = `<script type="importmap">${JSON.stringify({ imports: { [`${NAME}/web`]: `./node_modules/${NAME}/web.js` } })}</script>`;
    await writeFile(join(project.dir, "plain.html"), html(importMap, `<script type="module">${PLAIN_PAGE}</script>`));
    checkResult(await runPage(project.dir, "plain-stream", "plain.html"), "plain-stream");
  });
});
