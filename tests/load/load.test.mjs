// Load: one client, many concurrent mixed operations against the local endpoint (in a process of
// its own), ten rounds; in Node 1,000 operations a round, in headless Chromium 200. Every call
// must succeed, and after round two wasm memory must not grow at all and the JS heap (measured
// after a full GC) must stay flat. The AWS SDK v3 runs the same rounds in the same run, for
// calls per second side by side. LOAD_CONCURRENCY, LOAD_BROWSER_CONCURRENCY and LOAD_ROUNDS
// change the run.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { serveStatic } from "../support/loopback.mjs";
import { CREDENTIALS, REGION, oursApi, sdkApi, prepare, runRound } from "./load-core.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 10);
const NODE_CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 1000);
const BROWSER_CONCURRENCY = Number(process.env.LOAD_BROWSER_CONCURRENCY ?? 200);
// Heap growth per round allowed after round two. A leak of one 1 KB object per call would add
// about 1.1 MB a round at 1,000 operations; the heap's own noise after a full GC is far below this.
const HEAP_SLOPE_LIMIT = 256 * 1024;
const T = { timeout: 10 * 60_000 };

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

/** The local endpoint in a process of its own, streams active and deleted at once. */
function startEndpoint() {
  const code = `import { startLocalEndpoint } from ${JSON.stringify(join(root, "tests/local-endpoint/server.mjs"))};
    const e = await startLocalEndpoint({ activationDelayMs: 0, deletionDelayMs: 0 });
    console.log("listening on " + e.url);
    process.on("SIGTERM", async () => { await e.close(); process.exit(0); });`;
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolveStart({ url: m[1], stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`the local endpoint exited (${code}): ${out}`)));
  });
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
/** Least-squares slope of ys over their index: bytes per round. */
function slope(ys) {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

/** Runs the rounds, `runOne(round)` each; `measure` gives { wasm, heap } after a full GC. */
async function rounds(name, runOne, measure) {
  const out = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const result = await runOne(r);
    assert.equal(result.failed, 0, `${name} round ${r}: ${result.failed} calls failed: ${result.failures.join("; ")}`);
    out.push({ ...result, ...(measure ? await measure() : {}) });
  }
  return out;
}

/** Calls per second over rounds 2.., the first being warm-up. */
const rate = (results) => {
  const rest = results.slice(1);
  return rest.reduce((a, r) => a + r.calls, 0) / (rest.reduce((a, r) => a + r.ms, 0) / 1000);
};

function checkFlat(where, results) {
  const after2 = results.slice(1);
  // wasm memory only grows, in 64 KiB pages: any growth after round two is a leak in Rust.
  assert.deepEqual(after2.map((r) => r.wasm), after2.map(() => after2[0].wasm), `${where}: wasm memory grew: ${after2.map((r) => r.wasm)}`);
  const perRound = slope(after2.map((r) => r.heap));
  assert.ok(perRound < HEAP_SLOPE_LIMIT, `${where}: the JS heap grows ${kb(perRound)} a round: ${after2.map((r) => kb(r.heap)).join(", ")}`);
  return perRound;
}

function report(where, concurrency, ours, sdk, perRound) {
  console.log(`${where}: ${ROUNDS} rounds of ${concurrency} concurrent operations (${ours[0].calls} calls), all succeeded`);
  console.log(`  wasm memory per round: ${ours.map((r) => kb(r.wasm)).join(", ")}`);
  console.log(`  JS heap after GC per round: ${ours.map((r) => kb(r.heap)).join(", ")} (slope after round 2: ${(perRound / 1024).toFixed(1)} KB/round)`);
  console.log(`  calls/s: kinesis-video-wasm ${rate(ours).toFixed(0)}, AWS SDK v3 ${rate(sdk).toFixed(0)}`);
}

let endpoint;
before(async () => {
  endpoint = await startEndpoint();
});
after(() => endpoint?.stop());

