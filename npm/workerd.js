// Entry for Cloudflare Workers and other workerd hosts (the "workerd" and "worker" conditions):
// the wasm is imported as a compiled WebAssembly.Module, as Workers require (no fetch, no
// compiling bytes at run time), and instantiated synchronously, so importing is enough.
import wasm from "./kinesis_video_wasm_bg.wasm";
import { initSync } from "./kinesis_video_wasm.js";

initSync({ module: wasm });

export * from "./api.js";
export { default } from "./kinesis_video_wasm.js";
