// Node entry: instantiates the module synchronously from the file beside it, so importing is enough.
import { readFileSync } from "node:fs";
import { initSync, KinesisVideoClient, KinesisVideoSignalingClient } from "./kinesis_video_wasm.js";
import { installOperations } from "./operations.js";

initSync({ module: readFileSync(new URL("./kinesis_video_wasm_bg.wasm", import.meta.url)) });
installOperations({ KinesisVideo: KinesisVideoClient, Signaling: KinesisVideoSignalingClient });

export * from "./kinesis_video_wasm.js";
export { paginateListStreams, paginateListSignalingChannels, paginateDescribeMappedResourceConfiguration, paginateListEdgeAgentConfigurations } from "./operations.js";
export * from "./waiters.js";
