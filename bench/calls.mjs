// What users feel: kinesis-video-wasm against @aws-sdk/client-kinesis-video on the same local
// endpoint, in Node and in headless Chromium, in one run.
//
//   node bench/calls.mjs        (needs pkg/ from `make pkg`; Chromium at /usr/bin/chromium,
//                                or CHROMIUM=/path/to/chrome)
//
// (a) Cold start: a fresh process (Node) or a fresh page in a fresh browser context (Chromium)
//     imports the client and completes one describeStream; the time is taken from the start of
//     the process or of the navigation, the median of COLD_RUNS (default 10) for each client,
//     the clients taking turns. In Chromium both are served as an app ships them: one minified
//     esbuild bundle (and our .wasm beside it).
// (b) Per-call overhead: CALLS (default 2,000) sequential describeStream calls per client, in
//     interleaved slices (median slice), minus the floor: the same request, signed once, sent
//     with a bare fetch loop.
// The local endpoint runs in a process of its own. Exits 1 unless ours is below the AWS SDK on
// both measures in both runtimes.

import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { serveStatic } from "../tests/support/loopback.mjs";
import { check, CREDENTIALS, oursCall, perCall, rawCall, REGION, sdkCall, STREAM } from "./calls-core.mjs";
import { CHROMIUM_ARGS } from "../tests/support/chromium.mjs";

// The SDK warns once per process that its later versions need Node 22; not part of what is measured.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const pkgDir = join(root, "pkg");
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 10);
const CALLS = Number(process.env.CALLS ?? 2000);
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

function fail(message) {
  console.error(`\nFAIL: ${message}`);
  process.exit(1);
}

for (const f of ["node.js", "browser.js", "kinesis_video_wasm_bg.wasm"]) {
  if (!existsSync(join(pkgDir, f))) fail(`pkg/${f} is missing: run \`make pkg\` first`);
}
if (!existsSync(chromiumPath)) fail(`Chromium not found at ${chromiumPath} (set CHROMIUM=/path/to/chromium)`);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Runs `node args...` and resolves with its stdout; rejects on a non-zero exit. */
function node(args, env = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolveRun(out) : reject(new Error(`node ${args.join(" ")} exited ${code}: ${err}`))));
  });
}

/** The local endpoint in a process of its own; resolves to { url, stop }. */
function startEndpoint() {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [join(root, "tests/local-endpoint/cli.mjs")], {
      env: { ...process.env, KVS_LOCAL_PORT: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolveStart({ url: m[1], stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`the local endpoint exited (${code}) before it listened: ${out}`)));
  });
}

// ------------------------------------------------------------------------------------- Node
async function nodeColdStarts(endpoint) {
  const runs = { ours: [], sdk: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    // Alternate which goes first, so that neither always runs right after the other.
    for (const which of i % 2 ? ["sdk", "ours"] : ["ours", "sdk"]) {
      runs[which].push(JSON.parse(await node([join(here, "cold.mjs"), which, endpoint])).ms);
    }
  }
  return { ours: median(runs.ours), sdk: median(runs.sdk) };
}

async function nodePerCall(endpoint) {
  const { KinesisVideoClient, signRequest } = await import(join(pkgDir, "node.js"));
  const sdk = await import("@aws-sdk/client-kinesis-video");
  const calls = {
    ours: oursCall(new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint })),
    sdk: sdkCall(new sdk.KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint }), sdk.DescribeStreamCommand),
    floor: rawCall(endpoint, signRequest),
  };
  for (const [k, call] of Object.entries(calls)) await check(`Node ${k}`, call);
  return perCall(calls, { count: CALLS });
}

// --------------------------------------------------------------------------------- Chromium
/** The three pages' scripts, each one minified bundle, and our .wasm beside them. */
async function buildPages(dir, endpointOrigin) {
  const core = JSON.stringify(join(here, "calls-core.mjs"));
  const ours = JSON.stringify(join(pkgDir, "browser.js"));
  const entries = {
    "cold-ours": `import { KinesisVideoClient } from ${ours};
      import { check, CREDENTIALS, oursCall, REGION } from ${core};
      const endpoint = new URLSearchParams(location.search).get("endpoint");
      check("ours", oursCall(new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint })))
        .then(() => (window.done = performance.now()), (e) => (window.failed = String(e)));`,
    "cold-sdk": `import { KinesisVideoClient, DescribeStreamCommand } from "@aws-sdk/client-kinesis-video";
      import { check, CREDENTIALS, sdkCall, REGION } from ${core};
      const endpoint = new URLSearchParams(location.search).get("endpoint");
      check("sdk", sdkCall(new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint }), DescribeStreamCommand))
        .then(() => (window.done = performance.now()), (e) => (window.failed = String(e)));`,
    percall: `import { KinesisVideoClient, signRequest } from ${ours};
      import * as sdk from "@aws-sdk/client-kinesis-video";
      import { check, CREDENTIALS, oursCall, perCall, rawCall, REGION, sdkCall } from ${core};
      window.runPerCall = async (endpoint, count) => {
        const calls = {
          ours: oursCall(new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint })),
          sdk: sdkCall(new sdk.KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint }), sdk.DescribeStreamCommand),
          floor: rawCall(endpoint, signRequest),
        };
        for (const [k, call] of Object.entries(calls)) await check("Chromium " + k, call);
        return { results: await perCall(calls, { count }), userAgent: navigator.userAgent };
      };
      window.ready = true;`,
  };
  for (const [name, contents] of Object.entries(entries)) {
    await esbuild.build({
      stdin: { contents, resolveDir: root, sourcefile: `${name}.mjs`, loader: "js" },
      bundle: true,
      minify: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      outfile: join(dir, `${name}.js`),
      logLevel: "error",
    });
    writeFileSync(join(dir, `${name}.html`), `<!doctype html><meta charset="utf-8"><script type="module" src="/${name}.js"></script>\n`);
  }
  copyFileSync(join(pkgDir, "kinesis_video_wasm_bg.wasm"), join(dir, "kinesis_video_wasm_bg.wasm"));
  writeFileSync(join(dir, "index.html"), `<!doctype html><title>${endpointOrigin}</title>\n`);
}

