// SignalingSession on workerd (Miniflare on loopback), with workerd's own WebSocket: a Worker is the
// master of a channel of the local endpoint and answers a viewer in Node (npm `ws`). The package is
// installed from the packed tarball and bundled as wrangler does (workerd/worker/browser conditions).
import { strict as assert } from "node:assert";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { bundleWorker, installPacked, ROOT } from "./support/package.mjs";

const TIMEOUT = 60_000;
const REGION = "us-east-1";
let project, kvs, mf, base, pkg;

before(async () => {
  [project, kvs] = await Promise.all([installPacked(), startLocalEndpoint({ activationDelayMs: 0 })]);
  const out = join(project.dir, "session-worker");
  await copyFile(join(ROOT, "tests", "packaging", "workers", "signaling-master.js"), join(project.dir, "signaling-master.js"));
  await bundleWorker(project, "signaling-master.js", out);
  mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: true,
    scriptPath: join(out, "worker.js"),
    modulesRoot: out,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-05-03",
    bindings: { AWS_REGION: REGION, KVS_ENDPOINT: kvs.url, AWS_ACCESS_KEY_ID: kvs.accessKeyId, AWS_SECRET_ACCESS_KEY: kvs.secretAccessKey },
  });
  base = await mf.ready;
  pkg = await import(join(project.packageDir, "node.js"));
}, { timeout: TIMEOUT });

after(async () => {
  await mf?.dispose();
  await kvs?.close();
  await project?.cleanup();
});

test("a Worker's SignalingSession (workerd's WebSocket) answers a viewer in Node", { timeout: TIMEOUT }, async () => {
  const client = new pkg.KinesisVideoClient({ region: REGION, endpoint: kvs.url, credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey } });
  await client.createSignalingChannel({ ChannelName: "worker-master" });
  const viewer = new pkg.SignalingSession({ client, channelName: "worker-master", role: "VIEWER", clientId: "node-viewer", webSocket: WebSocket });
  const answer = new Promise((resolve) => viewer.addEventListener("sdpAnswer", (e) => resolve(e.description)));
  await viewer.open();
  // Held by the service until a master connects: the Worker.
  viewer.sendSdpOffer({ type: "offer", sdp: "v=0 from node ✓" });
  const res = await fetch(new URL("/?channel=worker-master", base));
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.deepEqual(body, { viewer: "node-viewer", answered: true });
  assert.deepEqual(await answer, { type: "answer", sdp: "answer from workerd to: v=0 from node ✓" });
  viewer.close();
});
