// The package's download, as a browser app ships it: the .wasm plus all of the package's JS
// bundled and minified by esbuild (the web entry's every export, so nothing is shaken out), gzip -9.
// It must stay below the AWS SDK's (@aws-sdk/client-kinesis-video + client-kinesis-video-signaling
// + @smithy/signature-v4, esbuild's minified browser bundle: 62,459 bytes gzip, bench/size.mjs
// rebuilds it) and below the project's current budget, so that growth is a decision, not an accident.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { wholePackage } from "../support/browser-bundle.mjs";

const AWS_SDK_GZIP = 62_459;
/**
 * The goal set for the control-plane client, the signer and connectSignaling: 48,000 B. Measured
 * 47,591 B once a call's waiting moved from async Rust to a JS loop (npm/call.js).
 */
const BUDGET_GZIP = 48_000;
const pkg = fileURLToPath(new URL("../../pkg/", import.meta.url));
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

test("the package, as a browser app ships it, stays within its budget", async () => {
  const js = gz(await wholePackage(pkg));
  const wasm = gz(readFileSync(`${pkg}kinesis_video_wasm_bg.wasm`));
  const total = js + wasm;
  console.log(`wasm ${wasm} B + JS ${js} B = ${total} B gzip (${((total / AWS_SDK_GZIP) * 100).toFixed(1)}% of the AWS SDK's ${AWS_SDK_GZIP})`);
  assert.ok(total < AWS_SDK_GZIP, `${total} B is not below the AWS SDK's ${AWS_SDK_GZIP} B`);
  assert.ok(total <= BUDGET_GZIP, `${total} B is over the budget of ${BUDGET_GZIP} B`);
});
