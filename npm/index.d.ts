// One set of declarations for every entry (node, browser, workerd, web): each exports the same
// names, and `init` as the default export (a no-op promise where importing already initialized).
export * from "./kinesis_video_wasm.js";
export { default } from "./kinesis_video_wasm.js";
export * from "./waiters.js";
