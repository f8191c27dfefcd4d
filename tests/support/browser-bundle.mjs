// Bundles code as a browser app ships it (esbuild: bundled, minified, ESM), for the size budget
// test and bench/size.mjs. The package's glue loads its .wasm from a URL beside it; that
// reference is kept as is.
import * as esbuild from "esbuild";

/** The minified bundle of `contents` (an ES module), imports resolved from `resolveDir`. */
export async function browserBundle(contents, resolveDir) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir, sourcefile: "app.mjs", loader: "js" },
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "error",
    external: ["*.wasm"],
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** An app that uses the package's whole JS API from the folder `pkgDir` (nothing shaken out). */
export function wholePackage(pkgDir) {
  const web = JSON.stringify(`${pkgDir.replace(/\/$/, "")}/web.js`);
  return browserBundle(`export * from ${web}; export { default } from ${web};`, pkgDir);
}
