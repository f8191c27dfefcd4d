// Generates the single model description used by the crate from the service registry
// (model/services.json: one row per service) and the reduced service models in model/:
//   src/model/generated.rs   static tables (shapes, members, limits, patterns, enums, errors, operations,
//                            "one of" rules, header-bound members), the operation and service enums
//   npm/model.d.ts           the TypeScript declarations of the model (index.d.ts, hand-written,
//                            declares the rest of the API)
//   npm/operations.js        the client classes (each extends the wasm module's one Client with its
//                            service), their operation methods, the paginators
//   tests/model/examples.json a valid input per operation ("full": every member, "minimal": required
//                            members only) and a sample output per operation, built from the same tables
// Deterministic: the same model gives byte-identical files.
// Usage: node tools/gen-model.mjs            (writes the files)
//        node tools/gen-model.mjs --check    (exit 1 if a committed file differs)
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, dirname } from "node:path";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The registry: one row per service (model/services.json), the control plane first.
 *   id            the service's name in the tables (Rust enum variant, JS table key)
 *   model         its reduced model in model/ (tools/extract-model.mjs writes it from `botocore`)
 *   botocore      botocore's directory of the service, `name/api-version`
 *   className     the JS client class; `extras` names a hand-written interface it also implements
 *   endpoint      "rules" (resolved from the endpoint rule set) or "given" (the caller's, or a data endpoint)
 *   dataEndpointApis  the GetDataEndpoint API names whose endpoint serves this service (dataEndpointClient)
 *   wholePayloads the streaming outputs read whole into a Uint8Array (the others are ReadableStreams)
 *   oneOf         [{ members, inputs, exactly? }]: inputs that must name at least one (or exactly one) of members
 */
function registry(root) {
  const { services } = JSON.parse(readFileSync(join(root, "model", "services.json"), "utf8"));
  for (const s of services) {
    if (!isIdent(s.id) || !isIdent(s.className)) fail(`registry: ${s.id} / ${s.className} is not an identifier`);
    if (!["rules", "given"].includes(s.endpoint)) fail(`registry: ${s.id}: endpoint ${s.endpoint}`);
  }
  if (services[0]?.endpoint !== "rules") fail("registry: the first service is the control plane (endpoint from the rule set)");
  return services.map((s) => ({ ...s, ident: s.id, file: s.model, wholePayloads: s.wholePayloads ?? [], dataEndpointApis: s.dataEndpointApis ?? [] }));
}

// Inputs where the documentation says a resource must be named by one of two members, from each
// registry row's `oneOf` ([{ members, inputs, exactly? }]). No rule says "not both", so each is
// "at least one" unless the row says `exactly`.
const oneOfRules = (services) =>
  services.flatMap((svc) => (svc.oneOf ?? []).flatMap((rule) => rule.inputs.map((input) => [svc.ident, input, rule.members, rule.exactly ? "exactly" : "atLeast"])));

// A value matching each pattern, for the generated examples (checked against the pattern and limits).
const PATTERN_SAMPLES = {
  ".+": "arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*": "team video",
  "[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+(,[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+)*": "video/h264,audio/aac",
  "[^\\n]{11,100}": "0 0/5 * * * ?",
  "[a-zA-Z0-9+/=]*": "bmV4dFRva2Vu",
  "[a-zA-Z0-9+/=]+": "eyJ0eXBlIjoib2ZmZXIifQ==",
  "[a-zA-Z0-9]+": "AbCdEfGh0123456789xy",
  "[a-zA-Z0-9_.-]+": "front-door_cam.1",
  "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$": "Environment",
  "^[a-zA-Z_0-9]+": "80",
  "^[a-zA-Z_0-9]+:(//)?([^/]+)/?([^*]*)$": "s3://example-bucket/frames",
  "^[a-z]+(-[a-z]+)?-[a-z]+-[0-9]$": "us-west-2",
  "arn:[a-z\\d-]+:iot:[a-z0-9-]+:[0-9]+:thing/[a-zA-Z0-9_.-]+": "arn:aws:iot:us-west-2:123456789012:thing/edge-hub",
  "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+":
    "arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door_cam.1/1705489836421",
  "arn:[a-z\\d-]+:secretsmanager:[a-z0-9-]+:[0-9]+:secret:[a-zA-Z0-9_.-]+":
    "arn:aws:secretsmanager:us-west-2:123456789012:secret:camera-uri-AbCdEf",
  "arn:aws:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+":
    "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1705489836421",
};
// The media services' patterns.
Object.assign(PATTERN_SAMPLES, {
  "^[a-zA-Z0-9_\\.\\-]+$": "continuation-token_1.a",
  "^[0-9]+$": "91343852333181432392682062622220590765191907586",
  "[a-zA-Z0-9+/]+={0,2}": "bmV4dC1wYWdl",
  "^[a-zA-Z0-9_.-]+$": "viewer-1",
  "^arn:(aws[a-zA-Z-]*):kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$":
    "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1705489836421",
});
// Member-specific samples where the pattern sample would name the wrong kind of resource.
const MEMBER_SAMPLES = {
  ChannelARN: "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1705489836421",
};

const fail = (msg) => {
  throw new Error(`gen-model: ${msg}`);
};

function loadServices(root) {
  return registry(root).map((s) => ({ ...s, model: JSON.parse(readFileSync(join(root, "model", s.file), "utf8")) }));
}

/** A structure member as the models write it: a shape name, or `{ shape, location, locationName }`. */
const memberRef = (m) => (typeof m === "string" ? { shape: m } : m);

const lowerFirst = (n) => n[0].toLowerCase() + n.slice(1);
const isIdent = (n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n);

// ---------------------------------------------------------------- string blob (deduplicated)
class Blob {
  constructor() {
    this.set = new Set();
  }
  add(s) {
    if (!/^[\x20-\x7e]*$/.test(s)) fail(`non-ASCII or control character in table string ${JSON.stringify(s)}`);
    if (s.length > 255) fail(`table string longer than 255: ${s}`);
    this.set.add(s);
  }
  build() {
    // Longest first, so shorter strings can reuse a substring of longer ones.
    const all = [...this.set].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    let text = "";
    this.at = new Map();
    for (const s of all) {
      let i = text.indexOf(s);
      if (i < 0) {
        i = text.length;
        text += s;
      }
      this.at.set(s, i);
    }
    if (text.length > 65535) fail("string blob exceeds u16 offsets");
    this.text = text;
  }
  ref(s) {
    const i = this.at.get(s);
    if (i === undefined) fail(`string not in blob: ${s}`);
    return `Str(${i}, ${s.length})`;
  }
}

// ---------------------------------------------------------------- tables
export function buildTables(services) {
  const blob = new Blob();
  const shapes = []; // {kind, sensitive, a, b, min, max, key, ...}
  const shapeByKey = new Map();
  const members = []; // {name, shape, required}
  const patterns = [];
  const enums = []; // arrays of values
  const enumValues = [];
  const oneOf = []; // {shape, mask, exactly}
  const errorsByName = new Map();

  const patternIndex = (p) => {
    let i = patterns.indexOf(p);
    if (i < 0) {
      i = patterns.length;
      patterns.push(p);
      blob.add(p);
    }
    return i;
  };
  const enumIndex = (vals) => {
    const k = JSON.stringify(vals);
    let i = enums.findIndex((e) => JSON.stringify(e) === k);
    if (i < 0) {
      i = enums.length;
      enums.push(vals);
      for (const v of vals) blob.add(v);
    }
    return i;
  };

  const rules = oneOfRules(services);
  const rulesFor = (svc, name) => rules.filter((r) => r[0] === svc.ident && r[1] === name);
  for (const r of rules) {
    const svc = services.find((s) => s.ident === r[0]);
    const sh = svc?.model.shapes[r[1]];
    if (!sh || sh.type !== "structure") fail(`one-of rule on unknown structure ${r[1]}`);
    for (const m of r[2]) {
      if (!(m in sh.members)) fail(`one-of rule member ${m} not in ${r[1]}`);
      if ((sh.required ?? []).includes(m)) fail(`one-of rule member ${m} is required in ${r[1]}`);
    }
  }

  // Post-order, so identical shapes (same content, children included) share one index.
  function visit(svc, name, stack = []) {
    const s = svc.model.shapes[name];
    if (!s) fail(`${svc.ident}: unknown shape ${name}`);
    if (stack.includes(name)) fail(`recursive shape ${name} is not supported`);
    const st = [...stack, name];
    const sensitive = s.sensitive === true;
    let row;
    switch (s.type) {
      case "structure": {
        if (s.exception) fail(`exception ${name} used as a value`);
        const req = s.required ?? [];
        const mem = Object.entries(s.members ?? {}).map(([mn, ref]) => {
          // Inputs go in the JSON body only; outputs' header and payload members are split off
          // before (see `bodyOf`).
          if (memberRef(ref).location) fail(`${name}.${mn}: bound to ${memberRef(ref).location}, which only outputs may be`);
          blob.add(mn);
          return { name: mn, shape: visit(svc, memberRef(ref).shape, st), required: req.includes(mn) };
        });
        for (const r of req) if (!(r in (s.members ?? {}))) fail(`${name}: required ${r} is not a member`);
        if (mem.length > 32) fail(`${name}: more than 32 members (one-of masks are u32)`);
        const rules = rulesFor(svc, name).map((r) => ({
          mask: r[2].reduce((m, mn) => m | (1 << mem.findIndex((x) => x.name === mn)), 0) >>> 0,
          exactly: r[3] === "exactly",
        }));
        row = { kind: "Structure", sensitive, members: mem, rules };
        break;
      }
      case "string":
        row = {
          kind: "String",
          sensitive,
          min: s.min,
          max: s.max,
          pattern: s.pattern === undefined ? undefined : patternIndex(s.pattern),
          enum: s.enum === undefined ? undefined : enumIndex(s.enum),
        };
        break;
      case "integer":
      case "long":
      case "float":
      case "double":
        row = { kind: { integer: "Integer", long: "Long", float: "Double", double: "Double" }[s.type], sensitive, min: s.min, max: s.max };
        break;
      case "boolean":
        row = { kind: "Boolean", sensitive };
        break;
      case "timestamp":
        if (s.timestampFormat && s.timestampFormat !== "unixTimestamp") fail(`${name}: timestampFormat ${s.timestampFormat}`);
        row = { kind: "Timestamp", sensitive };
        break;
      case "list":
        row = { kind: "List", sensitive, a: visit(svc, s.member, st), min: s.min, max: s.max };
        break;
      case "map":
        row = { kind: "Map", sensitive, a: visit(svc, s.key, st), b: visit(svc, s.value, st), min: s.min, max: s.max };
        break;
      default:
        // (A blob is only an output's payload, which never reaches the tables.)
        fail(`${name}: shape type ${s.type} is not supported here`);
    }
    const key = JSON.stringify(row);
    if (shapeByKey.has(key)) return shapeByKey.get(key);
    if (row.kind === "Structure") {
      row.a = members.length;
      row.b = row.members.length;
      members.push(...row.members);
    }
    const idx = shapes.length;
    shapes.push(row);
    shapeByKey.set(key, idx);
    for (const r of row.rules ?? []) oneOf.push({ shape: idx, ...r });
    return idx;
  }

  const EMPTY = { type: "structure", members: {} };
  const ops = [];
  const headerMembers = []; // {member, header}, a span per operation
  for (const svc of services) {
    svc.model.shapes["$Empty"] = EMPTY;
    const names = Object.keys(svc.model.operations).sort();
    for (const name of names) {
      const o = svc.model.operations[name];
      if (!isIdent(name)) fail(`operation name ${name}`);
      const input = visit(svc, o.input ?? "$Empty");
      const split = bodyOf(svc, o.output, name);
      svc.model.shapes[`$${name}Body`] = split.body;
      const output = visit(svc, `$${name}Body`);
      delete svc.model.shapes[`$${name}Body`];
      if (split.payload) blob.add(split.payload.member);
      const headerStart = headerMembers.length;
      for (const h of split.headers) {
        blob.add(h.member);
        blob.add(h.header.toLowerCase());
        headerMembers.push({ member: h.member, header: h.header.toLowerCase() });
      }
      for (const e of o.errors) {
        const es = svc.model.shapes[e];
        if (!es?.exception) fail(`${name}: error ${e} is not an exception shape`);
      }
      ops.push({ svc, name, o, input, output, payload: split.payload, headerStart, headerLen: split.headers.length });
    }
    for (const [n, s] of Object.entries(svc.model.shapes)) {
      if (!s.exception) continue;
      // One row per name; where services give a name different statuses (AccessDeniedException is
      // 401 in the control plane, 403 in WebRTC storage) the first service's is kept: the client
      // takes the status from the response, the table only says that the name is modeled.
      if (!errorsByName.has(n)) errorsByName.set(n, s.error?.httpStatusCode ?? 400);
    }
    delete svc.model.shapes["$Empty"];
  }
  const errors = [...errorsByName.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, status]) => ({ name, status }));
  for (const e of errors) blob.add(e.name);
  const opErrors = [];
  for (const op of ops) {
    op.errStart = opErrors.length;
    for (const e of op.o.errors) opErrors.push(errors.findIndex((x) => x.name === e));
    op.errLen = op.o.errors.length;
  }
  for (const e of enums) enumValues.push(...e);
  blob.build();

  // Numeric bound type: the smallest that holds every bound, with the extremes reserved as "none".
  const bounds = shapes.flatMap((s) => [s.min, s.max]).filter((x) => x !== undefined);
  const fits32 = bounds.every((x) => Number.isSafeInteger(x) && x > -(2 ** 31) && x < 2 ** 31 - 1);
  if (!fits32 && !bounds.every((x) => Number.isSafeInteger(x))) fail("numeric bound is not a safe integer");

  return { blob, shapes, members, patterns, enums, enumValues, oneOf, errors, opErrors, ops, headerMembers, boundType: fits32 ? "i32" : "i64" };
}

