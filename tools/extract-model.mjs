// Reduces the botocore service models to the facts the project needs (names, shapes, limits, errors),
// without documentation text. The output in model/ is committed so builds never need the originals.
// Usage: node tools/extract-model.mjs [path-to-botocore-dir]
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, dirname } from "node:path";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const botocore = process.argv[2] ?? join(root, "..", "shared", "reference", "botocore");

const services = [
  { dir: "kinesisvideo/2017-09-30", out: "kinesisvideo.json" },
  { dir: "kinesis-video-signaling/2019-12-04", out: "kinesis-video-signaling.json" },
];

const KEEP_SHAPE = ["type", "required", "min", "max", "pattern", "enum", "sensitive", "exception", "error"];

function reduceShape(s) {
  const out = {};
  for (const k of KEEP_SHAPE) if (s[k] !== undefined) out[k] = s[k];
  if (out.error) out.error = { httpStatusCode: s.error.httpStatusCode, senderFault: s.error.senderFault };
  if (s.members) {
    out.members = {};
    for (const [name, m] of Object.entries(s.members)) out.members[name] = m.shape;
  }
  if (s.member) out.member = s.member.shape;
  if (s.key) out.key = s.key.shape;
  if (s.value) out.value = s.value.shape;
  return out;
}

for (const svc of services) {
  const m = JSON.parse(readFileSync(join(botocore, svc.dir, "service-2.json"), "utf8"));
  let paginators = {};
  try {
    paginators = JSON.parse(readFileSync(join(botocore, svc.dir, "paginators-1.json"), "utf8")).pagination;
  } catch {}
  const operations = {};
  for (const [name, op] of Object.entries(m.operations)) {
    operations[name] = {
      method: op.http.method,
      requestUri: op.http.requestUri,
      input: op.input?.shape ?? null,
      output: op.output?.shape ?? null,
      errors: (op.errors ?? []).map((e) => e.shape),
    };
  }
  const shapes = {};
  for (const name of Object.keys(m.shapes).sort()) shapes[name] = reduceShape(m.shapes[name]);
  const meta = m.metadata;
  const doc = {
    metadata: {
      apiVersion: meta.apiVersion, endpointPrefix: meta.endpointPrefix, protocol: meta.protocol,
      serviceId: meta.serviceId, signingName: meta.signingName ?? meta.endpointPrefix,
    },
    operations, shapes, paginators,
  };
  writeFileSync(join(root, "model", svc.out), JSON.stringify(doc, null, 1) + "\n");
  console.log(`model/${svc.out}: ${Object.keys(operations).length} operations, ${Object.keys(shapes).length} shapes`);
}
