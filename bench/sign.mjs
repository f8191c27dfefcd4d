// Signing speed: kinesis-video-wasm's signRequest vs @smithy/signature-v4 (+ @aws-crypto/sha256-js)
// vs aws4fetch, in Node and in headless Chromium, in one run.
//
//   node bench/sign.mjs          (needs pkg/ from `make pkg`; Chromium at /usr/bin/chromium,
//                                 or CHROMIUM=/path/to/chrome)
//
// Each signer signs the same typical Kinesis Video request (POST /describeStream, JSON body,
// session token) one request at a time, awaiting the async ones, after a warm-up. The table is
// informational (a call spends far longer on the network, see bench/calls.mjs); the run fails
// (exit 1) only when ours falls below 5x smithy in either runtime, or when the signers disagree.
// Also measured in each runtime: the hashing floor, i.e. how long the SHA-256 compressions of one
// signature take with the package's sha2 and nothing else (bench/sha-floor, built by `make
// bench`); no signer built on it can beat that, which bounds the ratio any such signer can reach.
//
// Signers take turns in ten slices and the median slice rate is reported, which keeps the ratios
// steady on a shared, noisy machine. BENCH_MS sets the timed duration per signer (default 3000 ms).

import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { AwsV4Signer } from "aws4fetch";
import { checkSigners, COMPRESSIONS_PER_SIGNATURE, createSigners, measureFloor, runBench } from "./core.mjs";
import { CHROMIUM_ARGS } from "../tests/support/chromium.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const pkgDir = join(root, "pkg");
const FLOOR_RATIO = 5;
const durationMs = Number(process.env.BENCH_MS ?? 3000);
const warmupMs = Math.min(300, durationMs);
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const floorWasm = join(root, "target", "wasm32-unknown-unknown", "release", "sha_floor.wasm");

function fail(message) {
  console.error(`\nFAIL: ${message}`);
  process.exit(1);
}

for (const f of ["node.js", "kinesis_video_wasm.js", "kinesis_video_wasm_bg.wasm"]) {
  if (!existsSync(join(pkgDir, f))) fail(`pkg/${f} is missing: run \`make pkg\` first`);
}
if (!existsSync(floorWasm)) fail(`${floorWasm} is missing: run \`make bench\` (it builds bench/sha-floor)`);

// ------------------------------------------------------------------------------------- Node
async function benchNode() {
  const { signRequest } = await import(pathToFileURL(join(pkgDir, "node.js")).href);
  const signers = createSigners({ signRequest, SignatureV4, Sha256, AwsV4Signer });
  const problems = await checkSigners(signers);
  if (problems.length) fail(`Node: the signers disagree, the benchmark would be meaningless:\n${problems.join("\n")}`);
  const results = await runBench(signers, { warmupMs, durationMs });
  const { instance } = await WebAssembly.instantiate(readFileSync(floorWasm));
  return { results, floorMicros: measureFloor(instance.exports, { warmupMs, durationMs }) };
}

// --------------------------------------------------------------------------------- Chromium
const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

async function bundlePage() {
  const result = await esbuild.build({
    entryPoints: [join(here, "browser-entry.mjs")],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    external: ["/pkg/*"],
    logLevel: "error",
  });
  return result.outputFiles[0].contents;
}

function serve(bundle) {
  const page = '<!doctype html><meta charset="utf-8"><title>sign bench</title><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    let body;
    let type;
    if (path === "/" || path === "/index.html") {
      body = page;
      type = MIME[".html"];
    } else if (path === "/sha-floor.wasm") {
      body = readFileSync(floorWasm);
      type = MIME[".wasm"];
    } else if (path === "/bench.js") {
      body = bundle;
      type = MIME[".js"];
    } else if (path.startsWith("/pkg/") && basename(path) === path.slice(5) && existsSync(join(pkgDir, path.slice(5)))) {
      body = readFileSync(join(pkgDir, path.slice(5)));
      type = MIME[extname(path)] ?? "application/octet-stream";
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
  });
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolveServer(server));
  });
}

async function benchChromium() {
  if (!existsSync(chromiumPath)) fail(`Chromium not found at ${chromiumPath} (set CHROMIUM=/path/to/chromium)`);
  const bundle = await bundlePage();
  const server = await serve(bundle);
  const { port } = server.address();
  const userDataDir = mkdtempSync(join(tmpdir(), "kvs-bench-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    try {
      await page.waitForFunction(() => window.benchReady === true, null, { timeout: 15000 });
    } catch (e) {
      fail(`the bench page did not load: ${pageErrors.join("; ") || e.message}`);
    }
    const out = await page.evaluate((opts) => window.runBench(opts), { warmupMs, durationMs });
    if (out.problems.length) fail(`Chromium: the signers disagree:\n${out.problems.join("\n")}`);
    if (!out.secureContext) fail("Chromium: the page is not a secure context (WebCrypto would be missing)");
    const version = /Chrome\/([\d.]+)/.exec(out.userAgent)?.[1] ?? "?";
    return { results: out.results, floorMicros: out.floorMicros, version };
  } finally {
    await context?.close().catch(() => {});
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------ report
const fmt = (n) => Math.round(n).toLocaleString("en-US");

const started = performance.now();
const node = await benchNode();
const browser = await benchChromium();

const rows = [
  ["Node " + process.versions.node, node],
  ["Chromium " + browser.version + " (headless)", browser],
];
console.log(`Signing one POST /describeStream request (JSON body, session token), one at a time; ${durationMs} ms per signer after warm-up, in interleaved slices (median slice).\n`);
console.log("| runtime | signer | signs/s | vs smithy |");
console.log("|---|---|---:|---:|");
const verdicts = [];
for (const [runtime, { results, floorMicros }] of rows) {
  const smithy = results.find((r) => r.key === "smithy").signsPerSecond;
  for (const r of results) {
    console.log(`| ${runtime} | ${r.name} | ${fmt(r.signsPerSecond)} | ${(r.signsPerSecond / smithy).toFixed(1)}x |`);
  }
  const floor = 1e6 / floorMicros;
  console.log(`| ${runtime} | hashing floor: ${COMPRESSIONS_PER_SIGNATURE} SHA-256 compressions alone (${floorMicros.toFixed(1)} µs) | ${fmt(floor)} | ${(floor / smithy).toFixed(1)}x |`);
  const ours = results.find((r) => r.key === "ours").signsPerSecond;
  verdicts.push({ runtime, ratio: ours / smithy, cap: floor / smithy });
}
console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);

let ok = true;
for (const { runtime, ratio, cap } of verdicts) {
  const pass = ratio >= FLOOR_RATIO;
  ok &&= pass;
  console.log(
    `${pass ? "PASS" : "FAIL"}: ${runtime}: ours is ${ratio.toFixed(1)}x smithy (floor ${FLOOR_RATIO}x; hashing alone caps any sha2-based signer at ${cap.toFixed(1)}x here)`,
  );
}
if (!ok) fail(`signRequest is below ${FLOOR_RATIO}x @smithy/signature-v4 in at least one runtime`);