/**
 * An operation's output split by where it comes from: the JSON body (a structure of the other
 * members), header-bound members, and a payload (the whole body, as bytes or as a stream).
 */
export function bodyOf(svc, outputName, opName) {
  const s = outputName ? svc.model.shapes[outputName] : { type: "structure", members: {} };
  const body = { type: "structure", members: {}, required: [] };
  const headers = [];
  /** `{ member, kind }`: kind "Whole" (read into a Uint8Array) or "Stream" (a ReadableStream). */
  let payload = null;
  for (const [mn, ref] of Object.entries(s.members ?? {})) {
    const { shape, location, locationName } = memberRef(ref);
    if (mn === s.payload) {
      const p = svc.model.shapes[shape];
      if (p.type !== "blob") fail(`${opName}: a ${p.type} payload is not supported`);
      // The registry names the streaming payloads that are read whole (a clip is a file, not a feed).
      payload = { member: mn, kind: p.streaming && !svc.wholePayloads.includes(opName) ? "Stream" : "Whole" };
    } else if (location === "header") {
      if (svc.model.shapes[shape].type !== "string") fail(`${opName}.${mn}: only string headers are supported`);
      headers.push({ member: mn, header: locationName ?? mn });
    } else if (location) {
      fail(`${opName}.${mn}: output member bound to ${location}`);
    } else {
      body.members[mn] = shape;
    }
  }
  if (payload && Object.keys(body.members).length) fail(`${opName}: a payload and body members`);
  return { body, headers, payload };
}

