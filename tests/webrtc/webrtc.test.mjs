// End-to-end WebRTC in headless Chromium against the local endpoint, inside a network namespace
// of its own (see run.sh). It needs root and unshare; without them it fails, it does not skip.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const runScript = join(dirname(fileURLToPath(import.meta.url)), "run.sh");

test("a viewer's data-channel message reaches the master and comes back, every packet inside a private network namespace", { timeout: 90000 }, async (t) => {
  assert.equal(process.getuid?.(), 0, "this test must run as root: it makes a network namespace (unshare -n) and a veth pair");
  assert.equal(spawnSync("unshare", ["--version"]).status, 0, "unshare (util-linux) is required");

  const child = spawn(runScript, [], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on("close", (status, signal) => resolve(status ?? signal)));
  for (const line of stdout.split("\n")) if (line.startsWith("[")) t.diagnostic(line);

  assert.equal(code, 0, `run.sh failed (${code}):\n${stdout}\n${stderr}`);
  const line = stdout.split("\n").find((l) => l.startsWith("WEBRTC_E2E_RESULT "));
  assert.ok(line, `no result line:\n${stdout}\n${stderr}`);
  const result = JSON.parse(line.slice("WEBRTC_E2E_RESULT ".length));
  assert.equal(result.ok, true);
  assert.equal(result.echo, `echo: ${result.sent}`);
  assert.ok(result.seconds < 60, `took ${result.seconds} s`);
  t.diagnostic(`WebRTC end to end in ${result.seconds} s (natTraversal ${result.natTraversal}, ${result.iceServers} ICE servers)`);
});
