// The whole browser payload (wasm + the JS a plain page loads) must stay below the AWS SDK's:
// esbuild's minified browser bundle of @aws-sdk/client-kinesis-video + client-kinesis-video-signaling
// + @smithy/signature-v4 measured 62,459 bytes with gzip -9 (bench/size.mjs rebuilds it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const AWS_SDK_GZIP = 62_459;
const pkg = new URL("../../pkg/", import.meta.url);
const files = ["kinesis_video_wasm_bg.wasm", "kinesis_video_wasm.js", "api.js", "operations.js", "waiters.js", "web.js"];

test("package gzip size stays below the AWS SDK bundle", () => {
  let total = 0;
  for (const f of files) {
    const gz = gzipSync(readFileSync(new URL(f, pkg)), { level: 9 }).length;
    console.log(`${f}: ${gz} B gzip`);
    total += gz;
  }
  console.log(`total: ${total} B gzip (${((total / AWS_SDK_GZIP) * 100).toFixed(1)}% of the AWS SDK's ${AWS_SDK_GZIP})`);
  assert.ok(total < AWS_SDK_GZIP, `${total} B is not below ${AWS_SDK_GZIP} B`);
});
