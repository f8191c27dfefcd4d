// ICE restarts of our connectViewer / connectMaster, in headless Chromium with a fake camera inside
// a network namespace of its own, against the local endpoint: ice-restart.mjs runs three sessions
// once (through run.sh) and these tests check what it recorded:
//   1. the endpoint sends RECONNECT_ICE_SERVER to the viewer: its session asks the service for new
//      ICE servers, the viewer offers an ICE restart, the master answers it on the same
//      RTCPeerConnection, and data and video keep flowing on the new ICE session;
//   2. the endpoint sends RECONNECT_ICE_SERVER to the master: it asks for new ICE servers and puts
//      them in its peer connection's configuration, and the connection stays up;
//   3. a viewer comes back with a new RTCPeerConnection under the same clientId: the master closes
//      the old peer and answers the new one, which gets the video and the data channel.
// Needs root and unshare; without them the tests fail, they do not skip.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { runInNamespace, sessionOf } from "./namespace.mjs";
import { assertPlays, describePlayback } from "./video-checks.mjs";

const TAG = "WEBRTC_ICE_RESTART_RESULT";
let run;

before(async () => {
  run = await runInNamespace("ice-restart.mjs", TAG);
}, { timeout: 90000 });

const session = (name) => sessionOf(run, TAG, name);

/** Fails naming the first wait of the session that timed out (what the page never got to). */
function assertWaits(s) {
  for (const [what, w] of Object.entries(s.waits)) assert.ok(w.ok, `${s.label}: ${what}: ${w.error}\n${run.steps.join("\n")}`);
}

/** The TURN servers of a list (the ones with credentials), as the session gives them. */
const turn = (servers) => (servers ?? []).filter((s) => s.username !== undefined).map(({ urls, username, credential }) => ({ urls, username, credential }));
const after = (s, list) => list.filter((e) => e.t >= s.hookAt);
const ofType = (list, type) => list.filter((e) => e.type === type);
const laps = (s) => Object.entries(s.timings).map(([k, ms]) => `${k} @${ms} ms`).join("; ");
const waits = (s) => Object.entries(s.waits).map(([k, w]) => `${k} ${w.ms} ms`).join("; ");

/**
 * Fresh ICE servers asked anew from the service for `who` (viewer or master, whose page record is
 * `side`): one more GetIceServerConfig reached the endpoint after the hook, and its TURN
 * credentials, none of the first call's, are what the session emitted once. Gives the new call
 * and the event.
 */
function assertFreshIceServers(s, side, who) {
  assert.equal(s.iceCallsBefore.length, 1, `one GetIceServerConfig for the ${who} before the restart`);
  const newCalls = s.iceCallsAfter.filter((c) => c.t >= s.hookAt);
  assert.equal(newCalls.length, 1, `GetIceServerConfig calls for the ${who} after RECONNECT_ICE_SERVER: ${newCalls.length}`);
  const [fresh] = newCalls;
  const [emitted, ...more] = ofType(after(s, side.state.events), "session.reconnectIceServer");
  assert.ok(emitted, `the ${who}'s session emitted no reconnectIceServer`);
  assert.equal(more.length, 0, `the ${who}'s session emitted reconnectIceServer more than once`);
  assert.ok(fresh.servers.length > 0, "the new GetIceServerConfig gave no ICE servers");
  assert.deepEqual(turn(emitted.iceServers), fresh.servers, "reconnectIceServer's iceServers are the ones the new GetIceServerConfig call gave");
  const oldCredentials = new Set(s.iceCallsBefore[0].servers.map((x) => `${x.username} ${x.credential}`));
  for (const x of fresh.servers) assert.ok(!oldCredentials.has(`${x.username} ${x.credential}`), `a TURN credential of the first call came again: ${x.username}`);
  return { fresh, emitted };
}

function assertNoErrors(s, ...sides) {
  for (const side of sides) assert.deepEqual(s[side].state.errors, [], `${s.label}: ${side}'s errors`);
  const pageErrors = (run.result.pageLog ?? []).filter((l) => l.kind === "pageerror");
  assert.deepEqual(pageErrors, [], "page errors");
}

