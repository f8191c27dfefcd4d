// The service models and generated examples, and canned responses generated from them, for the
// client tests (client-differential.test.mjs).
//
// Models: model/kinesisvideo.json and model/kinesis-video-signaling.json (reduced botocore
// models: `operations`, `shapes` with members as name -> shape name). Examples:
// tests/model/examples.json ({ service, full, minimal, output } per operation).

import { readFileSync } from "node:fs";

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));

export const MODELS = {
  KinesisVideo: read("../../../model/kinesisvideo.json"),
  Signaling: read("../../../model/kinesis-video-signaling.json"),
};
export const EXAMPLES = read("../../model/examples.json");

/** `DescribeStream` -> `describeStream`. */
export const methodName = (operation) => operation[0].toLowerCase() + operation.slice(1);

/** Every operation of a service: { service, name, method, requestUri, httpMethod, input, output, errors }. */
export function operationsOf(service) {
  const model = MODELS[service];
  return Object.entries(model.operations).map(([name, op]) => ({
    service,
    name,
    method: methodName(name),
    requestUri: op.requestUri,
    httpMethod: op.method,
    input: op.input,
    output: op.output,
    errors: op.errors ?? [],
  }));
}

/** The HTTP status of a modeled error shape. */
export function errorStatus(service, errorName) {
  const shape = MODELS[service].shapes[errorName];
  if (!shape?.exception) throw new Error(`${errorName} is not an error shape of ${service}`);
  return shape.error?.httpStatusCode ?? 400;
}

/** The name of the message member of an error shape (`Message`, or `message` in the signaling model). */
export function errorMessageMember(service, errorName) {
  const members = Object.keys(MODELS[service].shapes[errorName].members ?? {});
  return members.find((m) => m.toLowerCase() === "message") ?? "Message";
}

// Fractional epoch seconds chosen so that seconds * 1000 is not exactly an integer in binary
// floating point, on both sides of the millisecond (plus a sub-millisecond value and a whole
// second): a client that truncates instead of rounding shows up here.
const TIMESTAMPS = [1705489836.421, 1705489836.001, 1705489836.999, 1705489836.5, 1705489836.0005, 1705489837, 1.1, 1705489836.123456];

/**
 * A value of `shapeName` with every member set, generated from the model. Options:
 * - unknownMember: add a member the model does not know to every structure;
 * - unknownEnum: use a value outside the enum for every enum;
 * - nullEvery: 0 = no nulls; 1 = every member null (structures stay, their members are null);
 *   2 = every other member null (alternating, at every depth);
 * - listLength / mapSize: elements per list and entries per map;
 * - nullElements: add a null element to every list and a null-valued entry to every map.
 */
export function generateValue(service, shapeName, options = {}, state = { ts: 0, n: 0 }) {
  const { unknownMember = false, unknownEnum = false, nullEvery = 0, listLength = 2, mapSize = 2, nullElements = false } = options;
  const shapes = MODELS[service].shapes;
  const shape = shapes[shapeName];
  switch (shape.type) {
    case "structure": {
      const out = {};
      let index = 0;
      for (const [member, target] of Object.entries(shape.members ?? {})) {
        const makeNull = nullEvery === 1 || (nullEvery === 2 && index % 2 === 1);
        index += 1;
        out[member] = makeNull ? null : generateValue(service, target, options, state);
      }
      if (unknownMember) out.MemberFromANewerModel = { Nested: [1, "two", null], Flag: true };
      return out;
    }
    case "list": {
      const list = Array.from({ length: Math.max(listLength, shape.min ?? 0) }, () => generateValue(service, shape.member, options, state));
      if (nullElements) list.splice(1, 0, null);
      return list;
    }
    case "map": {
      const out = {};
      const keyShape = shapes[shape.key];
      const size = Math.min(mapSize, shape.max ?? mapSize);
      for (let i = 0; i < size; i++) {
        const key = keyShape.enum ? keyShape.enum[i % keyShape.enum.length] : `key-${i}`;
        out[key] = generateValue(service, shape.value, options, state);
      }
      if (nullElements) out["key-with-null-value"] = null;
      return out;
    }
    case "string":
      if (shape.enum) return unknownEnum ? "VALUE_FROM_A_NEWER_MODEL" : shape.enum[state.n++ % shape.enum.length];
      return `${shapeName}-${state.n++}`;
    case "integer":
    case "long":
      return (shape.min ?? 0) + (state.n++ % 7);
    case "boolean":
      return state.n++ % 2 === 0;
    case "timestamp":
      return TIMESTAMPS[state.ts++ % TIMESTAMPS.length];
    default:
      throw new Error(`shape type ${shape.type} of ${shapeName} is not handled by the generator`);
  }
}

/**
 * Canned success bodies for an operation: [label, body object, notes]; notes.nullElements marks
 * the body with null list elements and null map values (see client-differential.test.mjs).
 */
export function successBodies(op) {
  const example = EXAMPLES[op.name]?.output;
  if (!example) throw new Error(`tests/model/examples.json has no output for ${op.name}`);
  const gen = (options) => generateValue(op.service, op.output, options);
  return [
    ["example output", example],
    ["every member, fractional timestamps", gen({})],
    ["every member null", gen({ nullEvery: 1 })],
    ["every other member null, at every depth", gen({ nullEvery: 2 })],
    ["unknown members at every depth", gen({ unknownMember: true })],
    ["unknown enum values", gen({ unknownEnum: true })],
    ["one element per list and map", gen({ listLength: 1, mapSize: 1 })],
    ["null elements in lists and null values in maps", gen({ nullElements: true }), { nullElements: true }],
  ];
}

/** Inputs for an operation: [label, input]: the examples' full and minimal ones, and full minus one optional member at a time. */
export function requestInputs(op) {
  const example = EXAMPLES[op.name];
  if (!example?.full || !example?.minimal) throw new Error(`tests/model/examples.json has no full/minimal input for ${op.name}`);
  const required = new Set(MODELS[op.service].shapes[op.input].required ?? []);
  const inputs = [
    ["full", example.full],
    ["minimal", example.minimal],
  ];
  for (const member of Object.keys(example.full)) {
    if (required.has(member)) continue;
    const { [member]: _dropped, ...rest } = example.full;
    inputs.push([`full without ${member}`, rest]);
  }
  return inputs;
}
