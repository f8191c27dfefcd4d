// Prints, per runtime entry, what importing the package adds (gzip -9 of the JS it pulls in plus
// the wasm), as a Markdown table for the READMEs: `node tests/packaging/sizes.mjs` after `make pkg`.
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build as esbuild } from "esbuild";
import { build as vite } from "vite";
import { installPacked, NAME } from "./support/package.mjs";

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const APP = `import { KinesisVideoClient } from "${NAME}";\nglobalThis.client = KinesisVideoClient;\n`;

const project = await installPacked();
try {
  const pkgFile = (f) => readFile(join(project.packageDir, f));
  const wasm = gz(await pkgFile("kinesis_video_wasm_bg.wasm"));
  const files = async (list) => (await Promise.all(list.map(async (f) => gz(await pkgFile(f))))).reduce((a, b) => a + b, 0);
  const shared = ["kinesis_video_wasm.js", "api.js", "operations.js", "waiters.js"];
  await writeFile(join(project.dir, "app.js"), APP);
  const bundle = async (options) => {
    const { outputFiles } = await esbuild({
      absWorkingDir: project.dir, entryPoints: ["app.js"], bundle: true, minify: true, format: "esm",
      write: false, outdir: "out", external: ["*.wasm"], logLevel: "silent", ...options,
    });
    return gz(outputFiles.find((f) => f.path.endsWith(".js")).contents);
  };

  // Vite: the production build of the same app.
  const root = join(project.dir, "vite-app");
  await mkdir(root);
  await copyFile(join(project.dir, "app.js"), join(root, "app.js"));
  await writeFile(join(root, "index.html"), `<script type="module" src="./app.js"></script>\n`);
  await vite({ root, configFile: false, logLevel: "silent", build: { outDir: "dist" } });
  const assets = join(root, "dist", "assets");
  let viteJs = 0;
  let viteWasm = 0;
  for (const f of await readdir(assets)) {
    const size = gz(await readFile(join(assets, f)));
    if (f.endsWith(".js")) viteJs += size;
    if (f.endsWith(".wasm")) viteWasm += size;
  }

  const rows = [
    ["Node (`import` / `require`)", "`node.js`", await files(["node.js", ...shared]), wasm, "files as loaded"],
    ["Vite production build", "`browser.js`", viteJs, viteWasm, "the app's JS chunk + the emitted .wasm asset"],
    ["esbuild (`--platform=browser`)", "`browser.js`", await bundle({ platform: "browser" }), wasm, "minified bundle + the .wasm beside it"],
    ["Cloudflare Workers (wrangler)", "`workerd.js`", await bundle({ platform: "neutral", conditions: ["workerd", "worker", "browser"] }), wasm, "minified Worker bundle + the CompiledWasm module"],
    ["plain page (`kinesis-video-wasm/web`)", "`web.js`", await files(["web.js", ...shared]), wasm, "each file served gzipped"],
  ];
  console.log("| runtime | entry | JS (gzip -9) | wasm (gzip -9) | total | measured |");
  console.log("| --- | --- | ---: | ---: | ---: | --- |");
  for (const [runtime, entry, js, w, how] of rows) console.log(`| ${runtime} | ${entry} | ${kb(js)} | ${kb(w)} | **${kb(js + w)}** | ${how} |`);
  console.log(`\nRaw wasm: ${kb((await pkgFile("kinesis_video_wasm_bg.wasm")).length)}; package ${(await pkgFile("package.json")).toString().match(/"version": "([^"]+)"/)[1]}.`);
} finally {
  await project.cleanup();
}
