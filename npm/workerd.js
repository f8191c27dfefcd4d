// Entry for Cloudflare Workers and other workerd hosts (the "workerd" and "worker" conditions):
// the wasm is imported as a compiled WebAssembly.Module, as Workers require (no fetch, no
// compiling bytes at run time), and instantiated synchronously, so importing is enough.
import wasm from "./kinesis_video_wasm_bg.wasm";
import init, { initSync, KinesisVideoClient, KinesisVideoSignalingClient } from "./kinesis_video_wasm.js";
import { installOperations } from "./operations.js";

initSync({ module: wasm });
installOperations({ KinesisVideo: KinesisVideoClient, Signaling: KinesisVideoSignalingClient });

export default init;
export * from "./kinesis_video_wasm.js";
export { paginateListStreams, paginateListSignalingChannels, paginateDescribeMappedResourceConfiguration, paginateListEdgeAgentConfigurations } from "./operations.js";
export * from "./waiters.js";