/** A data-channel message sent by the viewer after the event came back, through master peer `pc`. */
function assertRoundTrip(s, ping, masterSide, pc, what) {
  assert.equal(ping.error, undefined, `${s.label}: ${what}: ${ping.error}`);
  assert.equal(ping.echo, `echo: ${ping.text}`, `${s.label}: ${what}: the echo`);
  const got = masterSide.state.received.filter((m) => m.data === ping.text);
  assert.deepEqual(got.map((m) => ({ from: m.from, pc: m.pc })), [{ from: s.clientId, pc }], `${s.label}: ${what}: the master received it once, from ${s.clientId} on its peer connection #${pc}`);
}

test("1. RECONNECT_ICE_SERVER to our viewer: fresh ICE servers from the service, an ICE restart offer answered on the master's same RTCPeerConnection, data and video flowing after it", { timeout: 90000 }, (t) => {
  const s = session("viewerRestart");
  assertWaits(s);
  const { masterSide, viewerSide } = s;
  assert.equal(s.delivered, 1, "the endpoint delivered RECONNECT_ICE_SERVER to the one viewer");
  assert.equal(s.pingBefore.echo, `echo: ${s.pingBefore.text}`, "the data channel worked before the restart");
  assertPlays(s.mediaBefore, `${s.label}: the viewer's video before the restart`);

  const { fresh, emitted } = assertFreshIceServers(s, viewerSide, "viewer");
  assert.deepEqual(turn(emitted.sessionIceServers), fresh.servers, "session.iceServers at the event");
  assert.deepEqual(turn(s.before.viewer.peer.configIceServers), s.iceCallsBefore[0].servers, "the viewer's peer connection started with the first call's servers");
  assert.deepEqual(turn(s.after.viewer.peer.configIceServers), fresh.servers, "the viewer's peer connection's configuration after the restart (getConfiguration().iceServers)");

  // An ICE restart: a second offer from the viewer, with new ICE credentials and the same DTLS fingerprint.
  const offers = viewerSide.sent.sdp.filter((x) => x.action === "SDP_OFFER");
  assert.equal(offers.length, 2, `the viewer sent ${offers.length} SDP offers (two expected: the first and the restart)`);
  const [first, restart] = offers;
  assert.equal(first.ufrags.length, 1, "one ICE ufrag in the first offer (bundled)");
  assert.equal(restart.ufrags.length, 1, "one ICE ufrag in the restart offer (bundled)");
  assert.notEqual(restart.ufrags[0], first.ufrags[0], "the second offer's a=ice-ufrag is the first one's: not an ICE restart");
  assert.notDeepEqual(restart.pwds, first.pwds, "the second offer's a=ice-pwd is the first one's");
  assert.deepEqual(restart.fingerprints, first.fingerprints, "the second offer's DTLS fingerprint (same peer connection)");
  assert.equal(viewerSide.sent.connects, 1, "the viewer's signaling WebSocket was not reconnected");
  assert.ok(emitted.t <= ofType(after(s, viewerSide.state.events), "pc.signalingState").find((e) => e.state === "have-local-offer")?.t, "the restart offer came after the fresh ICE servers");
  assert.ok((viewerSide.sent.candidates[restart.ufrags[0]] ?? 0) >= 1, `the viewer sent no candidate of the new ICE session (${JSON.stringify(viewerSide.sent.candidates)})`);

  // The master answered it on the same RTCPeerConnection: no peerClosed, no new peer, one entry.
  const masterEvents = after(s, masterSide.state.events);
  const got = ofType(masterEvents, "session.sdpOffer");
  assert.deepEqual(got.map((e) => e.sdp.ufrags), [restart.ufrags], "the master's session got the restart offer");
  assert.deepEqual(ofType(masterEvents, "peerClosed"), [], "the master closed a peer over an ICE restart");
  assert.deepEqual(ofType(masterEvents, "peer"), [], "the master made a new peer for an ICE restart");
  assert.deepEqual(s.before.master.peers.map((p) => [p.clientId, p.pc]), [[s.clientId, 1]], "master.peers before the restart");
  assert.deepEqual(s.after.master.peers.map((p) => [p.clientId, p.pc]), [[s.clientId, 1]], "master.peers after the restart: the same RTCPeerConnection object");
  assert.deepEqual(s.after.master.all.map((p) => p.pc), [1], "the master has had one RTCPeerConnection in all");
  const answers = masterSide.sent.sdp.filter((x) => x.action === "SDP_ANSWER");
  assert.equal(answers.length, 2, `the master sent ${answers.length} answers (two expected)`);
  assert.deepEqual(answers.map((a) => a.recipient), [s.clientId, s.clientId], "the answers' recipient");
  assert.notEqual(answers[1].ufrags[0], answers[0].ufrags[0], "the master's second answer kept its ICE ufrag: not an ICE restart");
  assert.deepEqual(answers[1].fingerprints, answers[0].fingerprints, "the master's answers' DTLS fingerprint (same peer connection)");

  // Connected on the new ICE session, on both sides.
  const v = s.after.viewer.peer;
  const m = s.after.master.peers[0];
  assert.equal(v.pc, 1, "the viewer kept its one peer connection");
  for (const [who, p] of [["viewer", v], ["master", m]]) {
    assert.equal(p.connectionState, "connected", `${who}'s connectionState after the restart`);
    assert.equal(p.signalingState, "stable", `${who}'s signalingState after the restart`);
    const bad = after(s, (who === "viewer" ? viewerSide : masterSide).state.events).filter((e) => e.type === "pc.connectionState" && (e.state === "closed" || e.state === "failed"));
    assert.deepEqual(bad, [], `${who}'s connection failed or closed during the restart`);
  }
  assert.deepEqual([v.local.ufrags, v.remote.ufrags], [restart.ufrags, answers[1].ufrags], "the viewer's local and remote descriptions are the restart's");
  // The pair in use is the new ICE session's: the viewer's side of it is a candidate gathered for
  // the restart, and the master sees that same pair. (Its other side may be a candidate the master
  // gathered before the restart: Chromium pairs the viewer's new candidates with every remote
  // candidate it knows, and the master's old port still answers; which one wins is timing.)
  assert.equal(v.pair?.local?.usernameFragment, restart.ufrags[0], `the viewer's selected candidate pair is not on the new ICE session: ${JSON.stringify(v.pair)}`);
  assert.equal(m.pair?.remote?.usernameFragment, restart.ufrags[0], `the master's selected candidate pair is not on the viewer's new ICE credentials: ${JSON.stringify(m.pair)}`);
  assert.deepEqual([m.pair.local.port, m.pair.remote.port], [v.pair.remote.port, v.pair.local.port], "the two sides' selected pairs are not the same pair");
  assert.ok(answers.some((a) => a.ufrags[0] === m.pair.local.usernameFragment), `the master's side of the pair is none of its candidates: ${JSON.stringify(m.pair)}`);

  // Data and video after the restart, on the same connection.
  assertRoundTrip(s, s.pingAfter, masterSide, 1, "a data-channel message after the restart");
  assertPlays(s.mediaAfter, `${s.label}: the viewer's video after the restart`);
  assert.ok(s.mediaAfter.samples[0].currentTime > s.mediaBefore.samples[1].currentTime, `the video's currentTime went back: ${s.mediaBefore.samples[1].currentTime} before, ${s.mediaAfter.samples[0].currentTime} after`);
  assert.equal(s.after.viewer.video.stream, s.before.viewer.video.stream, "the <video> plays the same stream as before the restart");
  assertNoErrors(s, "masterSide", "viewerSide");

  const rel = (e) => (e ? `${e.t - s.hookAt} ms` : "never");
  const masterOffer = got[0];
  const answered = ofType(after(s, viewerSide.state.events), "session.sdpAnswer")[0];
  t.diagnostic(`after the hook: GetIceServerConfig at the endpoint ${rel(fresh)}, reconnectIceServer ${rel(emitted)}, offer at the master ${rel(masterOffer)}, answer at the viewer ${rel(answered)}; ICE ufrag ${first.ufrags[0]} → ${restart.ufrags[0]} (viewer), ${answers[0].ufrags[0]} → ${answers[1].ufrags[0]} (master); selected pair: the viewer's new candidate with the master's ${m.pair.local.usernameFragment === answers[1].ufrags[0] ? "new" : "pre-restart"} ${m.pair.local.candidateType} candidate`);
  t.diagnostic(`connection states after the hook: viewer ${after(s, viewerSide.state.events).filter((e) => e.type.startsWith("pc.") && e.type !== "pc.signalingState").map((e) => `${e.type.slice(3)}=${e.state}`).join(", ") || "(no change)"}; master ${after(s, masterSide.state.events).filter((e) => e.type.startsWith("pc.") && e.type !== "pc.signalingState").map((e) => `${e.type.slice(3)}=${e.state}`).join(", ") || "(no change)"}`);
  t.diagnostic(`echo ${s.pingBefore.roundTripMs} ms before, ${s.pingAfter.roundTripMs} ms after; video after: ${describePlayback(s.mediaAfter)}`);
  t.diagnostic(`${s.label}: ${laps(s)}; waits: ${waits(s)}`);
  t.diagnostic(`whole in-namespace run ${run.result.seconds.toFixed(2)} s, run.sh ${run.seconds.toFixed(2)} s`);
});

