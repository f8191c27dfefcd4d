// The package's download, as a browser app ships it: the .wasm plus the package's JS bundled and
// minified by esbuild, gzip -9. Three budgets, so that growth is a decision, not an accident:
// - the clients of every service, the signer, connectSignaling and dataEndpointClient (an app that
//   imports none of the WebRTC helpers): 51,500 B (it was 47,821 B before the media services, whose
//   tables and payload handling added about 3 KB);
// - what SignalingSession, connectViewer/connectMaster and fromCognitoIdentityPool add: under 5 KB
//   (5,120 B: the README counts KB as 1,024 bytes);
// - everything: below what a browser app ships with the AWS SDK v3 kinesis-video, -signaling and
//   -archived-media clients plus the KVS WebRTC SDK (74,191 B, measured here with esbuild).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { browserBundle, wholePackage } from "../support/browser-bundle.mjs";

const CLIENT_BUDGET = 51_500;
const WEBRTC_HELPERS_BUDGET = 5 * 1024;
const AWS_SDKS_WITH_WEBRTC_SDK = 74_191;
const pkg = fileURLToPath(new URL("../../pkg/", import.meta.url));
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** The names an app without the WebRTC helpers imports: every other export. */
const WEBRTC_HELPERS = ["SignalingSession", "SignalingEvent", "filterSdpCodecs", "connectViewer", "connectMaster", "fromCognitoIdentityPool"];

test("the package, as a browser app ships it, stays within its budgets", async () => {
  const api = await import(`${pkg}web.js`);
  const clientNames = Object.keys(api).filter((n) => n !== "default" && !WEBRTC_HELPERS.includes(n));
  for (const n of WEBRTC_HELPERS) assert.ok(n in api, `${n} is exported`);
  const web = JSON.stringify(`${pkg}web.js`);
  const clientJs = gz(await browserBundle(`export { default, ${clientNames.join(", ")} } from ${web};`, pkg));
  const allJs = gz(await wholePackage(pkg));
  const wasm = gz(readFileSync(`${pkg}kinesis_video_wasm_bg.wasm`));
  const client = wasm + clientJs;
  const all = wasm + allJs;
  console.log(`client: wasm ${wasm} B + JS ${clientJs} B = ${client} B gzip (budget ${CLIENT_BUDGET})`);
  console.log(`WebRTC helpers: ${allJs - clientJs} B more (budget ${WEBRTC_HELPERS_BUDGET})`);
  console.log(`everything: ${all} B gzip (${((all / AWS_SDKS_WITH_WEBRTC_SDK) * 100).toFixed(1)}% of the AWS SDKs with the KVS WebRTC SDK)`);
  assert.ok(client <= CLIENT_BUDGET, `the client is ${client} B, over ${CLIENT_BUDGET} B`);
  assert.ok(allJs - clientJs < WEBRTC_HELPERS_BUDGET, `the WebRTC helpers add ${allJs - clientJs} B`);
  assert.ok(all < AWS_SDKS_WITH_WEBRTC_SDK, `${all} B is not below ${AWS_SDKS_WITH_WEBRTC_SDK} B`);
});
