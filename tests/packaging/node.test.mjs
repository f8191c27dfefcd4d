// The packed tarball, installed into a fresh folder, used from Node by package name: ESM import
// and CommonJS require with a signed call against the local endpoint, the tarball's contents, and
// which entry each runtime's conditions resolve to.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { build } from "esbuild";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { installPacked, NAME } from "./support/package.mjs";

const run = promisify(execFile);
const TIMEOUT = 60_000;

// Creates a stream and lists it: the program prints one JSON line.
const PROGRAM = (load) => `${load}
const [endpoint, accessKeyId, secretAccessKey, name] = process.argv.slice(2);
(async () => {
  await init(); // already initialized by the Node entry: resolves at once
  const client = new KinesisVideoClient({ region: "us-east-1", endpoint, credentials: { accessKeyId, secretAccessKey } });
  const created = await client.createStream({ StreamName: name, DataRetentionInHours: 1 });
  const listed = await client.listStreams({});
  const info = (await client.describeStream({ StreamName: name })).StreamInfo;
  console.log(JSON.stringify({
    arn: created.StreamARN,
    status: created.$metadata.httpStatusCode,
    names: listed.StreamInfoList.map((s) => s.StreamName),
    created: info.CreationTime instanceof Date,
    presigned: presignUrl({ url: endpoint + "/x" }, { credentials: { accessKeyId, secretAccessKey }, region: "us-east-1", service: "kinesisvideo" }).includes("X-Amz-Signature="),
  }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe("package in Node", { timeout: 4 * TIMEOUT }, () => {
  let project, kvs;
  before(async () => {
    [project, kvs] = await Promise.all([installPacked(), startLocalEndpoint({ activationDelayMs: 0 })]);
  }, { timeout: TIMEOUT });
  after(async () => {
    await kvs?.close();
    await project?.cleanup();
  });

  async function runProgram(file, source, name) {
    await writeFile(join(project.dir, file), source);
    const { stdout, stderr } = await run(process.execPath, [file, kvs.url, kvs.accessKeyId, kvs.secretAccessKey, name], {
      cwd: project.dir,
      timeout: 20_000,
    });
    return { result: JSON.parse(stdout.trim()), stderr };
  }

  test("tarball holds exactly the files package.json lists, and every export target", { timeout: TIMEOUT }, async () => {
    const manifest = JSON.parse(await readFile(join(project.packageDir, "package.json"), "utf8"));
    assert.deepEqual(project.files, [...manifest.files, "package.json"].sort());
    for (const key of ["name", "version", "license", "types", "files", "sideEffects", "repository", "keywords"]) {
      assert.ok(manifest[key], `package.json has ${key}`);
    }
    const targets = JSON.stringify(manifest.exports).match(/"\.\/[^"]+"/g).map((t) => t.slice(3, -1));
    for (const target of targets.filter((t) => t.includes("."))) {
      assert.ok(project.files.includes(target), `export target ${target} is in the tarball`);
    }
    for (const entry of manifest.sideEffects) assert.ok(project.files.includes(entry.slice(2)), entry);
  });

  test("ESM: import by package name, no init call, signed calls against the local endpoint", { timeout: TIMEOUT }, async () => {
    const { result, stderr } = await runProgram(
      "esm.mjs",
      PROGRAM(`import init, { KinesisVideoClient, presignUrl } from "${NAME}";`),
      "esm-stream",
    );
    assert.match(result.arn, /^arn:aws:kinesisvideo:us-east-1:\d{12}:stream\/esm-stream\/\d+$/);
    assert.equal(result.status, 200);
    assert.ok(result.names.includes("esm-stream"));
    assert.equal(result.created, true);
    assert.equal(result.presigned, true);
    assert.equal(stderr, "");
  });

  test("CommonJS: require by package name (require(esm) of the Node entry)", { timeout: TIMEOUT }, async (t) => {
    if (!process.features?.require_module) return t.skip("this Node has no require(esm) (needs 20.19+ or 22.12+)");
    const { result, stderr } = await runProgram(
      "cjs.cjs",
      PROGRAM(`const { default: init, KinesisVideoClient, presignUrl } = require("${NAME}");`),
      "cjs-stream",
    );
    assert.match(result.arn, /:stream\/cjs-stream\//);
    assert.ok(result.names.includes("cjs-stream") && result.names.includes("esm-stream"));
    assert.equal(stderr, "", "no warning printed");
  });

  test("Node resolves the package name to node.js, and ./web to web.js", { timeout: TIMEOUT }, async () => {
    const script = `console.log(JSON.stringify([import.meta.resolve("${NAME}"), import.meta.resolve("${NAME}/web"), import.meta.resolve("${NAME}/package.json")]))`;
    await writeFile(join(project.dir, "resolve.mjs"), script);
    const { stdout } = await run(process.execPath, ["resolve.mjs"], { cwd: project.dir, timeout: 20_000 });
    const [main, web, manifest] = JSON.parse(stdout);
    assert.match(main, /\/node_modules\/kinesis-video-wasm\/node\.js$/);
    assert.match(web, /\/node_modules\/kinesis-video-wasm\/web\.js$/);
    assert.match(manifest, /\/package\.json$/);
  });

  // The conditions each toolchain passes when resolving a package (esbuild applies `exports`
  // exactly like Node, so one resolver checks them all).
  const RUNTIMES = [
    ["Node (esbuild --platform=node)", { platform: "node" }, "node.js"],
    ["bundled browser app (Vite, esbuild --platform=browser)", { platform: "browser" }, "browser.js"],
    ["wrangler / workerd", { platform: "neutral", conditions: ["workerd", "worker", "browser"] }, "workerd.js"],
    ["a host that only sets `worker`", { platform: "neutral", conditions: ["worker"] }, "workerd.js"],
    ["no condition (default)", { platform: "neutral", conditions: [] }, "browser.js"],
  ];
  for (const [what, options, entry] of RUNTIMES) {
    test(`exports: ${what} → ${entry}`, { timeout: TIMEOUT }, async () => {
      const { metafile } = await build({
        stdin: { contents: `import "${NAME}";`, resolveDir: project.dir, loader: "js" },
        bundle: true,
        write: false,
        metafile: true,
        format: "esm",
        external: ["*.wasm", "node:*"],
        logLevel: "silent",
        ...options,
      });
      const entries = Object.keys(metafile.inputs)
        .filter((p) => p.includes(`node_modules/${NAME}/`))
        .map((p) => p.split(`node_modules/${NAME}/`)[1]);
      const roots = entries.filter((f) => ["node.js", "browser.js", "workerd.js", "web.js"].includes(f));
      assert.deepEqual(roots, [entry]);
    });
  }
});
