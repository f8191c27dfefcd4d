// Wire compatibility with the KVS WebRTC SDK for JS (amazon-kinesis-video-streams-webrtc), both
// ways, in headless Chromium with a fake camera inside a network namespace of its own: interop.mjs
// runs the two sessions once (through run.sh) and these tests check what it recorded. Needs root
// and unshare; without them the tests fail, they do not skip.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { checkAccepted, checkClientFrame, decodePayload, keyShapes, signalingFrames } from "./frames.mjs";
import { pageProblems, runInNamespace, sessionOf } from "./namespace.mjs";
import { assertPlays, describePlayback } from "./video-checks.mjs";

const TAG = "WEBRTC_INTEROP_RESULT";
let run;

before(async () => {
  run = await runInNamespace("interop.mjs", TAG);
}, { timeout: 90000 });

const session = (name) => sessionOf(run, TAG, name);
const problems = (label) => pageProblems(run, label);

function assertMediaAndData(t, s) {
  const { outcome } = s;
  assert.equal(outcome.echoTimedOut, false, `${s.label}: no echo within 20 s\n${problems(s.label)}`);
  assert.equal(outcome.echo, `echo: ${s.sent}`, `${s.label}: the echo`);
  assert.deepEqual(s.masterSide.state.received, [{ from: s.viewerClientId, data: s.sent }], `${s.label}: what the master received on the data channel`);
  assertPlays(outcome.media, s.label);
  assert.deepEqual(s.masterSide.state.errors, [], `${s.label}: the master's errors`);
  assert.deepEqual(s.viewerSide.state.errors, [], `${s.label}: the viewer's errors`);
  assert.equal(problems(s.label).split("\n").filter((l) => / pageerror: /.test(l)).join("\n"), "", `${s.label}: page errors`);
  const v = outcome.timings;
  t.diagnostic(`${s.label}: in the viewer's page, signaling open at ${v.signalingOpen} ms, track ${v.track} ms, connected ${v.connected} ms, echo ${v.echo} ms`);
  t.diagnostic(`${s.label}: video ${describePlayback(outcome.media)}`);
  t.diagnostic(`${s.label}: session ${s.seconds.toFixed(2)} s (${Object.entries(s.timings).map(([k, ms]) => `${k} ${ms} ms`).join(", ")})`);
}

test("1a. the KVS WebRTC SDK's SignalingClient as VIEWER with our connectMaster: the master's camera plays at the viewer, a data-channel message is echoed", { timeout: 90000 }, (t) => {
  const s = session("sdkViewer");
  assert.equal(s.master, "ourMaster");
  assert.equal(s.viewer, "sdkViewer");
  assertMediaAndData(t, s);
  t.diagnostic(`whole interop run (both sessions, Chromium start included): ${run.seconds.toFixed(2)} s`);
});

test("1b. our connectViewer with a master on the KVS WebRTC SDK's SignalingClient: the master's camera plays at the viewer, a data-channel message is echoed", { timeout: 90000 }, (t) => {
  const s = session("sdkMaster");
  assert.equal(s.master, "sdkMaster");
  assert.equal(s.viewer, "ourViewer");
  assertMediaAndData(t, s);
});

/** The four sides' signaling frames: our master and the SDK viewer, the SDK master and our viewer. */
function sides() {
  const a = session("sdkViewer");
  const b = session("sdkMaster");
  const out = {
    a,
    b,
    ourMaster: signalingFrames(a.masterSide, "our master"),
    sdkViewer: signalingFrames(a.viewerSide, "SDK viewer"),
    sdkMaster: signalingFrames(b.masterSide, "SDK master"),
    ourViewer: signalingFrames(b.viewerSide, "our viewer"),
  };
  for (const name of ["ourMaster", "sdkViewer", "sdkMaster", "ourViewer"]) {
    assert.equal(out[name].connects.length, 1, `${name}: ${out[name].connects.length} signaling connections (one expected: nothing reconnected)`);
  }
  return out;
}

