// Everything the package exports, the same for every entry. Importing operations.js adds the
// operation methods to the client classes; each entry only loads the wasm its runtime's way.
// Names are listed: the glue's `Call` class is internal (npm/call.js runs it).
export {
  KinesisVideoClient,
  KinesisVideoSignalingClient,
  presignSignalingUrl,
  presignUrl,
  signRequest,
  initSync,
} from "./kinesis_video_wasm.js";
export * from "./operations.js";
export * from "./waiters.js";
export { SignalingSession, SignalingEvent, filterSdpCodecs } from "./session.js";
export { connectViewer, connectMaster } from "./peers.js";
export { fromCognitoIdentityPool } from "./cognito.js";
