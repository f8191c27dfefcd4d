// Our requests for every operation of the media services (archived media, media, WebRTC storage)
// beside botocore's (the AWS SDK for Python, tests/node/support/botocore_client.py) for the same
// inputs, both captured by one loopback server: the same method and path, the same signed header
// names and values (but the date and signature), the same body, and both signatures verified
// independently (support/client-capture-server.mjs, as for the AWS SDK differential test).
//
// The inputs are the generated examples (full and minimal) with whole-second timestamps: botocore
// sends timestamps in whole seconds by default, where ours keeps milliseconds as the AWS SDK for
// JavaScript does. The body is compared as botocore's JSON rewritten without the spaces its
// `json.dumps` puts after `,` and `:`: ours is written as `JSON.stringify` writes it (also the AWS
// SDK for JavaScript's form); members, their order, strings and numbers must be the same.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as pkg from "../../pkg/node.js";
import { projectOperations, SERVICES } from "../support/models.mjs";
import { startCaptureServer, verifySigV4 } from "./support/client-capture-server.mjs";

const REGION = "us-west-2";
const CREDENTIALS = { accessKeyId: "AKIDBOTOCOREMEDIA000", secretAccessKey: "botocore-media-secret" };
const read = (rel) => JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), "utf8"));
const EXAMPLES = read("../model/examples.json");
/** botocore's name of each media service (its data directory). */
const BOTOCORE = Object.fromEntries(SERVICES.map((s) => [s.id, s.botocore.split("/")[0]]));
const MEDIA = ["ArchivedMedia", "Media", "WebRTCStorage"];

let server;
before(async () => {
  server = await startCaptureServer();
  server.setReply({ status: 200, body: "{}" });
});
after(() => server.close());

/** `value` with every number that is a timestamp's (the examples' 1705489836.421) made whole. */
const wholeSeconds = (value) =>
  JSON.parse(JSON.stringify(value), (_, v) => (typeof v === "number" && !Number.isInteger(v) ? Math.floor(v) : v));

/** JSON text without the spaces Python's json.dumps writes between tokens (strings untouched). */
const compact = (text) => JSON.stringify(JSON.parse(text));

const calls = [];
for (const [name, ex] of Object.entries(EXAMPLES)) {
  if (!MEDIA.includes(ex.service)) continue;
  for (const kind of ["full", "minimal"]) calls.push({ service: ex.service, operation: name, kind, params: wholeSeconds(ex[kind]) });
}

test("the examples cover every operation of the media services", () => {
  const operations = MEDIA.flatMap((id) => projectOperations(id));
  assert.deepEqual([...new Set(calls.map((c) => c.operation))].sort(), operations.sort());
});

test("every media operation: ours and botocore's requests are the same, and both signatures verify", { timeout: 60_000 }, async () => {
  // Ours.
  const clients = {
    ArchivedMedia: new pkg.KinesisVideoArchivedMediaClient({ region: REGION, credentials: CREDENTIALS, endpoint: server.url, maxAttempts: 1 }),
    Media: new pkg.KinesisVideoMediaClient({ region: REGION, credentials: CREDENTIALS, endpoint: server.url, maxAttempts: 1 }),
    WebRTCStorage: new pkg.KinesisVideoWebRTCStorageClient({ region: REGION, credentials: CREDENTIALS, endpoint: server.url, maxAttempts: 1 }),
  };
  server.take();
  for (const c of calls) {
    const method = c.operation[0].toLowerCase() + c.operation.slice(1);
    const out = await clients[c.service][method](c.params);
    if (out.Payload instanceof ReadableStream) await out.Payload.cancel();
  }
  const ours = server.take();
  // botocore's, in one process.
  const input = JSON.stringify({ endpoint: server.url, region: REGION, credentials: CREDENTIALS, calls: calls.map((c) => ({ service: BOTOCORE[c.service], operation: c.operation, params: c.params })) });
  const script = fileURLToPath(new URL("./support/botocore_client.py", import.meta.url));
  // Asynchronously: the capture server answers botocore from this process meanwhile.
  const child = spawn("python3", [script], { stdio: ["pipe", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stdin.end(input);
  assert.equal(await new Promise((r) => child.on("close", r)), 0, "botocore_client.py failed");
  const results = stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(results.filter((r) => r.error && !/StreamingBody|Unable to parse|JSON/.test(r.error)).map((r) => r.error), []);
  const theirs = server.take();
  assert.equal(ours.length, calls.length);
  assert.equal(theirs.length, calls.length);

  calls.forEach((c, i) => {
    const [a, b] = [ours[i], theirs[i]];
    const what = `${c.operation} (${c.kind})`;
    assert.equal(a.method, b.method, what);
    assert.equal(a.url, b.url, `${what}: the path`);
    for (const [who, r] of [["ours", a], ["botocore's", b]]) {
      const check = verifySigV4(r, CREDENTIALS.secretAccessKey);
      assert.ok(check.ok, `${what}: ${who} signature: ${check.reason}`);
      assert.equal(check.auth.scope.split("/").slice(1).join("/"), `${REGION}/kinesisvideo/aws4_request`, what);
    }
    // The headers both sign, with the same values (the date and signature aside).
    const signed = (r) => verifySigV4(r, CREDENTIALS.secretAccessKey).auth.signedHeaders.filter((h) => h !== "x-amz-date");
    const common = signed(a).filter((h) => signed(b).includes(h));
    assert.deepEqual(common.sort(), ["content-type", "host"], `${what}: ${signed(a)} / ${signed(b)}`);
    for (const h of common) assert.equal(a.headers[h], b.headers[h], `${what}: ${h}`);
    assert.equal(a.body, compact(b.body), `${what}: the body`);
  });
});