test("2a. the frames our session sends are the service's format, and have the SDK's shape role by role", { timeout: 90000 }, (t) => {
  const { a, b, ourMaster, sdkViewer, sdkMaster, ourViewer } = sides();
  const check = (frames, role, recipient, who) => frames.sent.map((f, i) => ({ action: f.json.action, json: checkClientFrame(f, { role, recipient }, `${who} frame ${i}`) }));
  const ours = { MASTER: check(ourMaster, "MASTER", a.viewerClientId, "our master"), VIEWER: check(ourViewer, "VIEWER", undefined, "our viewer") };
  // The same checks hold for the SDK's frames: the reference the comparison below leans on.
  const sdk = { MASTER: check(sdkMaster, "MASTER", b.viewerClientId, "SDK master"), VIEWER: check(sdkViewer, "VIEWER", undefined, "SDK viewer") };
  const count = (list, action) => list.filter((f) => f.action === action).length;
  assert.equal(count(ours.MASTER, "SDP_ANSWER"), 1, "our master sent one answer");
  assert.equal(count(ours.MASTER, "SDP_OFFER"), 0, "our master sent no offer");
  assert.ok(count(ours.MASTER, "ICE_CANDIDATE") >= 1, "our master sent candidates");
  assert.equal(count(ours.VIEWER, "SDP_OFFER"), 1, "our viewer sent one offer");
  assert.equal(count(ours.VIEWER, "SDP_ANSWER"), 0, "our viewer sent no answer");
  assert.ok(count(ours.VIEWER, "ICE_CANDIDATE") >= 1, "our viewer sent candidates");

  // Key for key the SDK's frames, in each role and for each action.
  assert.deepEqual(keyShapes(ourMaster.sent), keyShapes(sdkMaster.sent), "our master's frames vs the SDK master's: keys per action");
  assert.deepEqual(keyShapes(ourViewer.sent), keyShapes(sdkViewer.sent), "our viewer's frames vs the SDK viewer's: keys per action");
  const candidateKeys = (list) => [...new Set(list.filter((f) => f.action === "ICE_CANDIDATE").map((f) => Object.keys(f.json).sort().join(",")))].sort();
  assert.deepEqual(candidateKeys(ours.MASTER), candidateKeys(sdk.MASTER), "candidate payload keys, master");
  assert.deepEqual(candidateKeys(ours.VIEWER), candidateKeys(sdk.VIEWER), "candidate payload keys, viewer");
  // The presigned connection URLs carry the same query parameters as the SDK's signer puts in.
  assert.deepEqual([...ourMaster.connects[0].query].sort(), [...sdkMaster.connects[0].query].sort(), "the master's presigned URL parameters");
  assert.deepEqual([...ourViewer.connects[0].query].sort(), [...sdkViewer.connects[0].query].sort(), "the viewer's presigned URL parameters");

  t.diagnostic(`our master sent ${JSON.stringify(keyShapes(ourMaster.sent))}; our viewer sent ${JSON.stringify(keyShapes(ourViewer.sent))}`);
  t.diagnostic(`candidate payload keys: ${candidateKeys(ours.VIEWER).join(" | ")}; SDP payload of the offer ${decodePayload(ourViewer.sent.find((f) => f.json.action === "SDP_OFFER").json.messagePayload, "offer").sdp.length} characters of SDP`);
});

test("2b. every frame the SDK sent became our session's event, and every frame ours sent became the SDK's", { timeout: 90000 }, (t) => {
  const { a, b, ourMaster, sdkViewer, sdkMaster, ourViewer } = sides();
  const relayNote = [a.relayTimeout, b.relayTimeout].filter(Boolean).join("; ");
  const results = [
    checkAccepted({ sender: sdkViewer, receiver: ourMaster, receiverEvents: a.masterSide.state.events, senderClientId: a.viewerClientId, label: `SDK viewer → our master${relayNote ? ` (${relayNote})` : ""}` }),
    checkAccepted({ sender: ourMaster, receiver: sdkViewer, receiverEvents: a.viewerSide.state.events, senderClientId: undefined, label: "our master → SDK viewer" }),
    checkAccepted({ sender: ourViewer, receiver: sdkMaster, receiverEvents: b.masterSide.state.events, senderClientId: b.viewerClientId, label: "our viewer → SDK master" }),
    checkAccepted({ sender: sdkMaster, receiver: ourViewer, receiverEvents: b.viewerSide.state.events, senderClientId: undefined, label: "SDK master → our viewer" }),
  ];
  // Nothing either side was handed was refused, unknown or an error.
  for (const [who, side] of [["our master", a.masterSide], ["SDK viewer", a.viewerSide], ["SDK master", b.masterSide], ["our viewer", b.viewerSide]]) {
    const bad = side.state.events.filter((e) => ["error", "unknownMessage", "statusResponse", "goAway", "reconnecting"].includes(e.type));
    assert.deepEqual(bad, [], `${who}: signaling events that should not be`);
  }
  const [sv, om, ov, sm] = results;
  t.diagnostic(`frames → events: SDK viewer → ours ${sv.frames}/${sv.events}, ours → SDK viewer ${om.frames}/${om.events}, our viewer → SDK master ${ov.frames}/${ov.events}, SDK master → our viewer ${sm.frames}/${sm.events}`);
});
