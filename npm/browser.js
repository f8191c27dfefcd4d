// Entry for bundled browser apps (the "browser" condition: Vite, esbuild, webpack, Rollup):
// importing is enough. The wasm is fetched from beside this file; bundlers that understand
// `new URL("…", import.meta.url)` (Vite, webpack, Parcel) emit it as an asset and rewrite the URL.
// With esbuild, copy kinesis_video_wasm_bg.wasm beside the output bundle (see README).
import init from "./kinesis_video_wasm.js";

await init({ module_or_path: new URL("./kinesis_video_wasm_bg.wasm", import.meta.url) });

export * from "./api.js";
export { default } from "./kinesis_video_wasm.js";
