// For the test files: runs one of this folder's scripts through run.sh (inside a network namespace
// of its own) and gives back its exit code, output, `[time] step` lines and result line; reads a
// session's record from it.
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

const tail = (text, n = 4000) => (text.length > n ? `…${text.slice(-n)}` : text);

/** The pages' log lines other than console.log/debug, of the pages whose name starts with `prefix`. */
export function pageProblems(run, prefix = "") {
  return (run.result?.pageLog ?? [])
    .filter((l) => l.kind !== "console.log" && l.kind !== "console.debug" && l.page.startsWith(prefix))
    .map((l) => `${l.page} ${l.kind}: ${l.text}`)
    .join("\n");
}

/** Session `name`'s record in `run`; fails with what went wrong when the run or the session did not get through. */
export function sessionOf(run, tag, name) {
  assert.ok(run?.result, `no ${tag} line (run.sh exit ${run?.code}, ${run?.seconds} s):\n${tail(run?.stdout ?? "")}\n${tail(run?.stderr ?? "")}`);
  assert.equal(run.result.error, undefined, `the run failed: ${run.result.error}\n${pageProblems(run)}`);
  const s = run.result.sessions[name];
  assert.ok(s, `no session ${name}`);
  assert.equal(s.error, undefined, `${s.label} failed: ${s.error}\n${pageProblems(run)}\n${run.steps.join("\n")}`);
  return s;
}