test("2. RECONNECT_ICE_SERVER to our master: fresh ICE servers from the service in its peer connection's configuration, the connection up", { timeout: 90000 }, (t) => {
  const s = session("masterRestart");
  assertWaits(s);
  const { masterSide, viewerSide } = s;
  assert.equal(s.delivered, 1, "the endpoint delivered RECONNECT_ICE_SERVER to the master");
  assert.equal(s.pingBefore.echo, `echo: ${s.pingBefore.text}`, "the data channel worked before");

  const { fresh, emitted } = assertFreshIceServers(s, masterSide, "master");
  assert.deepEqual(turn(s.after.master.sessionIceServers), fresh.servers, "the master's session.iceServers");

  // setConfiguration with the session's fresh servers, on the same peer connection.
  assert.deepEqual(s.before.master.peers.map((p) => [p.clientId, p.pc]), [[s.clientId, 1]], "master.peers before");
  assert.deepEqual(s.after.master.peers.map((p) => [p.clientId, p.pc]), [[s.clientId, 1]], "master.peers after: the same RTCPeerConnection object");
  assert.deepEqual(turn(s.before.master.peers[0].configIceServers), s.iceCallsBefore[0].servers, "the master's peer connection started with the first call's servers");
  assert.deepEqual(turn(s.after.master.peers[0].configIceServers), fresh.servers, "the master's peer connection's getConfiguration().iceServers after RECONNECT_ICE_SERVER");
  const masterEvents = after(s, masterSide.state.events);
  assert.deepEqual(ofType(masterEvents, "peerClosed"), [], "peerClosed after RECONNECT_ICE_SERVER");
  assert.deepEqual(ofType(masterEvents, "peer"), [], "a new peer after RECONNECT_ICE_SERVER");
  assert.equal(masterSide.sent.connects, 1, "the master's signaling WebSocket was not reconnected");

  // Only the master was told: the viewer asked for nothing and did nothing.
  assert.deepEqual(ofType(after(s, viewerSide.state.events), "session.reconnectIceServer"), [], "the viewer got reconnectIceServer");
  assert.deepEqual(run.result.iceCalls.filter((c) => c.channelArn === s.channelArn && c.clientId === s.clientId && c.t >= s.hookAt), [], "GetIceServerConfig for the viewer after the hook");

  // The connection stayed up: no state change at all on either side, connected at the end, data and video flowing.
  for (const [who, side] of [["master", masterSide], ["viewer", viewerSide]]) {
    const changes = after(s, side.state.events).filter((e) => e.type === "pc.connectionState" || e.type === "pc.iceConnectionState");
    assert.deepEqual(changes, [], `the ${who}'s connection changed state after RECONNECT_ICE_SERVER`);
  }
  assert.equal(s.after.master.peers[0].connectionState, "connected", "the master's connectionState");
  assert.equal(s.after.viewer.peer.connectionState, "connected", "the viewer's connectionState");
  assertRoundTrip(s, s.pingAfter, masterSide, 1, "a data-channel message after the master's refresh");
  assertPlays(s.mediaAfter, `${s.label}: the viewer's video after`);
  assertNoErrors(s, "masterSide", "viewerSide");

  const answers = masterSide.sent.sdp.filter((x) => x.action === "SDP_ANSWER").length;
  const offers = masterSide.sent.sdp.filter((x) => x.action === "SDP_OFFER").length;
  t.diagnostic(`after the hook: GetIceServerConfig at the endpoint ${fresh.t - s.hookAt} ms, reconnectIceServer ${emitted.t - s.hookAt} ms; the master sent ${offers} offers and ${answers} answers in all (it does not restart ICE itself: the new servers serve the next restart)`);
  t.diagnostic(`echo ${s.pingAfter.roundTripMs} ms after; video after: ${describePlayback(s.mediaAfter)}`);
  t.diagnostic(`${s.label}: ${laps(s)}; waits: ${waits(s)}`);
});