async function chromiumRuns(endpoint) {
  const dir = mkdtempSync(join(tmpdir(), "kvs-bench-calls-"));
  const userDataDir = mkdtempSync(join(tmpdir(), "kvs-bench-chromium-"));
  let server;
  let browser;
  try {
    await buildPages(dir, endpoint);
    server = await serveStatic({ "/": dir });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const load = async (page, name) => {
      await page.goto(`${server.url}/${name}.html?endpoint=${encodeURIComponent(endpoint)}`);
      await page.waitForFunction(() => window.done !== undefined || window.failed !== undefined || window.ready, null, { timeout: 30000 });
      const failed = await page.evaluate(() => window.failed);
      if (failed) fail(`Chromium ${name}: ${failed}`);
    };

    // Cold starts: a fresh context each time, so nothing is cached from the run before.
    const cold = { ours: [], sdk: [] };
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const which of i % 2 ? ["sdk", "ours"] : ["ours", "sdk"]) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await load(page, `cold-${which}`);
        cold[which].push(await page.evaluate(() => window.done));
        await context.close();
      }
    }

    const context = await browser.newContext();
    const page = await context.newPage();
    await load(page, "percall");
    const { results, userAgent } = await page.evaluate(([e, n]) => window.runPerCall(e, n), [endpoint, CALLS]);
    await context.close();
    const version = /Chrome\/([\d.]+)/.exec(userAgent)?.[1] ?? "?";
    return { cold: { ours: median(cold.ours), sdk: median(cold.sdk) }, perCall: results, version };
  } finally {
    await browser?.close().catch(() => {});
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------ report
const endpoint = await startEndpoint();
try {
  const { KinesisVideoClient, waitUntilStreamActive } = await import(join(pkgDir, "node.js"));
  const setup = new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint: endpoint.url });
  await setup.createStream({ StreamName: STREAM });
  await waitUntilStreamActive(setup, { StreamName: STREAM }, { minDelay: 0.1, maxDelay: 0.5, maxWaitTime: 30 });

  const started = performance.now();
  const nodeCold = await nodeColdStarts(endpoint.url);
  const nodeCalls = await nodePerCall(endpoint.url);
  const browser = await chromiumRuns(endpoint.url);

  const rows = [
    [`Node ${process.versions.node}`, nodeCold, nodeCalls],
    [`Chromium ${browser.version} (headless)`, browser.cold, browser.perCall],
  ];
  const ms = (n) => `${n.toFixed(1)} ms`;
  const us = (n) => `${Math.round(n)} µs`;
  console.log(
    `describeStream against the local endpoint: cold start (median of ${COLD_RUNS}) and per-call overhead (${CALLS} sequential calls, median slice, minus a bare fetch of the same signed request).\n`,
  );
  console.log("| runtime | client | cold start | per call | overhead per call |");
  console.log("|---|---|---:|---:|---:|");
  const verdicts = [];
  for (const [runtime, cold, calls] of rows) {
    console.log(`| ${runtime} | kinesis-video-wasm | ${ms(cold.ours)} | ${us(calls.ours)} | ${us(calls.ours - calls.floor)} |`);
    console.log(`| ${runtime} | @aws-sdk/client-kinesis-video | ${ms(cold.sdk)} | ${us(calls.sdk)} | ${us(calls.sdk - calls.floor)} |`);
    console.log(`| ${runtime} | bare fetch (floor) | | ${us(calls.floor)} | |`);
    verdicts.push([runtime, "cold start", cold.ours, cold.sdk], [runtime, "per-call overhead", calls.ours - calls.floor, calls.sdk - calls.floor]);
  }
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  let ok = true;
  for (const [runtime, what, ours, sdk] of verdicts) {
    const pass = ours < sdk;
    ok &&= pass;
    console.log(`${pass ? "PASS" : "FAIL"}: ${runtime}: ${what}: ours ${ours.toFixed(1)}, the AWS SDK ${sdk.toFixed(1)}`);
  }
  if (!ok) fail("kinesis-video-wasm is not below the AWS SDK on every measure");
} finally {
  endpoint.stop();
}
