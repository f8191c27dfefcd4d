// For the test files: runs one of this folder's scripts through run.sh (inside a network namespace
// of its own) and gives back its exit code, output, `[time] step` lines and result line.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const runScript = join(dirname(fileURLToPath(import.meta.url)), "run.sh");

/** Runs `run.sh <script>`; `tag` names its result line (`<tag> <json>`). Needs root and unshare. */
export async function runInNamespace(script, tag) {
  assert.equal(process.getuid?.(), 0, "this test must run as root: it makes a network namespace (unshare -n) and a veth pair");
  assert.equal(spawnSync("unshare", ["--version"]).status, 0, "unshare (util-linux) is required");
  const started = Date.now();
  const child = spawn(runScript, [script], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on("close", (status, signal) => resolve(status ?? signal)));
  const lines = stdout.split("\n");
  const line = lines.find((l) => l.startsWith(`${tag} `));
  return {
    code,
    stdout,
    stderr,
    seconds: (Date.now() - started) / 1000,
    steps: lines.filter((l) => l.startsWith("[")),
    result: line ? JSON.parse(line.slice(tag.length + 1)) : undefined,
  };
}
