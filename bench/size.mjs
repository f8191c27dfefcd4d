// Download size: the package's wasm and JS glue against what a browser app ships with the AWS SDK
// for JavaScript v3 (both Kinesis Video clients + the SigV4 signer) or with aws4fetch.
//
//   node bench/size.mjs          (needs pkg/ from `make pkg`)
//
// Sizes are raw and gzip -9 (node:zlib level 9). The comparison bundles are built in this run
// with esbuild (bundle, minify, browser platform, ESM), exporting every module export so that
// nothing is tree-shaken away: what an app that uses all operations gets.
// Exits 1 when our total is not below the AWS SDK bundle.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { browserBundle, wholePackage } from "../tests/support/browser-bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const pkgDir = join(root, "pkg");

// Measured earlier on this project with the same method, for comparison.
const REFERENCE = {
  sdk: { min: 195898, gzip: 62459 },
  aws4fetch: { min: 7544, gzip: 3029 },
};

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const fmt = (n) => n.toLocaleString("en-US");

function fail(message) {
  console.error(`\nFAIL: ${message}`);
  process.exit(1);
}

for (const f of ["kinesis_video_wasm_bg.wasm", "kinesis_video_wasm.js"]) {
  if (!existsSync(join(pkgDir, f))) fail(`pkg/${f} is missing: run \`make pkg\` first`);
}

const bundle = (_name, contents) => browserBundle(contents, root);

const wasm = readFileSync(join(pkgDir, "kinesis_video_wasm_bg.wasm"));
const glue = readFileSync(join(pkgDir, "kinesis_video_wasm.js"));
// The whole JS API (operation methods, paginators, waiters), as an app bundles the package.
const glueMin = await wholePackage(pkgDir);

const sdk = await bundle(
  "aws-sdk",
  [
    'export * as kinesisVideo from "@aws-sdk/client-kinesis-video";',
    'export * as kinesisVideoSignaling from "@aws-sdk/client-kinesis-video-signaling";',
    'export * as signatureV4 from "@smithy/signature-v4";',
  ].join("\n"),
);
const a4f = await bundle("aws4fetch", 'export * from "aws4fetch";');
// What an app that plays video and talks WebRTC ships with the AWS SDK: the three Kinesis Video
// clients it needs and the KVS WebRTC SDK.
const sdkWebrtc = await bundle(
  "aws-sdk-webrtc",
  [
    'export * as kinesisVideo from "@aws-sdk/client-kinesis-video";',
    'export * as kinesisVideoSignaling from "@aws-sdk/client-kinesis-video-signaling";',
    'export * as kinesisVideoArchivedMedia from "@aws-sdk/client-kinesis-video-archived-media";',
    'export * as kvsWebrtc from "amazon-kinesis-video-streams-webrtc";',
  ].join("\n"),
);

const rows = [
  ["kinesis-video-wasm: kinesis_video_wasm_bg.wasm", wasm.length, gz(wasm)],
  ["kinesis-video-wasm: kinesis_video_wasm.js (glue, as shipped)", glue.length, gz(glue)],
  ["kinesis-video-wasm: all package JS (web entry, bundled and minified by esbuild)", glueMin.length, gz(glueMin)],
];
const oursTotal = { raw: wasm.length + glueMin.length, gzip: gz(wasm) + gz(glueMin) };
rows.push(["**kinesis-video-wasm total (wasm + bundled JS)**", oursTotal.raw, oursTotal.gzip]);
const sdkRow = { raw: sdk.length, gzip: gz(sdk) };
const a4fRow = { raw: a4f.length, gzip: gz(a4f) };
rows.push(["@aws-sdk/client-kinesis-video + client-kinesis-video-signaling + @smithy/signature-v4 (minified bundle)", sdkRow.raw, sdkRow.gzip]);
rows.push(["aws4fetch (minified bundle, signing only)", a4fRow.raw, a4fRow.gzip]);
rows.push([
  "@aws-sdk/client-kinesis-video + -signaling + -archived-media + amazon-kinesis-video-streams-webrtc (minified bundle)",
  sdkWebrtc.length,
  gz(sdkWebrtc),
]);

console.log("| what | raw bytes | gzip -9 bytes | gzip vs AWS SDK |");
console.log("|---|---:|---:|---:|");
for (const [what, raw, gzip] of rows) {
  console.log(`| ${what} | ${fmt(raw)} | ${fmt(gzip)} | ${((100 * gzip) / sdkRow.gzip).toFixed(1)}% |`);
}
console.log(
  `\nEarlier reference figures: AWS SDK trio ${fmt(REFERENCE.sdk.min)} B min / ${fmt(REFERENCE.sdk.gzip)} B gzip; ` +
    `aws4fetch ${fmt(REFERENCE.aws4fetch.min)} / ${fmt(REFERENCE.aws4fetch.gzip)} B ` +
    `(this run: ${fmt(sdkRow.raw)} / ${fmt(sdkRow.gzip)} and ${fmt(a4fRow.raw)} / ${fmt(a4fRow.gzip)}).`,
);
const ratio = sdkRow.gzip / oursTotal.gzip;
console.log(`kinesis-video-wasm gzip total is ${fmt(oursTotal.gzip)} B: ${ratio.toFixed(1)}x smaller than the AWS SDK bundle.`);
if (oursTotal.gzip >= sdkRow.gzip) fail("kinesis-video-wasm is not smaller than the AWS SDK bundle");