// ---------------------------------------------------------------- TypeScript
function buildTypeScript(services, t) {
  const decls = new Map(); // name -> text (collisions across services must be identical)
  const declare = (name, text) => {
    if (decls.has(name) && decls.get(name) !== text) fail(`TypeScript name ${name} declared twice with different content`);
    decls.set(name, text);
  };
  const opNames = new Set();

  for (const svc of services) {
    const shapes = svc.model.shapes;
    const inputSet = new Set();
    const outputSet = new Set();
    const walk = (name, set) => {
      if (set.has(name)) return;
      set.add(name);
      const s = shapes[name];
      if (s.type === "structure") for (const m of Object.values(s.members)) walk(memberRef(m).shape, set);
      if (s.type === "list") walk(s.member, set);
      if (s.type === "map") (walk(s.key, set), walk(s.value, set));
    };
    for (const o of Object.values(svc.model.operations)) {
      if (o.input) walk(o.input, inputSet);
      if (o.output) walk(o.output, outputSet);
    }
    const outName = (n) => (inputSet.has(n) ? `${n}Output` : n);
    // What an output's payload is in JS, by output structure.
    const payloadType = new Map();
    for (const [opName, o] of Object.entries(svc.model.operations)) {
      const p = o.output && bodyOf(svc, o.output, opName).payload;
      if (p) payloadType.set(o.output, p.kind === "Stream" ? "ReadableStream<Uint8Array>" : "Uint8Array");
    }
    const paren = (x) => (/[ |&]/.test(x) ? `(${x})` : x);
    const tsType = (name, out) => {
      const s = shapes[name];
      switch (s.type) {
        case "structure":
          return out ? outName(name) : name;
        case "string":
          if (s.enum) return out ? `${name} | (string & {})` : name;
          return "string";
        case "integer":
        case "long":
        case "float":
        case "double":
          return "number";
        case "boolean":
          return "boolean";
        case "blob":
          return "Uint8Array";
        case "timestamp":
          return out ? "Date" : "Date | number";
        case "list":
          return `${paren(tsType(s.member, out))}[]`;
        case "map": {
          const v = tsType(s.value, out);
          const k = shapes[s.key];
          if (!out && k.enum) return `Partial<Record<${s.key}, ${v}>>`;
          return `Record<string, ${v}>`;
        }
      }
      fail(`no TypeScript type for ${name}`);
    };
    const iface = (name, tsName, out) => {
      const s = shapes[name];
      const req = out ? [] : (s.required ?? []);
      let text = `export interface ${tsName} {\n`;
      for (const [mn, ref] of Object.entries(s.members)) {
        const type = out && s.payload === mn ? payloadType.get(name) : tsType(memberRef(ref).shape, out);
        text += `  ${mn}${req.includes(mn) ? "" : "?"}: ${type};\n`;
      }
      return (text === `export interface ${tsName} {\n` ? `export interface ${tsName} {` : text) + "}\n";
    };
    const sorted = (set) => [...set].sort();
    for (const n of sorted(new Set([...inputSet, ...outputSet]))) {
      const s = shapes[n];
      if (s.type === "string" && s.enum) {
        if (!isIdent(n)) fail(`enum name ${n}`);
        // Sorted: services that share an enum may list its values in another order.
        declare(n, `export type ${n} = ${[...s.enum].sort().map((v) => JSON.stringify(v)).join(" | ")};\n`);
      }
    }
    for (const n of sorted(inputSet)) if (shapes[n].type === "structure") declare(n, iface(n, n, false));
    for (const n of sorted(outputSet)) if (shapes[n].type === "structure") declare(outName(n), iface(n, outName(n), true));
    for (const [name, o] of Object.entries(svc.model.operations)) {
      opNames.add(name);
      declare(`${name}ErrorName`, `export type ${name}ErrorName = ${o.errors.length ? o.errors.map((e) => JSON.stringify(e)).join(" | ") : "never"};\n`);
    }
  }
  for (const op of t.ops) {
    if (!op.o.input) declare(`${op.name}Input`, `export interface ${op.name}Input {}\n`);
    if (!op.o.output) declare(`${op.name}Output`, `export interface ${op.name}Output {}\n`);
  }
  const errNames = [...t.errors.map((e) => e.name), "ValidationError"];
  declare("KinesisVideoErrorName", `export type KinesisVideoErrorName =\n${errNames.map((e) => `  | ${JSON.stringify(e)}`).join("\n")};\n`);
  declare(
    "KinesisVideoOperationName",
    `export type KinesisVideoOperationName =\n${[...opNames].sort().map((e) => `  | ${JSON.stringify(e)}`).join("\n")};\n`,
  );
  // The client classes: their operation methods (npm/operations.js installs them), and what every
  // client has; a class with more (the control plane's connectSignaling) names it in the registry.
  for (const svc of services) {
    const ops = `${svc.className}Operations`;
    const methods = t.ops
      .filter((op) => op.svc === svc)
      .map((op) => {
        const input = op.o.input ?? `${op.name}Input`;
        const output = op.o.output ?? `${op.name}Output`;
        return `  ${lowerFirst(op.name)}(input: ${input}, options?: CallOptions): Promise<${output} & MetadataBearer>;\n`;
      });
    declare(ops, `export interface ${ops} {\n${methods.join("")}}\n`);
    const config = svc.endpoint === "rules" ? "KinesisVideoClientConfig" : "DataPlaneClientConfig";
    const meta = svc.model.metadata;
    declare(
      svc.className,
      `export interface ${svc.className} extends ${[ops, ...(svc.extras ? [svc.extras] : [])].join(", ")} {}\n` +
        `/** ${meta.serviceId} (API ${meta.apiVersion}): one method per operation. */\n` +
        `export declare class ${svc.className} {\n` +
        `  constructor(config: ${config});\n` +
        "  /** The endpoint this client sends to. */\n" +
        "  readonly endpoint: string;\n" +
        "  /** Releases the client's wasm memory; the client cannot be used afterwards. */\n" +
        "  free(): void;\n" +
        "  [Symbol.dispose](): void;\n" +
        "}\n",
    );
  }
  for (const svc of services) {
    for (const [name, pg] of Object.entries(svc.model.paginators ?? {})) {
      const op = svc.model.operations[name];
      declare(
        `paginate${name}`,
        `/** Every page of ${name}, following ${pg.output_token} until the last page. */\n` +
          `export function paginate${name}(client: ${svc.className}, input: ${op.input}, options?: { pageSize?: number }): AsyncIterable<${op.output} & MetadataBearer>;\n`,
      );
    }
  }
  const names = [...decls.keys()].sort();
  return names.map((n) => decls.get(n)).join("");
}