describe("load", () => {
  test(`Node: ${NODE_CONCURRENCY} concurrent operations, ${ROUNDS} rounds, beside the AWS SDK`, T, async () => {
    const { KinesisVideoClient } = await import(join(root, "pkg/node.js"));
    const { initSync } = await import(join(root, "pkg/kinesis_video_wasm.js"));
    const memory = initSync().memory;
    const sdk = await import("@aws-sdk/client-kinesis-video");
    const config = { region: REGION, credentials: CREDENTIALS, endpoint: endpoint.url };

    const ours = oursApi(new KinesisVideoClient(config));
    const measure = async () => {
      gc();
      await new Promise((r) => setTimeout(r, 10));
      gc();
      return { wasm: memory.buffer.byteLength, heap: process.memoryUsage().heapUsed };
    };
    const oursContext = await prepare(ours, "node-ours");
    const oursResults = await rounds("ours", (r) => runRound(ours, oursContext, r, NODE_CONCURRENCY), measure);
    const perRound = checkFlat("Node", oursResults);

    const theirs = sdkApi(new sdk.KinesisVideoClient(config), sdk);
    const sdkContext = await prepare(theirs, "node-sdk");
    const sdkResults = await rounds("AWS SDK", (r) => runRound(theirs, sdkContext, r, NODE_CONCURRENCY));
    report("Node", NODE_CONCURRENCY, oursResults, sdkResults, perRound);
  });

  test(`Chromium: ${BROWSER_CONCURRENCY} concurrent operations, ${ROUNDS} rounds, beside the AWS SDK`, T, async () => {
    const dir = mkdtempSync(join(tmpdir(), "kvs-load-"));
    let server;
    let browser;
    try {
      // One bundle as an app ships it: our browser entry, the AWS SDK and the workload.
      const entry = `import init, { KinesisVideoClient } from ${JSON.stringify(join(root, "pkg/browser.js"))};
        import * as sdk from "@aws-sdk/client-kinesis-video";
        import { CREDENTIALS, REGION, oursApi, sdkApi, prepare, runRound } from ${JSON.stringify(join(here, "load-core.mjs"))};
        const sides = {};
        window.setup = async (endpoint) => {
          const config = { region: REGION, credentials: CREDENTIALS, endpoint };
          const ours = oursApi(new KinesisVideoClient(config));
          const theirs = sdkApi(new sdk.KinesisVideoClient(config), sdk);
          sides.ours = { call: ours, context: await prepare(ours, "chromium-ours") };
          sides.sdk = { call: theirs, context: await prepare(theirs, "chromium-sdk") };
        };
        window.round = (side, round, concurrency) => runRound(sides[side].call, sides[side].context, round, concurrency);
        window.wasmBytes = async () => (await init()).memory.buffer.byteLength;
        window.ready = true;`;
      await esbuild.build({
        stdin: { contents: entry, resolveDir: root, sourcefile: "load-page.mjs", loader: "js" },
        bundle: true,
        minify: true,
        platform: "browser",
        format: "esm",
        target: "es2022",
        outfile: join(dir, "load.js"),
        logLevel: "error",
      });
      copyFileSync(join(root, "pkg/kinesis_video_wasm_bg.wasm"), join(dir, "kinesis_video_wasm_bg.wasm"));
      writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/load.js"></script>\n`);
      server = await serveStatic({ "/": dir });
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const page = await browser.newPage();
      const problems = [];
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => window.ready, null, { timeout: 30_000 });
      await page.evaluate((url) => window.setup(url), endpoint.url);
      const cdp = await page.context().newCDPSession(page);
      const measure = async () => {
        await cdp.send("HeapProfiler.collectGarbage");
        const { usedSize } = await cdp.send("Runtime.getHeapUsage");
        return { wasm: await page.evaluate(() => window.wasmBytes()), heap: usedSize };
      };
      const inPage = (side) => (r) => page.evaluate(([s, round, c]) => window.round(s, round, c), [side, r, BROWSER_CONCURRENCY]);
      const oursResults = await rounds("ours", inPage("ours"), measure);
      const perRound = checkFlat("Chromium", oursResults);
      const sdkResults = await rounds("AWS SDK", inPage("sdk"));
      report("Chromium", BROWSER_CONCURRENCY, oursResults, sdkResults, perRound);
      assert.deepEqual(problems, []);
    } finally {
      await browser?.close().catch(() => {});
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
