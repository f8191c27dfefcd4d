// moto_server for the tests that compare with moto (PyPI `moto[server]`, from tests/requirements.txt).

import { spawn } from "node:child_process";
import { freeLoopbackPort } from "./loopback.mjs";

const PYTHON = process.env.PYTHON ?? "python3";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `python3 -m moto.server` on 127.0.0.1 (with `auth`, INITIAL_NO_AUTH_ACTION_COUNT=0: moto
 * checks every request's signature). Rejects with moto's output when it cannot start (not
 * installed, port taken, crash) within `timeoutMs`.
 */
export async function startMoto({ timeoutMs = 30000, auth = false } = {}) {
  const port = await freeLoopbackPort();
  const child = spawn(PYTHON, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    env: auth ? { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: "0" } : process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-20000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exitReason = null;
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve((exitReason = `exited with code ${code} signal ${signal}`)));
    child.once("error", (error) => resolve((exitReason = error.message)));
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (!ready && exitReason === null && Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      ready = true;
    } catch {
      await sleep(100);
    }
  }
  if (!ready) {
    if (exitReason === null) child.kill("SIGKILL");
    await Promise.race([exited, sleep(2000)]);
    throw new Error(
      `moto_server did not start on ${url} (${exitReason ?? `not answering after ${timeoutMs} ms`}). ` +
        `Install the test requirements: pip install -r tests/requirements.txt\n--- moto output ---\n${output}`,
    );
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!stopped) {
        child.kill("SIGKILL");
        await Promise.race([exited, sleep(2000)]);
      }
    },
  };
}