// ---------------------------------------------------------------- operations.js

/** The JS side of the operation table: method installation and paginators. */
function buildOperationsJs(services, t) {
  const L = [
    "// Generated by tools/gen-model.mjs from model/services.json and model/*.json; do not edit.",
    "// Importing this module adds one method per operation to the client classes, each starting a",
    "// call of the client's one shared (wasm) call path by index, and the control plane's",
    "// connectSignaling and dataEndpointClient; it also exports the paginators.",
    'import { Client } from "./kinesis_video_wasm.js";',
    'import { run } from "./call.js";',
    'import { dataEndpointClient } from "./data-endpoint.js";',
    'import { connectSignaling } from "./signaling.js";',
    "",
    ...services.flatMap((svc, i) => [
      `/** ${svc.model.metadata.serviceId} (API ${svc.model.metadata.apiVersion}): one method per operation. */`,
      `export class ${svc.className} extends Client {`,
      "  constructor(config) {",
      `    super(config, ${i});`,
      "  }",
      "}",
      "",
    ]),
    "const OPERATIONS = [",
    ...t.ops.map((op, i) => `  [${JSON.stringify(op.svc.ident)}, ${JSON.stringify(lowerFirst(op.name))}], // ${i}`),
    "];",
    "",
    "const CLASSES = {",
    ...services.map((svc) => `  ${svc.ident}: [${svc.className}, ${JSON.stringify(svc.className)}],`),
    "};",
    "",
    "/** The services at GetDataEndpoint's endpoints: index and class, the APIs that name them, their methods. */",
    "const DATA_ENDPOINT_SERVICES = [",
    ...services.flatMap((svc, i) =>
      svc.dataEndpointApis.length
        ? [
            `  {`,
            `    index: ${i},`,
            `    Class: ${svc.className},`,
            `    apis: ${JSON.stringify(svc.dataEndpointApis)},`,
            `    methods: ${JSON.stringify(t.ops.filter((op) => op.svc === svc).map((op) => lowerFirst(op.name)))},`,
            "  },",
          ]
        : [],
    ),
    "];",
    "",
    "// Installs an async method whose every failure is a rejection, as from any async method.",
    "function install(Class, className, method, call) {",
    "  Object.defineProperty(Class.prototype, method, {",
    "    value: function (...args) {",
    "      try {",
    "        if (!(this instanceof Class)) throw new TypeError(`${method}: call it on a ${className}`);",
    "        // free() zeroes the glue's pointer.",
    "        if (!this.__wbg_ptr) throw new TypeError(`${method}: this ${className} was freed`);",
    "        return call(this, ...args);",
    "      } catch (e) {",
    "        return Promise.reject(e);",
    "      }",
    "    },",
    "    writable: true,",
    "    configurable: true,",
    "  });",
    "}",
    "",
    "OPERATIONS.forEach(([service, method], index) => {",
    "  const [Class, className] = CLASSES[service];",
    "  install(Class, className, method, (client, input, options) => run(client, client.__start(index, input, options)));",
    "});",
    `install(${services[0].className}, ${JSON.stringify(services[0].className)}, "connectSignaling", connectSignaling);`,
    `install(${services[0].className}, ${JSON.stringify(services[0].className)}, "dataEndpointClient", (client, api, stream, options) =>`,
    "  dataEndpointClient(client, DATA_ENDPOINT_SERVICES, api, stream, options),",
    ");",
    "",
    "async function* paginate(client, method, input, pageSize, inputToken, outputToken, limitKey) {",
    "  const request = { ...input };",
    "  if (pageSize !== undefined) request[limitKey] = pageSize;",
    "  for (;;) {",
    "    const page = await client[method]({ ...request });",
    "    yield page;",
    "    const token = page[outputToken];",
    "    // A service that repeats a token would loop forever; stop as the AWS SDKs do.",
    "    if (!token || token === request[inputToken]) return;",
    "    request[inputToken] = token;",
    "  }",
    "}",
  ];
  for (const svc of services) {
    for (const [name, pg] of Object.entries(svc.model.paginators ?? {})) {
      L.push(
        "",
        `export function paginate${name}(client, input = {}, options = {}) {`,
        `  if (typeof client?.${lowerFirst(name)} !== "function") throw new TypeError("paginate${name}: the first argument must be a ${svc.className}");`,
        `  return paginate(client, ${JSON.stringify(lowerFirst(name))}, input, options?.pageSize, ${JSON.stringify(pg.input_token)}, ${JSON.stringify(pg.output_token)}, ${JSON.stringify(pg.limit_key)});`,
        "}",
      );
    }
  }
  return L.join("\n") + "\n";
}