test("3. a viewer back with a new RTCPeerConnection under the same clientId: the master closes the old peer, answers the new one, and media and data reach it", { timeout: 90000 }, (t) => {
  const s = session("newConnection");
  assertWaits(s);
  const { masterSide, viewerSide, secondViewerSide } = s;
  assert.equal(s.pingBefore.echo, `echo: ${s.pingBefore.text}`, "the first viewer's data channel worked");
  assert.deepEqual(s.before.master.peers.map((p) => [p.clientId, p.pc]), [[s.clientId, 1]], "master.peers with the first viewer");
  assert.equal(s.firstViewer.info.peer.connectionState, "closed", "the first viewer's peer connection was closed");

  const [firstOffer, ...firstMore] = viewerSide.sent.sdp.filter((x) => x.action === "SDP_OFFER");
  const [secondOffer, ...secondMore] = secondViewerSide.sent.sdp.filter((x) => x.action === "SDP_OFFER");
  assert.ok(firstOffer && secondOffer && firstMore.length === 0 && secondMore.length === 0, "each viewer sent one offer");
  assert.notDeepEqual(secondOffer.fingerprints, firstOffer.fingerprints, "Chromium gave the new peer connection the old one's DTLS fingerprint");

  // peerClosed for the old peer connection, then peer for the new one, and only that one left.
  const life = masterSide.state.events.filter((e) => e.type === "peer" || e.type === "peerClosed").map((e) => ({ type: e.type, remoteClientId: e.remoteClientId, pc: e.pc }));
  assert.deepEqual(
    life,
    [
      { type: "peer", remoteClientId: s.clientId, pc: 1 },
      { type: "peerClosed", remoteClientId: s.clientId, pc: 1 },
      { type: "peer", remoteClientId: s.clientId, pc: 2 },
    ],
    "the master's peer and peerClosed events",
  );
  assert.deepEqual(s.after.master.peers.map((p) => [p.clientId, p.pc]), [[s.clientId, 2]], "master.peers: the new RTCPeerConnection only");
  assert.deepEqual(s.after.master.all, [{ pc: 1, connectionState: "closed" }, { pc: 2, connectionState: "connected" }], "the master's old peer connection closed, the new one connected");
  const answers = masterSide.sent.sdp.filter((x) => x.action === "SDP_ANSWER");
  assert.equal(answers.length, 2, "the master answered both viewers' offers");
  assert.deepEqual(answers.map((a) => a.recipient), [s.clientId, s.clientId], "the answers' recipient");
  assert.notDeepEqual(answers[1].fingerprints, answers[0].fingerprints, "the master answered the new viewer from the old peer connection (same DTLS fingerprint)");
  assert.deepEqual(s.after.master.peers[0].remote.fingerprints, secondOffer.fingerprints, "the master's peer connection's remote description is the second viewer's");

  // The new viewer: connected, the master's camera plays, its data-channel message goes through the new peer.
  assert.equal(s.after.viewer.peer.connectionState, "connected", "the second viewer's connectionState");
  assertRoundTrip(s, s.pingAfter, masterSide, 2, "the second viewer's data-channel message");
  assertPlays(s.mediaAfter, `${s.label}: the second viewer's video`);
  assert.equal(secondViewerSide.sent.connects, 1, "the second viewer connected to signaling once");
  assertNoErrors(s, "masterSide", "viewerSide", "secondViewerSide");

  const closedAt = masterSide.state.events.find((e) => e.type === "peerClosed").t;
  const newPeerAt = masterSide.state.events.filter((e) => e.type === "peer")[1].t;
  t.diagnostic(`the first viewer closed → master peerClosed ${closedAt - s.firstViewerClosedAt} ms, new peer ${newPeerAt - s.firstViewerClosedAt} ms; echo to the second viewer ${s.pingAfter.roundTripMs} ms; video: ${describePlayback(s.mediaAfter)}`);
  t.diagnostic(`${s.label}: ${laps(s)}; waits: ${waits(s)}`);
});
