// Entry for bundled browser apps (the "browser" condition: Vite, esbuild, webpack, Rollup):
// importing is enough. The wasm is fetched from beside this file; bundlers that understand
// `new URL("…", import.meta.url)` (Vite, webpack, Parcel) emit it as an asset and rewrite the URL.
// With esbuild, copy kinesis_video_wasm_bg.wasm beside the output bundle (see README).
import init, { KinesisVideoClient, KinesisVideoSignalingClient } from "./kinesis_video_wasm.js";
import { installOperations } from "./operations.js";

installOperations({ KinesisVideo: KinesisVideoClient, Signaling: KinesisVideoSignalingClient });
await init({ module_or_path: new URL("./kinesis_video_wasm_bg.wasm", import.meta.url) });

export default init;
export * from "./kinesis_video_wasm.js";
export { paginateListStreams, paginateListSignalingChannels, paginateDescribeMappedResourceConfiguration, paginateListEdgeAgentConfigurations } from "./operations.js";
export * from "./waiters.js";