// ---------------------------------------------------------------- examples
function buildExamples(services, t) {
  const oneOf = oneOfRules(services);
  const sample = (svc, name, memberName, mode) => {
    const s = svc.model.shapes[name];
    switch (s.type) {
      case "structure": {
        const o = {};
        const req = s.required ?? [];
        const rules = oneOf.filter((r) => r[0] === svc.ident && r[1] === name);
        for (const [mn, ref] of Object.entries(s.members)) {
          const needed = req.includes(mn) || rules.some((r) => r[2][0] === mn);
          if (mode === "full" || needed) o[mn] = sample(svc, memberRef(ref).shape, mn, mode);
        }
        return o;
      }
      case "string": {
        if (s.enum) return s.enum[0];
        let v = MEMBER_SAMPLES[memberName] ?? (s.pattern !== undefined ? PATTERN_SAMPLES[s.pattern] : "example");
        if (v === undefined) fail(`no sample for pattern ${s.pattern}`);
        if (s.pattern === undefined) {
          while ([...v].length < (s.min ?? 0)) v += "x";
          if (s.max !== undefined) v = [...v].slice(0, s.max).join("");
        }
        const len = [...v].length;
        if ((s.min !== undefined && len < s.min) || (s.max !== undefined && len > s.max)) fail(`sample ${v} breaks ${name} length`);
        if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(v)) fail(`sample ${v} does not match ${s.pattern}`);
        return v;
      }
      case "integer":
      case "long":
      case "float":
      case "double": {
        let v = s.min ?? 1;
        if (s.max !== undefined && v > s.max) v = s.max;
        return v;
      }
      case "boolean":
        return true;
      case "timestamp":
        return 1705489836.421;
      case "list": {
        const n = Math.max(s.min ?? 1, 1);
        return Array.from({ length: n }, () => sample(svc, s.member, memberName, mode));
      }
      case "map": {
        const k = sample(svc, s.key, undefined, mode);
        return { [k]: sample(svc, s.value, undefined, mode) };
      }
    }
    fail(`no sample for ${name}`);
  };
  const sampleOf = (svc, shape) => {
    svc.model.shapes.$Sample = shape;
    const v = sample(svc, "$Sample", undefined, "full");
    delete svc.model.shapes.$Sample;
    return v;
  };
  const out = {};
  for (const op of t.ops) {
    const svc = op.svc;
    out[op.name] = {
      service: svc.ident,
      full: op.o.input ? sample(svc, op.o.input, undefined, "full") : {},
      minimal: op.o.input ? sample(svc, op.o.input, undefined, "minimal") : {},
      // What the service sends as JSON (an output with a payload has none).
      output: sampleOf(svc, bodyOf(svc, op.o.output, op.name).body),
    };
  }
  return JSON.stringify(out, null, 1) + "\n";
}

