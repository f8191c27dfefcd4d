// Node entry (the "node" condition): instantiates the module
// synchronously from the file beside it, so importing is enough. No top-level await, so
// `require("kinesis-video-wasm")` loads it too where Node supports require(esm) (20.19+, 22.12+).
import { readFileSync } from "node:fs";
import init, { initSync, KinesisVideoClient, KinesisVideoSignalingClient } from "./kinesis_video_wasm.js";
import { installOperations } from "./operations.js";

initSync({ module: readFileSync(new URL("./kinesis_video_wasm_bg.wasm", import.meta.url)) });
installOperations({ KinesisVideo: KinesisVideoClient, Signaling: KinesisVideoSignalingClient });

// Already initialized: `await init()` resolves at once, so code written for the web entry runs unchanged.
export default init;
export * from "./kinesis_video_wasm.js";
export { paginateListStreams, paginateListSignalingChannels, paginateDescribeMappedResourceConfiguration, paginateListEdgeAgentConfigurations } from "./operations.js";
export * from "./waiters.js";
