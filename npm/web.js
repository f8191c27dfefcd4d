// Entry for a plain <script type="module"> page (no bundler): call `await init()` once first; it
// fetches kinesis_video_wasm_bg.wasm from beside this file (or pass a URL, a Response, bytes or a
// WebAssembly.Module).
import init, { KinesisVideoClient, KinesisVideoSignalingClient } from "./kinesis_video_wasm.js";
import { installOperations } from "./operations.js";

installOperations({ KinesisVideo: KinesisVideoClient, Signaling: KinesisVideoSignalingClient });

export default init;
export * from "./kinesis_video_wasm.js";
export { paginateListStreams, paginateListSignalingChannels, paginateDescribeMappedResourceConfiguration, paginateListEdgeAgentConfigurations } from "./operations.js";
export * from "./waiters.js";
