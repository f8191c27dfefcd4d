// The hostile-input fuzzer (tests/support/fuzz-inputs-core.mjs) in Node, against a scripted
// server on 127.0.0.1; no uncaught exception or unhandled rejection may happen meanwhile.
// FUZZ_CALLS (default 10,000) and FUZZ_SEED set the run; `make fuzz` runs a long one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import * as pkg from "../../pkg/node.js";
import { collectUncaught } from "./support/uncaught.mjs";
import { startFaultServer, json } from "./support/fault-server.mjs";
import { fuzzInputs } from "../support/fuzz-inputs-core.mjs";

const CALLS = Number(process.env.FUZZ_CALLS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CREDS = { accessKeyId: "AKIDFUZZ000000000000", secretAccessKey: "fuzz-secret" };

let server;
let uncaught;
before(async () => {
  server = await startFaultServer([json(200, { StreamInfo: { StreamName: "s", Status: "ACTIVE" } })]);
  uncaught = collectUncaught();
});
after(async () => {
  uncaught.stop();
  await server.close();
});

test(`${CALLS} generated hostile calls (FUZZ_SEED=${SEED})`, { timeout: 30 * 60_000 }, async () => {
  const problems = await fuzzInputs(pkg, { calls: CALLS, seed: SEED, endpoint: server.url, credentials: CREDS, webSocket: WebSocket });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.deepEqual(uncaught.texts(), [], "uncaught exceptions or unhandled rejections");
});
