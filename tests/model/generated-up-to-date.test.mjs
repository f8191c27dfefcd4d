// The committed generated files must be exactly what tools/gen-model.mjs produces from model/*.json,
// and what it produces must be sound: patterns compile as the interpreter compiles them, the
// examples satisfy the model, and the TypeScript declarations type-check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { generate } from "../../tools/gen-model.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const generated = generate(root);
const rust = generated["src/model/generated.rs"];
const readModel = (f) => JSON.parse(readFileSync(join(root, "model", f), "utf8"));
/** The registry's services, each with its model. */
const services = readModel("services.json").services.map((s) => ({ ...s, model: readModel(s.model) }));
const models = services.map((s) => s.model);
const operationCount = models.reduce((n, m) => n + Object.keys(m.operations).length, 0);
const shapeName = (ref) => (typeof ref === "string" ? ref : ref.shape);

test("committed generated files are up to date", () => {
  for (const [rel, text] of Object.entries(generated)) {
    const committed = readFileSync(join(root, rel), "utf8");
    assert.ok(committed === text, `${rel} differs from the generator output: run node tools/gen-model.mjs`);
  }
});

test("generation is deterministic", () => {
  assert.deepEqual(generate(root), generated);
});

test("every model pattern compiles with the u flag and the table holds each once", () => {
  const patterns = new Set();
  for (const m of models) for (const s of Object.values(m.shapes)) if (s.pattern !== undefined) patterns.add(s.pattern);
  const table = /PATTERNS: \[Str; (\d+)\]/.exec(rust);
  assert.equal(Number(table[1]), patterns.size);
  for (const p of patterns) {
    const re = new RegExp(p, "u");
    assert.equal(typeof re.test(""), "boolean");
  }
  // What the patterns mean, on a few values (the `u` flag matters for \p{..}).
  const t = (p, v) => new RegExp(p, "u").test(v);
  const tagKey = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$";
  assert.ok(t(tagKey, "Größe 1/2:@x"));
  assert.ok(!t(tagKey, "semi;colon"));
  assert.ok(t("[a-zA-Z0-9_.-]+", "a"));
  assert.ok(!t("[a-zA-Z0-9_.-]+", "!!"));
  assert.ok(t("^[a-z]+(-[a-z]+)?-[a-z]+-[0-9]$", "us-gov-west-1"));
  assert.ok(!t("^[a-z]+(-[a-z]+)?-[a-z]+-[0-9]$", "us-west-22"));
  assert.ok(t("[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+(,[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+)*", "video/h264"));
});

test("string table is ASCII and member names are whole", () => {
  const blob = /pub\(super\) static STRINGS: &str = (".*");/.exec(rust)[1];
  const text = JSON.parse(blob);
  assert.ok(/^[\x20-\x7e]*$/.test(text));
  let rows = 0;
  for (const m of rust.matchAll(/Member \{ name: Str::at\((\d+), (\d+)\), shape: ShapeIx\(\d+\), required: (true|false) \}, \/\/ (\w+)/g)) {
    assert.equal(text.substr(Number(m[1]), Number(m[2])), m[4]);
    rows++;
  }
  assert.equal(rows, Number(/MEMBERS: \[Member; (\d+)\]/.exec(rust)[1]), "every member row checked");
});

test("examples cover every operation and satisfy the model", () => {
  const examples = JSON.parse(generated["tests/model/examples.json"]);
  assert.equal(Object.keys(examples).length, operationCount);
  const svc = Object.fromEntries(services.map((s) => [s.id, s.model]));
  const check = (m, name, v, path) => {
    const s = m.shapes[name];
    const len = (x) => [...x].length;
    switch (s.type) {
      case "structure":
        for (const r of s.required ?? []) assert.ok(r in v, `${path}.${r} required`);
        for (const [k, x] of Object.entries(v)) {
          assert.ok(k in s.members, `${path}.${k} modeled`);
          check(m, shapeName(s.members[k]), x, `${path}.${k}`);
        }
        break;
      case "string":
        assert.equal(typeof v, "string");
        if (s.enum) assert.ok(s.enum.includes(v));
        if (s.min !== undefined) assert.ok(len(v) >= s.min, path);
        if (s.max !== undefined) assert.ok(len(v) <= s.max, path);
        if (s.pattern !== undefined) assert.ok(new RegExp(s.pattern, "u").test(v), path);
        break;
      case "integer":
      case "long":
        assert.ok(Number.isInteger(v));
        if (s.min !== undefined) assert.ok(v >= s.min, path);
        if (s.max !== undefined) assert.ok(v <= s.max, path);
        break;
      case "list":
        assert.ok(Array.isArray(v));
        if (s.min !== undefined) assert.ok(v.length >= s.min, path);
        if (s.max !== undefined) assert.ok(v.length <= s.max, path);
        v.forEach((x, i) => check(m, s.member, x, `${path}[${i}]`));
        break;
      case "map":
        for (const [k, x] of Object.entries(v)) {
          check(m, s.key, k, `${path}.${k}`);
          check(m, s.value, x, `${path}.${k}`);
        }
        break;
      case "boolean":
        assert.equal(typeof v, "boolean");
        break;
      case "timestamp":
        assert.equal(typeof v, "number");
        break;
    }
  };
  for (const [name, ex] of Object.entries(examples)) {
    const m = svc[ex.service];
    const op = m.operations[name];
    check(m, op.input, ex.full, name);
    check(m, op.input, ex.minimal, name);
    // The JSON part of the output: a payload output has none.
    const output = op.output && m.shapes[op.output];
    if (output?.payload) assert.deepEqual(ex.output, {}, name);
    else if (op.output) check(m, op.output, ex.output, name);
    assert.ok(Object.keys(ex.minimal).length <= Object.keys(ex.full).length);
  }
});

