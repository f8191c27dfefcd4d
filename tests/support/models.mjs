// The service registry and models for tests that count or list operations, so no test hard-codes how
// many operations a service has: the project's models (model/*.json, reduced by tools/extract-model)
// and, as an independent source, botocore's full models where extract-model reads them: the reference
// copy beside the project when there is one, else the Python package `make setup` installs.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const MODEL_DIR = fileURLToPath(new URL("../../model/", import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

/** model/services.json's rows: { id, model, botocore, className, endpoint, ... }. */
export const SERVICES = readJson(join(MODEL_DIR, "services.json")).services;

/** The registry row of a service, by id ("KinesisVideo", "ArchivedMedia", ...). */
function serviceOf(id) {
  const service = SERVICES.find((s) => s.id === id);
  if (!service) throw new Error(`no service ${id} in model/services.json`);
  return service;
}

/** The project's reduced model of a service, by registry id. */
export const projectModel = (id) => readJson(join(MODEL_DIR, serviceOf(id).model));

/** The operation names of a service in the project's model. */
export const projectOperations = (id) => Object.keys(projectModel(id).operations);

const REFERENCE_DIR = fileURLToPath(new URL("../../../shared/reference/botocore/", import.meta.url));
let packageDir;
const botocorePackage = () =>
  (packageDir ??= execFileSync("python3", ["-c", "import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))"], { encoding: "utf8" }).trim());

/** botocore's full service-2.json of a service (by registry id), plain or gzipped. */
export function botocoreModel(id) {
  const service = serviceOf(id);
  for (const dir of [REFERENCE_DIR, botocorePackage()]) {
    const file = join(dir, service.botocore, "service-2.json");
    if (existsSync(file)) return readJson(file);
    if (existsSync(`${file}.gz`)) return JSON.parse(gunzipSync(readFileSync(`${file}.gz`)).toString("utf8"));
  }
  throw new Error(`botocore has no model of ${service.botocore}`);
}
