// Loads the optimized package the way a Node user does and checks a known SigV4 answer, so a
// wasm-opt that emits a module which fails to load (or computes wrong) stops the build.
import { strict as assert } from "node:assert";
import { statSync } from "node:fs";

import { pathToFileURL } from "node:url";

const dir = process.argv[2] ?? new URL("../pkg/", import.meta.url).pathname;
const pkg = pathToFileURL(dir.endsWith("/") ? dir : dir + "/");
const { signRequest } = await import(new URL("node.js", pkg));
const signed = signRequest(
  { method: "GET", url: "https://example.amazonaws.com/", headers: {} },
  {
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    region: "us-east-1",
    service: "service",
    signingDate: new Date("2015-08-30T12:36:00Z"),
  },
);
// The suite's get-vanilla case.
assert.match(signed.headers.authorization, /Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31$/);
const size = statSync(new URL("kinesis_video_wasm_bg.wasm", pkg)).size;
console.log(`${dir} ok: optimized module loads and signs correctly (${size} bytes of wasm)`);
