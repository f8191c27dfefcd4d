export * from "./kinesis_video_wasm.js";
export * from "./waiters.js";