test("TypeScript declarations type-check and describe the model", async () => {
  const ts = generated["npm/model.d.ts"];
  assert.ok(ts);
  for (const { className, model } of services) {
    assert.match(ts, new RegExp(`export declare class ${className} \\{`), className);
    for (const [name, o] of Object.entries(model.operations)) {
      assert.match(ts, new RegExp(`export interface ${o.input ?? `${name}Input`} \\{`), name);
      assert.match(ts, new RegExp(`export interface ${o.output ?? `${name}Output`} \\{`), name);
      assert.match(ts, new RegExp(`export type ${name}ErrorName = `), name);
      assert.match(ts, new RegExp(`  ${name[0].toLowerCase()}${name.slice(1)}\\(input: `), name);
    }
  }
  // Payloads: a clip is read whole, media comes as a stream; ContentType from the header.
  assert.match(ts, /export interface GetClipOutput \{\n  ContentType\?: string;\n  Payload\?: Uint8Array;\n\}/);
  assert.match(ts, /export interface GetMediaOutput \{\n  ContentType\?: string;\n  Payload\?: ReadableStream<Uint8Array>;\n\}/);
  assert.match(ts, /export type KinesisVideoErrorName =[^;]*"ResourceNotFoundException"[^;]*"ValidationError";/);
  assert.match(ts, /export interface CreateStreamInput \{\n  DeviceName\?: string;\n  StreamName: string;/);
  assert.match(ts, /ChannelType\?: ChannelType \| \(string & \{\}\);/);
  assert.match(ts, /CreationTime\?: Date;/);
  assert.match(ts, /Tags\?: Record<string, string>;/);

  const tsc = createRequire(import.meta.url)("typescript");
  const dir = mkdtempSync(join(tmpdir(), "kvs-model-ts-"));
  try {
    const usage = `
import type * as M from "./model";
const a: M.CreateStreamInput = { StreamName: "s", Tags: { k: "v" }, StreamStorageConfiguration: { DefaultStorageTier: "HOT" } };
const b: M.DescribeStreamOutput = { StreamInfo: { Status: "SOMETHING_NEW", CreationTime: new Date() } };
const c: M.StartEdgeConfigurationUpdateInput = { StreamName: "s", EdgeConfig: { HubDeviceArn: "x", RecorderConfig: { MediaSourceConfig: { MediaUriSecretArn: "a", MediaUriType: "RTSP_URI" } } } };
const d: M.ImageGenerationConfiguration = { Status: "ENABLED", ImageSelectorType: "SERVER_TIMESTAMP", DestinationConfig: { Uri: "u", DestinationRegion: "us-west-2" }, SamplingInterval: 3000, Format: "JPEG", FormatConfig: { JPEGQuality: "80" } };
const e: M.KinesisVideoErrorName = "ValidationError";
const f: M.DescribeStreamErrorName = "ResourceNotFoundException";
// @ts-expect-error unknown enum values are rejected in inputs
const g: M.StreamStorageConfiguration = { DefaultStorageTier: "COLD" };
// @ts-expect-error required members are required in inputs
const h: M.CreateStreamInput = {};
const i: M.GetIceServerConfigRequest = { ChannelARN: "arn", Service: "TURN" };
const j: M.ListFragmentsInput = { StreamName: "s", FragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: new Date(), EndTimestamp: 1 } } };
declare const client: M.KinesisVideoArchivedMediaClient;
const k: Promise<M.GetClipOutput> = client.getClip({ StreamName: "s", ClipFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: { StartTimestamp: 1, EndTimestamp: 2 } } });
// @ts-expect-error an operation of another service
client.describeStream({ StreamName: "s" });
export { a, b, c, d, e, f, g, h, i, j, k };
`;
    // Names the generated file imports from the hand-written declarations.
    const index = [
      "export interface CallOptions { abortSignal?: unknown }",
      "export interface MetadataBearer { $metadata: unknown }",
      "export interface KinesisVideoClientConfig { region: string }",
      "export interface DataPlaneClientConfig { region: string; endpoint: string }",
      "export interface KinesisVideoClientExtras { connectSignaling(): void }",
    ].join("\n");
    writeFileSync(join(dir, "index.d.ts"), index);
    writeFileSync(join(dir, "model.d.ts"), ts);
    writeFileSync(join(dir, "usage.ts"), usage);
    const program = tsc.createProgram([join(dir, "model.d.ts"), join(dir, "usage.ts")], {
      strict: true,
      noEmit: true,
      target: tsc.ScriptTarget.ES2020,
      module: tsc.ModuleKind.ESNext,
      moduleResolution: tsc.ModuleResolutionKind.Bundler,
      lib: ["lib.es2020.d.ts", "lib.dom.d.ts", "lib.esnext.disposable.d.ts"],
      types: [],
    });
    const diags = tsc.getPreEmitDiagnostics(program);
    const msgs = diags.map((d) => tsc.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(msgs, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
