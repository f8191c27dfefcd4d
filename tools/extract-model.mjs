// Reduces the botocore service models of the services in model/services.json to the facts the project
// needs (names, shapes, limits, errors, where members go on the wire), without documentation text. The
// output in model/ is committed so builds never need the originals.
// Usage: node tools/extract-model.mjs [botocore data dir ...]
//   Each service is read from the first dir that has it: by default the reference models beside the
//   project, then the data of the botocore Python package `make setup` installs (for the media services).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { join, dirname } from "node:path";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dirs = process.argv.length > 2 ? process.argv.slice(2) : [join(root, "..", "shared", "reference", "botocore"), botocoreData()];
const { services } = JSON.parse(readFileSync(join(root, "model", "services.json"), "utf8"));

function botocoreData() {
  try {
    const py = "import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))";
    return execFileSync("python3", ["-c", py], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

/** A botocore JSON file of `svc`, plain or gzipped, from the first dir that has it. */
function botocoreFile(svc, name, required = true) {
  for (const dir of dirs) {
    for (const [file, read] of [
      [join(dir, svc.botocore, name), (f) => readFileSync(f, "utf8")],
      [join(dir, svc.botocore, name + ".gz"), (f) => gunzipSync(readFileSync(f)).toString("utf8")],
    ]) {
      if (dir && existsSync(file)) return JSON.parse(read(file));
    }
  }
  if (required) throw new Error(`${svc.botocore}/${name} is in none of: ${dirs.join(", ")}`);
  return null;
}

const KEEP_SHAPE = ["type", "required", "min", "max", "pattern", "enum", "sensitive", "exception", "error", "payload", "streaming"];
/** What a member says besides its shape: where it goes on the wire. */
const KEEP_MEMBER = ["location", "locationName"];

function reduceShape(s) {
  const out = {};
  for (const k of KEEP_SHAPE) if (s[k] !== undefined) out[k] = s[k];
  if (out.error) out.error = { httpStatusCode: s.error.httpStatusCode, senderFault: s.error.senderFault };
  if (s.members) {
    out.members = {};
    for (const [name, m] of Object.entries(s.members)) {
      const traits = KEEP_MEMBER.filter((k) => m[k] !== undefined);
      // A plain member is its shape's name; one bound elsewhere than the body carries its binding.
      out.members[name] = traits.length ? { shape: m.shape, ...Object.fromEntries(traits.map((k) => [k, m[k]])) } : m.shape;
    }
  }
  if (s.member) out.member = s.member.shape;
  if (s.key) out.key = s.key.shape;
  if (s.value) out.value = s.value.shape;
  return out;
}

for (const svc of services) {
  const m = botocoreFile(svc, "service-2.json");
  const paginators = botocoreFile(svc, "paginators-1.json", false)?.pagination ?? {};
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
  writeFileSync(join(root, "model", svc.model), JSON.stringify(doc, null, 1) + "\n");
  console.log(`model/${svc.model}: ${Object.keys(operations).length} operations, ${Object.keys(shapes).length} shapes`);
}
