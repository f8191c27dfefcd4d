// The README's two WebRTC examples ("WebRTC: a viewer or a master in a dozen lines") run as written
// in headless Chromium with a fake camera, inside a network namespace of their own, against the
// local endpoint: readme-examples.mjs runs them (through run.sh) and this checks what happened.
// Needs root and unshare; without them the test fails, it does not skip.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runInNamespace } from "./namespace.mjs";
import { exampleBlock } from "./readme.mjs";
import { assertPlays, describePlayback } from "./video-checks.mjs";

const TAG = "WEBRTC_README_RESULT";

test("the README's viewer and master examples run as written: the master sees the viewer, the viewer plays the master's camera, and the data channel echoes", { timeout: 90000 }, async (t) => {
  const run = await runInNamespace("readme-examples.mjs", TAG);
  const r = run.result;
  for (const step of run.steps) t.diagnostic(step);
  assert.ok(r, `no ${TAG} line (run.sh exit ${run.code}, ${run.seconds} s):\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-4000)}`);
  const log = (r.pageLog ?? []).map((l) => `${l.page} ${l.kind}: ${l.text}`).join("\n");
  assert.equal(r.error, undefined, `the examples did not run: ${r.error}\n${log}`);
  assert.equal(run.code, 0, `run.sh exit ${run.code}:\n${run.stderr.slice(-2000)}`);

  // What ran is the README's code: undo the page's prelude and the three substitutions and the
  // README's blocks come back, character for character.
  const prelude = /^import init from "\/pkg\/web\.js";\nawait init\(\);\n/;
  const undo = (code) =>
    code
      .replace(prelude, "")
      .replace(/^const credentials = \{"accessKeyId":"[^"]+","secretAccessKey":"[^"]+"\};\n/, "")
      .replaceAll('from "/pkg/web.js"', 'from "kinesis-video-wasm"')
      .replace(/new KinesisVideoClient\(\{ endpoint: "http:\/\/127\.0\.0\.1:\d+",/, "new KinesisVideoClient({")
      .replace(/fromCognitoIdentityPool\(\{ endpoint: "http:\/\/127\.0\.0\.1:\d+\/",/, "fromCognitoIdentityPool({")
      .replace(/\n$/, "");
  assert.match(r.code.master, prelude);
  assert.match(r.code.viewer, prelude);
  assert.equal(undo(r.code.master), exampleBlock("master"), "the master page ran something else than the README's master example");
  assert.equal(undo(r.code.viewer), exampleBlock("viewer"), "the viewer page ran something else than the README's viewer example");

  // Nothing went wrong in either page.
  const bad = (r.pageLog ?? []).filter((l) => l.kind === "pageerror" || l.kind === "console.error" || l.kind === "requestfailed");
  assert.deepEqual(bad, [], "errors in the examples' pages");

  // The viewer's credentials came from the Cognito identity pool, at the local endpoint.
  const targets = r.cognitoCalls.map((c) => c.target);
  assert.ok(targets.includes("AWSCognitoIdentityService.GetId"), `no GetId call: ${JSON.stringify(r.cognitoCalls)}`);
  assert.ok(targets.includes("AWSCognitoIdentityService.GetCredentialsForIdentity"), `no GetCredentialsForIdentity call: ${JSON.stringify(r.cognitoCalls)}`);
  for (const c of r.cognitoCalls) assert.match(c.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, "a Cognito call went elsewhere than the local endpoint");
  assert.equal(r.signalingConnects.viewer.length, 1, "the viewer example connected to signaling once");
  assert.ok(r.signalingConnects.viewer[0].query.includes("X-Amz-Security-Token"), "the viewer's signaling URL carries no session token (not Cognito's credentials)");
  assert.equal(r.signalingConnects.master.length, 1, "the master example connected to signaling once");
  assert.ok(!r.signalingConnects.master[0].query.includes("X-Amz-Security-Token"), "the master signed with something else than the static key");

  // The master example saw the viewer: it logged the id the viewer connected with.
  const joined = /^viewer ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) joined$/.exec(r.masterLogged ?? "");
  assert.ok(joined, `the master example logged ${JSON.stringify(r.masterLogged)}`);
  const viewers = r.connections.filter((c) => c.role === "VIEWER");
  assert.deepEqual(viewers.map((c) => c.clientId), [joined[1]], "the viewer the master saw is the one connected to the channel");
  assert.equal(r.connections.filter((c) => c.role === "MASTER").length, 1, "one master connected");

  // The data channel round trip, and the master's camera in the viewer's <video>.
  assert.equal(r.viewerLogged, "master says echo: hello from the viewer");
  assertPlays(r.media, "the viewer example's <video>");

  t.diagnostic(`video: ${describePlayback(r.media)}`);
  t.diagnostic(`in-namespace run ${r.seconds.toFixed(2)} s (${Object.entries(r.timings).map(([k, ms]) => `${k}: ${ms} ms`).join("; ")}); run.sh ${run.seconds.toFixed(2)} s`);
});
