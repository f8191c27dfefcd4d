// What each service of the registry adds to the download: the package is built once with the whole
// registry (model/services.json) and once without each data-plane service (and once without all of
// them), from a copy of the working tree; the difference is that service's cost, gzip -9, as a browser
// app ships the package (the .wasm plus all its JS bundled and minified by esbuild).
//
//   node bench/service-cost.mjs          (`make setup` first; about a minute per build)
//
// The copies share one cargo target directory (target/service-cost), so each build compiles only
// the crate.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { wholePackage } from "../tests/support/browser-bundle.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { services } = JSON.parse(readFileSync(join(root, "model", "services.json"), "utf8"));
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const fmt = (n) => n.toLocaleString("en-US");

/** Runs a build step quietly; its output is shown when it fails. */
function run(cwd, command, args) {
  try {
    execFileSync(command, args, { cwd, stdio: "pipe" });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
    throw error;
  }
}

/** Builds pkg/ from a copy of the tree whose registry has only `ids`; gives its gzip sizes. */
async function build(ids) {
  const dir = mkdtempSync(join(tmpdir(), "kvs-service-cost-"));
  try {
    // The tracked and new (not ignored) files, as they are now.
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of files) {
      try {
        cpSync(join(root, file), join(dir, file), { recursive: false });
      } catch (error) {
        if (error.code !== "ENOENT") throw error; // deleted, not yet committed
      }
    }
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    mkdirSync(join(root, "target", "service-cost"), { recursive: true });
    symlinkSync(join(root, "target", "service-cost"), join(dir, "target"));
    const registry = services.filter((s) => ids.includes(s.id));
    writeFileSync(join(dir, "model", "services.json"), JSON.stringify({ services: registry }, null, 2) + "\n");
    run(dir, process.execPath, ["tools/gen-model.mjs"]);
    // `-o setup`: the tools are installed already; the copy's newer package.json must not re-run npm ci.
    run(dir, "make", ["-o", "setup", "-o", "node_modules/.setup-stamp", "pkg"]);
    const pkg = join(dir, "pkg");
    const wasm = gz(readFileSync(join(pkg, "kinesis_video_wasm_bg.wasm")));
    const js = gz(await wholePackage(pkg));
    return { wasm, js, total: wasm + js };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = services.map((s) => s.id);
const dataPlane = services.filter((s) => s.id !== "KinesisVideo" && s.id !== "Signaling");
const full = await build(all);
const base = await build(all.filter((id) => !dataPlane.some((s) => s.id === id)));

const ops = (s) => Object.keys(JSON.parse(readFileSync(join(root, "model", s.model), "utf8")).operations).length;
const delta = (a, b) => ({ wasm: a.wasm - b.wasm, js: a.js - b.js, total: a.total - b.total });
const rows = [];
for (const service of dataPlane) rows.push([`${service.id} (${service.botocore})`, ops(service), delta(full, await build(all.filter((id) => id !== service.id)))]);
// The code for payloads, header members and dataEndpointClient stays in every build (it is not
// generated per service), so it is in none of these differences.
rows.push([`all ${dataPlane.length} together`, dataPlane.reduce((n, s) => n + ops(s), 0), delta(full, base)]);

console.log(`whole registry: wasm ${fmt(full.wasm)} + JS ${fmt(full.js)} = ${fmt(full.total)} B gzip; control plane and signaling only: ${fmt(base.total)} B\n`);
console.log("| service | operations | wasm gzip added | JS gzip added | total added |");
console.log("|---|---:|---:|---:|---:|");
for (const [what, n, d] of rows) console.log(`| ${what} | ${n} | ${fmt(d.wasm)} | ${fmt(d.js)} | ${fmt(d.total)} |`);
