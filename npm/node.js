// Node entry: instantiates the module synchronously from the file beside it, so importing is enough.
import { readFileSync } from "node:fs";
import { initSync } from "./kinesis_video_wasm.js";

initSync({ module: readFileSync(new URL("./kinesis_video_wasm_bg.wasm", import.meta.url)) });

export * from "./api.js";
export { default } from "./kinesis_video_wasm.js";
