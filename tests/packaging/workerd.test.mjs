// The Cloudflare Worker example (www/worker) run by workerd through Miniflare on loopback, with
// the package installed from the packed tarball and bundled the way wrangler does (conditions
// workerd/worker/browser, the .wasm kept as a CompiledWasm module, no Node compatibility flag).
// The Worker's wssUrl must be accepted by the local endpoint's WebSocket; bad parameters get 400.
import { strict as assert } from "node:assert";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { bundleWorker, installPacked, ROOT } from "./support/package.mjs";

const TIMEOUT = 60_000;
const REGION = "us-east-1";

/** Resolves with "open", or rejects with the refused upgrade's status. */
function openWebSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("WebSocket: no answer within 10 s"));
    }, 10_000);
    ws.on("open", () => {
      clearTimeout(timer);
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (req, res) => {
      clearTimeout(timer);
      req.destroy();
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
    });
    ws.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe("Cloudflare Worker example on workerd", { timeout: 3 * TIMEOUT }, () => {
  let project, kvs, mf, base, bundle, channelArn;
  before(async () => {
    [project, kvs] = await Promise.all([installPacked(), startLocalEndpoint({ activationDelayMs: 0 })]);
    const out = join(project.dir, "worker-dist");
    await cp(join(ROOT, "www", "worker", "src"), join(project.dir, "worker-src"), { recursive: true });
    bundle = await bundleWorker(project, "worker-src/index.js", out);
    const worker = (name, bindings) => ({
      name,
      modules: true,
      scriptPath: join(out, "worker.js"),
      modulesRoot: out,
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
      compatibilityDate: "2026-05-03",
      bindings: { AWS_REGION: REGION, KVS_ENDPOINT: kvs.url, ...bindings },
    });
    mf = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      workers: [
        worker("signaling", { AWS_ACCESS_KEY_ID: kvs.accessKeyId, AWS_SECRET_ACCESS_KEY: kvs.secretAccessKey }),
        worker("wrong-secret", { AWS_ACCESS_KEY_ID: kvs.accessKeyId, AWS_SECRET_ACCESS_KEY: "not-the-secret" }),
        worker("no-secrets", {}),
      ],
    });
    base = await mf.ready;
    // The channel, created from Node with the same package.
    const { KinesisVideoClient } = await import(join(project.packageDir, "node.js"));
    const client = new KinesisVideoClient({ region: REGION, endpoint: kvs.url, credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey } });
    ({ ChannelARN: channelArn } = await client.createSignalingChannel({ ChannelName: "front-door" }));
  }, { timeout: TIMEOUT });
  after(async () => {
    await mf?.dispose();
    await kvs?.close();
    await project?.cleanup();
  });

  const get = (query, path = "/signaling") => fetch(new URL(`${path}?${query}`, base));

  test("the bundle uses the workerd entry: wasm imported as a module, no Node built-ins", () => {
    assert.match(bundle, /^import \w+ from "\.\/kinesis_video_wasm_bg\.wasm";$/m);
    assert.doesNotMatch(bundle, /from "node:|require\(|readFileSync/);
  });

  test("viewer: wssUrl is accepted by the endpoint's WebSocket; iceServers returned", { timeout: TIMEOUT }, async () => {
    const res = await get("channel=front-door&role=VIEWER&clientId=viewer-1");
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get("content-type"), /^application\/json/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ["iceServers", "wssUrl"]);
    const wss = new URL(body.wssUrl);
    assert.equal(wss.origin, kvs.url.replace("http:", "ws:"));
    assert.match(wss.pathname, /^\/signaling\/v-[0-9a-f]{8}$/);
    assert.equal(wss.searchParams.get("X-Amz-ChannelARN"), channelArn);
    assert.equal(wss.searchParams.get("X-Amz-ClientId"), "viewer-1");
    assert.ok(Array.isArray(body.iceServers) && body.iceServers.length > 0);
    for (const server of body.iceServers) assert.ok(server.urls);
    assert.equal(await openWebSocket(body.wssUrl), "open");
    // The acceptance means something: the same URL with another signature is refused.
    wss.searchParams.set("X-Amz-Signature", "0".repeat(64));
    await assert.rejects(openWebSocket(wss.href), { status: 403 });
  });

  test("master: wssUrl is accepted", { timeout: TIMEOUT }, async () => {
    const res = await get("channel=front-door&role=MASTER");
    assert.equal(res.status, 200);
    const { wssUrl } = await res.json();
    assert.match(new URL(wssUrl).pathname, /^\/signaling\/m-[0-9a-f]{8}$/);
    assert.equal(await openWebSocket(wssUrl), "open");
  });

  const BAD = [
    ["missing channel", "role=VIEWER&clientId=v1", /^channel: required/],
    ["empty channel", "channel=&role=VIEWER&clientId=v1", /^channel: required/],
    ["bad characters in channel", "channel=front%20door&role=VIEWER&clientId=v1", /^channel:/],
    ["channel too long", `channel=${"a".repeat(257)}&role=VIEWER&clientId=v1`, /^channel:/],
    ["missing role", "channel=front-door&clientId=v1", /^role:/],
    ["bad role", "channel=front-door&role=viewer&clientId=v1", /^role:/],
    ["viewer without clientId", "channel=front-door&role=VIEWER", /^clientId: required/],
    ["master with clientId", "channel=front-door&role=MASTER&clientId=m1", /^clientId: not allowed/],
    ["bad characters in clientId", "channel=front-door&role=VIEWER&clientId=a/b", /^clientId:/],
    ["reserved clientId prefix", "channel=front-door&role=VIEWER&clientId=AWS_x", /^clientId:/],
    ["repeated parameter", "channel=front-door&channel=other&role=MASTER", /^channel: given more than once/],
  ];
  for (const [what, query, message] of BAD) {
    test(`400 with a JSON error: ${what}`, { timeout: TIMEOUT }, async () => {
      const res = await get(query);
      assert.equal(res.status, 400);
      assert.match(res.headers.get("content-type"), /^application\/json/);
      const body = await res.json();
      assert.equal(body.error, "BadRequest");
      assert.match(body.message, message);
    });
  }

  test("404 for other paths, 405 for other methods", { timeout: TIMEOUT }, async () => {
    const other = await get("channel=front-door&role=MASTER", "/other");
    assert.equal(other.status, 404);
    assert.equal((await other.json()).error, "NotFound");
    const post = await fetch(new URL("/signaling?channel=front-door&role=MASTER", base), { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET");
  });

  test("service errors become JSON errors: unknown channel 404, refused credentials 502, none 500", { timeout: TIMEOUT }, async () => {
    const missing = await get("channel=no-such-channel&role=MASTER");
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error, "ResourceNotFoundException");

    const refused = await mf.getWorker("wrong-secret").then((w) => w.fetch("http://worker/signaling?channel=front-door&role=MASTER"));
    assert.equal(refused.status, 502);
    const refusedBody = await refused.json();
    assert.equal(refusedBody.error, "InvalidSignatureException");
    assert.doesNotMatch(refusedBody.message, /signature|secret|credential/i, "the Worker's setup is not described to callers");

    const unconfigured = await mf.getWorker("no-secrets").then((w) => w.fetch("http://worker/signaling?channel=front-door&role=MASTER"));
    assert.equal(unconfigured.status, 500);
    assert.equal((await unconfigured.json()).error, "NotConfigured");
  });
});
