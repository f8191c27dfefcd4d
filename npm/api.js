// Everything the package exports, the same for every entry. Importing operations.js adds the
// operation methods to the client classes; each entry only loads the wasm its runtime's way.
// The wasm glue's `__` exports are internal (signer.js uses them), so names are listed here.
export { KinesisVideoClient, KinesisVideoSignalingClient, presignSignalingUrl, initSync } from "./kinesis_video_wasm.js";
export { signRequest, presignUrl } from "./signer.js";
export * from "./operations.js";
export * from "./waiters.js";