// ---------------------------------------------------------------- Rust
function buildRust(services, t) {
  const { blob } = t;
  const L = [];
  const p = (s) => L.push(s);
  const rustStr = (s) => JSON.stringify(s); // ASCII only (checked), JSON escapes are valid Rust escapes here
  const str = (s) => {
    const r = /^Str\((\d+), (\d+)\)$/.exec(blob.ref(s));
    return `Str::at(${r[1]}, ${r[2]})`;
  };
  const opt = (x) => (x === undefined ? "None" : `Some(${x})`);
  if (t.shapes.length > 256) fail("more than 256 shapes (ShapeIx is a u8)");
  if (t.errors.length > 255) fail("more than 255 errors");
  if (t.patterns.length > 255) fail("more than 255 patterns");

  p(`// @generated by tools/gen-model.mjs from model/services.json and ${services.map((s) => `model/${s.file}`).join(", ")}.`);
  p("// Do not edit: change the generator or the model and run `node tools/gen-model.mjs`.");
  p("#![allow(clippy::all)]");
  p("");
  p("use super::{Bounds, ErrorDef, HeaderMember, Limits, Member, OneOf, Operation, PatternIx, Payload, Shape, ShapeIx, Span, Str};");
  p("");
  p("/// The services of model/services.json, in its order. Every one signs as `kinesisvideo`.");
  p("#[derive(Clone, Copy, PartialEq, Eq, Debug)]");
  p("pub enum Service {");
  for (const svc of services) {
    p(`    /// ${svc.model.metadata.serviceId}, API ${svc.model.metadata.apiVersion}.`);
    p(`    ${svc.ident},`);
  }
  p("}");
  p("");
  p("impl Service {");
  p(`    pub const ALL: [Service; ${services.length}] = [${services.map((s) => `Service::${s.ident}`).join(", ")}];`);
  p("");
  p("    /// Whether the endpoint comes from the control plane's rule set (otherwise the client is given one).");
  p("    pub fn resolves_endpoint(self) -> bool {");
  p(`        matches!(self, ${services.filter((s) => s.endpoint === "rules").map((s) => `Service::${s.ident}`).join(" | ")})`);
  p("    }");
  p("}");
  p("");

  p("");
  p("/// The type of numeric limits: the smallest that holds every limit of the models.");
  p(`pub(super) type Bound = ${t.boundType};`);
  p("");
  p("/// Every member name, enum value, pattern and error name, deduplicated; see [`Str`].");
  p(`pub(super) static STRINGS: &str = ${rustStr(blob.text)};`);
  p("");
  const boundRows = ["None, None"];
  const limits = (min, max) => {
    const row = `${opt(min)}, ${opt(max)}`;
    let i = boundRows.indexOf(row);
    if (i < 0) {
      i = boundRows.length;
      boundRows.push(row);
    }
    if (i > 255) fail("more than 256 distinct limits");
    return `Limits(${i})`;
  };
  const span = (start, len) => {
    if (len > 255 || start > 65535) fail("span out of range");
    return `Span::at(${start}, ${len})`;
  };
  const enumStarts = [];
  let ev = 0;
  for (const e of t.enums) {
    enumStarts.push(ev);
    ev += e.length;
  }
  const shapeRows = t.shapes.map((s) => {
    switch (s.kind) {
      case "Structure":
        return `Shape::Structure { members: ${span(s.a, s.b)} }`;
      case "List":
        return `Shape::List { member: ShapeIx(${s.a}), limits: ${limits(s.min, s.max)} }`;
      case "Map":
        return `Shape::Map { key: ShapeIx(${s.a}), value: ShapeIx(${s.b}), limits: ${limits(s.min, s.max)} }`;
      case "String": {
        const pattern = s.pattern === undefined ? "None" : `Some(PatternIx(${s.pattern}))`;
        const values = s.enum === undefined ? "None" : `Some(${span(enumStarts[s.enum], t.enums[s.enum].length)})`;
        return `Shape::String { limits: ${limits(s.min, s.max)}, pattern: ${pattern}, values: ${values}, sensitive: ${s.sensitive} }`;
      }
      case "Integer":
      case "Long":
      case "Double":
        return `Shape::${s.kind} { limits: ${limits(s.min, s.max)} }`;
      default:
        return `Shape::${s.kind}`;
    }
  });
  p(`pub(super) static SHAPES: [Shape; ${t.shapes.length}] = [`);
  shapeRows.forEach((r, i) => p(`    /* ${i} */ ${r},`));
  p("];");
  p("");
  p("/// Lengths, sizes or values; `Limits(0)` is none.");
  p(`pub(super) static LIMITS: [Bounds; ${boundRows.length}] = [`);
  for (const r of boundRows) {
    const [min, max] = r.split(", ");
    p(`    Bounds { min: ${min}, max: ${max} },`);
  }
  p("];");
  p("");
  p(`pub(super) static MEMBERS: [Member; ${t.members.length}] = [`);
  for (const m of t.members) p(`    Member { name: ${str(m.name)}, shape: ShapeIx(${m.shape}), required: ${m.required} }, // ${m.name}`);
  p("];");
  p("");
  p(`pub(super) static PATTERNS: [Str; ${t.patterns.length}] = [`);
  for (const x of t.patterns) p(`    ${str(x)}, // ${x}`);
  p("];");
  p("");
  p(`pub(super) static ENUM_VALUES: [Str; ${t.enumValues.length}] = [`);
  for (const v of t.enumValues) p(`    ${str(v)}, // ${v}`);
  p("];");
  p("");
  p("/// Every modeled exception, sorted by name.");
  p(`pub(super) static ERRORS: [ErrorDef; ${t.errors.length}] = [`);
  for (const e of t.errors) p(`    ErrorDef { name: ${str(e.name)}, status: ${e.status} }, // ${e.name}`);
  p("];");
  p("/// Indices into ERRORS, a span per operation.");
  p(`pub(super) static OP_ERRORS: [u8; ${t.opErrors.length}] = [${t.opErrors.join(", ")}];`);
  p("");
  p("/// \"One of\" rules: bit i of `members` is member i of the structure.");
  p(`pub(super) static ONE_OF: [OneOf; ${t.oneOf.length}] = [`);
  for (const r of t.oneOf) {
    const sh = t.shapes[r.shape];
    const names = sh.members.filter((_, i) => r.mask & (1 << i)).map((m) => m.name);
    p(`    OneOf { shape: ShapeIx(${r.shape}), members: ${r.mask}, exactly: ${r.exactly} }, // ${names.join(" | ")}`);
  }
  p("];");
  p("");
  p("/// Output members read from response headers (names lowercase), a span per operation.");
  p(`pub(super) static HEADER_MEMBERS: [HeaderMember; ${t.headerMembers.length}] = [`);
  for (const h of t.headerMembers) p(`    HeaderMember { member: ${str(h.member)}, header: ${str(h.header)} },`);
  p("];");
  p("");
  p("/// Every operation, service by service in the registry's order, each service's sorted by name.");
  p(`pub(super) static OPERATIONS: [Operation; ${t.ops.length}] = [`);
  t.ops.forEach((op, i) => {
    const o = op.o;
    // The client sends every request as POST; a model with another method needs a table column.
    if (o.method !== "POST") fail(`${op.name}: HTTP method ${o.method} is not POST`);
    // Most request URIs are the name with a lowercase first letter; only the others are stored.
    if (!/^[A-Z][A-Za-z0-9]*$/.test(op.name)) fail(`${op.name}: operation name is not a PascalCase identifier`);
    const path = o.requestUri === `/${lowerFirst(op.name)}` ? "None" : `Some(${rustStr(o.requestUri)})`;
    p(`    /* ${i} */ Operation {`);
    p(`        name: ${rustStr(op.name)}, service: Service::${op.svc.ident}, path: ${path},`);
    p(`        input: ShapeIx(${op.input}), output: ShapeIx(${op.output}), errors: ${span(op.errStart, op.errLen)},`);
    const payload = op.payload ? `Payload::${op.payload.kind}(${str(op.payload.member)})` : "Payload::None";
    p(`        payload: ${payload}, headers: ${span(op.headerStart, op.headerLen)},`);
    p("    },");
  });
  p("];");
  p("");
  p("/// Each operation by name, in the order of [`OPERATIONS`] (and of npm/operations.js).");
  p("#[derive(Clone, Copy, Debug, PartialEq, Eq)]");
  p("pub enum OperationId {");
  t.ops.forEach((op) => p(`    ${op.name},`));
  p("}");
  p("");
  p("impl OperationId {");
  p(`    pub const ALL: [OperationId; ${t.ops.length}] = [`);
  t.ops.forEach((op) => p(`        OperationId::${op.name},`));
  p("    ];");
  p("}");
  return L.join("\n") + "\n";
}

