// Entry for a plain <script type="module"> page (no bundler): call `await init()` once first; it
// fetches kinesis_video_wasm_bg.wasm from beside this file (or pass a URL or bytes).
export * from "./api.js";
export { default } from "./kinesis_video_wasm.js";
