// The WebRTC end-to-end check, run by run.sh inside its own network namespace: the local endpoint,
// a static server for the two pages and pkg/, and headless Chromium all on loopback there. A master
// page and a viewer page each call connectSignaling, exchange SDP and ICE candidates through the
// endpoint's WebSocket relay and open a data channel; the viewer's message reaches the master and
// comes back. Prints one `WEBRTC_E2E_RESULT <json>` line and exits 0 on success.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { KinesisVideoClient, waitUntilSignalingChannelActive } from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { serveStatic } from "../support/loopback.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const REGION = "us-west-2";
const DEADLINE_MS = Number(process.env.KVS_WEBRTC_DEADLINE_MS ?? 45000);
const NAT_TRAVERSAL = process.env.KVS_WEBRTC_NAT ?? "STUN_TURN";
/** The address run.sh gives the namespace's veth; the only non-loopback address allowed. */
const NAMESPACE_ADDRESS = "10.77.0.1";

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(2)} s`;
const step = (text) => console.log(`[${elapsed()}] ${text}`);

const watchdog = setTimeout(() => {
  console.error(`WEBRTC_E2E_FAILED: not done within ${DEADLINE_MS} ms`);
  process.exit(1);
}, DEADLINE_MS);

/** Refuses to run where the machine's real interfaces are reachable. */
function checkIsolation() {
  const found = Object.entries(networkInterfaces()).flatMap(([name, list]) => list.map((a) => ({ name, address: a.address })));
  for (const { name, address } of found) {
    const allowed = (name === "lo" && (address === "127.0.0.1" || address === "::1")) || (name.startsWith("kvs") && (address === NAMESPACE_ADDRESS || address.startsWith("fe80:")));
    assert.ok(allowed, `interface ${name} ${address}: not the namespace run.sh makes (run this through run.sh)`);
  }
  assert.ok(found.some((a) => a.address === NAMESPACE_ADDRESS), `no interface with ${NAMESPACE_ADDRESS} (run this through run.sh)`);
}

/** The UDP sockets of this network namespace (IPv4 and IPv6): `{ address, port }`. */
function udpSockets() {
  const out = [];
  for (const file of ["/proc/net/udp", "/proc/net/udp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const [hexAddress, hexPort] = line.trim().split(/\s+/)[1].split(":");
      const bytes = Buffer.from(hexAddress, "hex");
      // The kernel prints each 32-bit word in host (little-endian) order.
      const words = [];
      for (let i = 0; i < bytes.length; i += 4) words.push(...bytes.subarray(i, i + 4).reverse());
      const address = words.length === 4 ? words.join(".") : words.slice(12).join(".") + (words.slice(0, 12).every((b, i) => b === (i >= 10 ? 255 : 0)) ? "" : " (v6)");
      out.push({ address, port: parseInt(hexPort, 16) });
    }
  }
  return out;
}

/** Packet counters of an interface of this namespace (/proc/net/dev is per namespace; /sys is not remounted). */
function counters(name) {
  const line = readFileSync("/proc/net/dev", "utf8").split("\n").find((l) => l.trim().startsWith(`${name}:`));
  if (!line) return null;
  const f = line.split(":")[1].trim().split(/\s+/).map(Number);
  return { rx: f[1], tx: f[9] };
}

let kvs, site, browser;
try {
  checkIsolation();
  step(`isolated: interfaces ${Object.keys(networkInterfaces()).join(", ")}`);
  kvs = await startLocalEndpoint({ port: 0, host: "127.0.0.1", activationDelayMs: 50 });
  site = await serveStatic({ "/pages/": join(here, "pages"), "/pkg/": join(repo, "pkg") });
  const credentials = { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey };

  const channelName = `webrtc-e2e-${Date.now()}`;
  const client = new KinesisVideoClient({ region: REGION, credentials, endpoint: kvs.url });
  const { ChannelARN } = await client.createSignalingChannel({ ChannelName: channelName });
  await waitUntilSignalingChannelActive(client, { ChannelARN }, { minDelay: 0.05, maxDelay: 0.2, maxWaitTime: 5 });
  step(`channel ${ChannelARN} ACTIVE; endpoint ${kvs.url}, pages ${site.url}`);

  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  step(`Chromium ${browser.version()}`);
  const context = await browser.newContext();
  const pageLog = [];
  const open = async (name) => {
    const page = await context.newPage();
    page.on("console", (m) => pageLog.push(`${name} console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => pageLog.push(`${name} error: ${e.message}`));
    page.on("requestfailed", (r) => pageLog.push(`${name} request failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(`${site.url}/pages/${name}.html`);
    await page.waitForFunction(() => window.pageReady === true, null, { timeout: 10000 });
    return page;
  };

  const config = { endpoint: kvs.url, region: REGION, credentials, channelName, natTraversal: NAT_TRAVERSAL };
  const master = await open("master");
  const masterReady = await master.evaluate((c) => window.run(c), config);
  step(`master connected to signaling (${masterReady.iceServers} ICE servers)`);

  const viewer = await open("viewer");
  const text = `hello from the viewer ${Math.random().toString(36).slice(2)}`;
  let result;
  try {
    result = await viewer.evaluate(([c, t]) => window.run(c, t), [{ ...config, clientId: "viewer-e2e" }, text]);
  } catch (e) {
    console.error(pageLog.join("\n"));
    throw e;
  }
  step("viewer got the echo");
  const masterState = await master.evaluate(async () => ({
    received: window.masterState.received,
    errors: window.masterState.errors,
    log: window.masterState.log,
    pairs: await window.masterState.pairs(),
  }));

  assert.equal(result.echo, `echo: ${text}`);
  assert.deepEqual(masterState.received, [{ from: "viewer-e2e", data: text }]);
  assert.deepEqual(masterState.errors, []);
  // ICE ran inside the namespace. Chromium names its host candidates with mDNS (`<uuid>.local`)
  // and hides their addresses from stats, so the UDP sockets of the selected pair are looked up
  // in this namespace's own socket table (/proc/net/udp is per namespace): both are there, bound
  // to 10.77.0.1 or to the wildcard address (Chromium binds 0.0.0.0 when it does not enumerate
  // adapters), and the namespace has no other address than 10.77.0.1 and loopback.
  assert.ok(result.pair, "no selected candidate pair");
  const masterPair = masterState.pairs["viewer-e2e"];
  assert.ok(masterPair, "the master has no selected pair");
  assert.equal(result.pair.local.port, masterPair.remote.port);
  assert.equal(result.pair.remote.port, masterPair.local.port);
  for (const line of [...result.candidates.local, ...result.candidates.remote]) {
    const address = line.split(" ")[4];
    assert.ok(address === NAMESPACE_ADDRESS || /^[0-9a-f-]+\.local$/.test(address), `a candidate off the namespace: ${line}`);
  }
  const sockets = udpSockets();
  const bound = [result.pair.local.port, masterPair.local.port].map((port) => ({ port, addresses: sockets.filter((s) => s.port === port).map((s) => s.address) }));
  for (const { port, addresses } of bound) {
    assert.ok(addresses.length > 0, `no UDP socket on port ${port} in this namespace`);
    for (const a of addresses) assert.ok(a === NAMESPACE_ADDRESS || a === "0.0.0.0", `UDP port ${port} is bound to ${a}`);
  }
  checkIsolation();
  await viewer.evaluate(() => window.closeViewer());
  // What connectSignaling returned for the local endpoint: its TURN entries only (no STUN of the service).
  if (NAT_TRAVERSAL === "DISABLED") assert.deepEqual(result.iceServers, []);
  else assert.ok(result.iceServers.length > 0 && result.iceServers.every((s) => [].concat(s.urls).every((u) => /^turns?:/.test(u))));

  console.log(
    "WEBRTC_E2E_RESULT " +
      JSON.stringify({
        ok: true,
        seconds: (Date.now() - started) / 1000,
        natTraversal: NAT_TRAVERSAL,
        iceServers: result.iceServers.length,
        sent: text,
        echo: result.echo,
        viewerPair: result.pair,
        sockets: bound,
        packets: Object.fromEntries(["lo", "kvs0", "kvs1"].map((n) => [n, counters(n)])),
        masterPairs: masterState.pairs,
        viewerLog: result.log,
        masterLog: masterState.log,
      }),
  );
} catch (e) {
  console.error(`WEBRTC_E2E_FAILED: ${e?.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  await site?.close();
  await kvs?.close();
  clearTimeout(watchdog);
}
