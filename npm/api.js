// Everything the package exports, the same for every entry. Importing operations.js adds the
// operation methods to the client classes; each entry only loads the wasm its runtime's way.
// Names are listed: the glue's `Client` (which the client classes of operations.js extend) and `Call`
// (which npm/call.js runs) are internal.
export {
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