// ---------------------------------------------------------------- TypeScript file
function buildModelDts(services, ts) {
  return [
    "// Generated by tools/gen-model.mjs from model/*.json; do not edit.",
    "// Every input, output, structure, enum and error name of the models, the client classes with their",
    "// operation methods, and the paginators. index.d.ts declares the rest of the API.",
    `import type { ${["CallOptions", "DataPlaneClientConfig", "KinesisVideoClientConfig", "MetadataBearer", ...services.filter((s) => s.extras).map((s) => s.extras)].sort().join(", ")} } from "./index.js";`,
    "",
    ts.trimEnd(),
    "",
  ].join("\n");
}

export function generate(root = ROOT) {
  const services = loadServices(root);
  const tables = buildTables(services);
  const ts = buildTypeScript(services, tables);
  return {
    "src/model/generated.rs": buildRust(services, tables),
    "npm/model.d.ts": buildModelDts(services, ts),
    "tests/model/examples.json": buildExamples(services, tables),
    "npm/operations.js": buildOperationsJs(services, tables),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = generate();
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [rel, text] of Object.entries(files)) {
    const path = join(ROOT, rel);
    let cur = null;
    try {
      cur = readFileSync(path, "utf8");
    } catch {}
    if (cur === text) continue;
    if (check) {
      console.error(`${rel} is out of date: run node tools/gen-model.mjs`);
      stale++;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${rel}`);
    }
  }
  if (stale) process.exit(1);
}
