// The package's one set of declarations under `tsc --strict --noEmit`, resolved through the
// `exports` map of the installed tarball with both `bundler` and `node16` module resolution: a
// consumer calling every operation compiles; a consumer with a wrong member name, a wrong enum
// literal and a missing required member fails with exactly those three errors.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { projectOperations, SERVICES } from "../support/models.mjs";
import { installPacked, ROOT } from "./support/package.mjs";

const TIMEOUT = 90_000;
const TYPES = fileURLToPath(new URL("./types/", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** Runs tsc in `cwd`; resolves with { code, output } whatever the exit status. */
function tsc(cwd, args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [TSC, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? error.code : 0, output: stdout + stderr });
    });
  });
}

describe("TypeScript consumers of the package", { timeout: 4 * TIMEOUT, concurrency: true }, () => {
  let project;
  before(async () => {
    project = await installPacked();
    for (const file of ["consumer.ts", "invalid-consumer.ts", "tsconfig.json", "tsconfig.invalid.json"]) await copyFile(join(TYPES, file), join(project.dir, file));
  }, { timeout: TIMEOUT });
  after(() => project?.cleanup());

  test("the consumer of every operation compiles (moduleResolution bundler)", { timeout: TIMEOUT }, async () => {
    const { code, output } = await tsc(project.dir, ["-p", "tsconfig.json"]);
    assert.equal(output, "");
    assert.equal(code, 0);
  });

  test("the consumer of every operation compiles (moduleResolution node16, ESM)", { timeout: TIMEOUT }, async () => {
    const { code, output } = await tsc(project.dir, ["-p", "tsconfig.json", "--module", "node16", "--moduleResolution", "node16"]);
    assert.equal(output, "");
    assert.equal(code, 0);
  });

  test("the consumer calls every operation of every service in the registry", async () => {
    const source = await readFile(join(TYPES, "consumer.ts"), "utf8");
    const shipped = [...(await readFile(join(project.packageDir, "operations.js"), "utf8")).matchAll(/\["(\w+)",\s*"(\w+)"\]/g)].map((m) => `${m[1]}.${m[2]}`);
    const modeled = SERVICES.flatMap((service) => projectOperations(service.id).map((op) => `${service.id}.${op[0].toLowerCase()}${op.slice(1)}`));
    assert.deepEqual(shipped.toSorted(), modeled.toSorted(), "the package ships a method for each operation of the models");
    for (const op of shipped) assert.match(source, new RegExp(`\\b\\w+\\.${op.split(".")[1]}\\(`), `consumer.ts calls ${op}`);
  });

  test("wrong member name, wrong enum literal, missing required member, a wrong role, a field the event lacks: each reported", { timeout: TIMEOUT }, async () => {
    const file = "invalid-consumer.ts";
    const expected = (await readFile(join(TYPES, file), "utf8"))
      .split("\n")
      .flatMap((line, i) => [...line.matchAll(/expect (TS\d+)/g)].map((m) => `${i + 1} ${m[1]}`));
    assert.equal(expected.length, 5);
    const { code, output } = await tsc(project.dir, ["-p", "tsconfig.invalid.json"]);
    assert.notEqual(code, 0);
    const reported = [...output.matchAll(new RegExp(`^${file}\\((\\d+),\\d+\\): error (TS\\d+)`, "gm"))].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(reported.sort(), expected.sort(), output);
    assert.match(output, /'StreamNme' does not exist in type 'DescribeStreamInput'/);
    assert.match(output, /'"GET_HLS"' is not assignable to type 'APIName'/);
    assert.match(output, /Property 'CurrentVersion' is missing/);
    assert.match(output, /'"PEER"' is not assignable to type 'SignalingRole'/);
  });
});
