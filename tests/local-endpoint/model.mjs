// The committed reduced service models, and the walk that turns a handler's result into a
// response body shaped like the real service's: every member present, `null` when absent,
// timestamps as fractional epoch seconds.
import { readFileSync } from "node:fs";

function loadModel(file) {
  return JSON.parse(readFileSync(new URL(`../../model/${file}`, import.meta.url), "utf8"));
}

export const controlModel = loadModel("kinesisvideo.json");
export const signalingModel = loadModel("kinesis-video-signaling.json");
export const archivedMediaModel = loadModel("kinesis-video-archived-media.json");
export const mediaModel = loadModel("kinesis-video-media.json");
export const webrtcStorageModel = loadModel("kinesis-video-webrtc-storage.json");

/** Operation lookup by HTTP path (the model's requestUri); every operation of these models is a POST. */
export function operationsByPath(model) {
  const byPath = new Map();
  for (const [name, op] of Object.entries(model.operations)) {
    byPath.set(op.requestUri, { name, ...op });
  }
  return byPath;
}

/**
 * Serializes `value` as the output shape `shapeName`: structures list every member of the
 * shape (absent ones as null, as the real service does), unknown keys are dropped, and
 * Date values become epoch seconds with a millisecond fraction.
 */
export function shapeOutput(model, shapeName, value) {
  const shape = model.shapes[shapeName];
  if (value === undefined || value === null) return null;
  switch (shape.type) {
    case "structure": {
      const out = {};
      for (const [member, target] of Object.entries(shape.members)) {
        out[member] = shapeOutput(model, target, value[member]);
      }
      return out;
    }
    case "list":
      return value.map((item) => shapeOutput(model, shape.member, item));
    case "map": {
      const out = {};
      for (const [key, item] of Object.entries(value)) out[key] = shapeOutput(model, shape.value, item);
      return out;
    }
    case "timestamp":
      return value instanceof Date ? value.getTime() / 1000 : value;
    default:
      return value;
  }
}
