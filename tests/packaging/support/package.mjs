// Packs pkg/ with `npm pack` and installs the tarball into a fresh temporary project, the way a
// user gets the package; tests then import it by name from that project.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const PKG = join(ROOT, "pkg");
export const NAME = "kinesis-video-wasm";

/** `npm pack` of pkg/ into `destination`; returns { tarball, files } from npm's JSON report. */
export async function pack(destination) {
  if (!existsSync(join(PKG, "package.json"))) throw new Error("pkg/ is missing: run `make pkg` first");
  const { stdout } = await run("npm", ["pack", PKG, "--json", "--ignore-scripts", "--pack-destination", destination], {
    cwd: destination,
  });
  const [report] = JSON.parse(stdout);
  return { tarball: join(destination, report.filename), files: report.files.map((f) => f.path).sort(), report };
}

/**
 * A temporary project with the packed package installed from its tarball (offline: it has no
 * dependencies). Returns { dir, tarball, files, packageDir, cleanup }.
 */
export async function installPacked({ type = "module" } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "kvw-consumer-"));
  try {
    const packed = await pack(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type }, null, 2));
    await run("npm", ["install", packed.tarball, "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], {
      cwd: dir,
    });
    return { dir, ...packed, packageDir: join(dir, "node_modules", NAME), cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Bundles the Worker at `entry` (relative to `project.dir`) into `out`/worker.js as wrangler does
 * (conditions workerd/worker/browser, the .wasm kept as a CompiledWasm module beside it); returns
 * the bundle's text.
 */
export async function bundleWorker(project, entry, out) {
  const { build } = await import("esbuild");
  await build({
    absWorkingDir: project.dir,
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["*.wasm"],
    outfile: join(out, "worker.js"),
    logLevel: "silent",
  });
  await copyFile(join(project.packageDir, "kinesis_video_wasm_bg.wasm"), join(out, "kinesis_video_wasm_bg.wasm"));
  return readFile(join(out, "worker.js"), "utf8");
}

export { run };
