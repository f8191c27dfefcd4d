// The signaling rates the service enforces: 3 connects per second per channel, 5 SDP and 20 ICE
// messages per second per connection (sliding one-second windows), configurable with the
// `signalingLimits` option; and the 1 master / 10 viewers rule.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { activeChannel, openSignaling, payloadOf, startTestEndpoint } from "./helpers.mjs";

const offer = payloadOf({ type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" });
const answer = payloadOf({ type: "answer", sdp: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n" });
const candidate = payloadOf({ candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 });
const pastWindow = () => new Promise((resolve) => setTimeout(resolve, 1100));

let endpoint; // the default limits
before(async () => {
  endpoint = await startTestEndpoint();
}, { timeout: 10000 });
after(() => endpoint.close());

let channelCount = 0;
const newChannel = (kvs = endpoint) => activeChannel(kvs, { name: `limits-${++channelCount}` });

/** Opens presigned URLs all at once: the handshakes land within the same second. */
async function openAtOnce(urls) {
  const results = await Promise.allSettled(urls.map((url) => openSignaling(url)));
  return {
    opened: results.filter((r) => r.status === "fulfilled").map((r) => r.value),
    refused: results.filter((r) => r.status === "rejected").map((r) => r.reason),
  };
}

function assertRateLimited(error) {
  assert.equal(error.status, 400, error.message);
  assert.equal(error.errorType, "ClientLimitExceededException");
  assert.deepEqual(Object.keys(error.body), ["Message"], "handshake refusals carry the signaling model's Message");
  assert.match(error.body.Message, /3 per second/);
}

/** The STATUS_RESPONSE a rate-limited message gets. */
function assertLimitStatus(message, correlationId) {
  assert.equal(message.messageType, "STATUS_RESPONSE", JSON.stringify(message));
  const { description, ...status } = message.statusResponse;
  assert.deepEqual(status, { correlationId, errorType: "ClientLimitExceededException", statusCode: "400", success: false });
  assert.match(description, /per second/);
}

test("a fourth connect to a channel within a second is refused with ClientLimitExceededException", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const urls = [await channel.masterUrl(), await channel.viewerUrl("v-1"), await channel.viewerUrl("v-2"), await channel.viewerUrl("v-3")];
  const { opened, refused } = await openAtOnce(urls);
  assert.equal(opened.length, 3);
  assert.equal(refused.length, 1);
  assertRateLimited(refused[0]);
  // Another channel has its own budget.
  const other = await newChannel();
  const elsewhere = await other.master();
  await elsewhere.close();
  // Once the second has passed, the channel takes connects again.
  await pastWindow();
  const late = await channel.viewer("v-4");
  await Promise.all([...opened, late].map((connection) => connection.close()));
});

test("three connects per second, second after second, are all accepted", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const connections = [];
  for (const round of [1, 2]) {
    const urls = await Promise.all([1, 2, 3].map((i) => channel.viewerUrl(`v-${round}-${i}`)));
    const { opened, refused } = await openAtOnce(urls);
    assert.deepEqual(refused, [], `round ${round}`);
    connections.push(...opened);
    if (round === 1) await pastWindow();
  }
  assert.equal(endpoint.signalingConnections(channel.arn).length, 6);
  await Promise.all(connections.map((connection) => connection.close()));
});

test("more than 5 SDP messages per second on a connection are dropped; ICE candidates have their own 20", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const master = await channel.master();
  const viewer = await channel.viewer("viewer-1");

  for (let i = 1; i <= 7; i++) viewer.send({ action: "SDP_OFFER", messagePayload: offer, correlationId: `offer-${i}` });
  viewer.send({ action: "SDP_OFFER", messagePayload: offer }); // beyond the limit and without correlationId: silently dropped
  for (let i = 1; i <= 5; i++) assert.deepEqual(await master.next(), { senderClientId: "viewer-1", messageType: "SDP_OFFER", messagePayload: offer });
  assertLimitStatus(await viewer.next(), "offer-6");
  assertLimitStatus(await viewer.next(), "offer-7");

  // The SDP budget is spent, the ICE budget is not: 20 pass, the 21st is refused.
  for (let i = 1; i <= 21; i++) viewer.send({ action: "ICE_CANDIDATE", messagePayload: candidate, correlationId: `ice-${i}` });
  for (let i = 1; i <= 20; i++) assert.equal((await master.next()).messageType, "ICE_CANDIDATE", `candidate ${i}`);
  assertLimitStatus(await viewer.next(), "ice-21");
  await Promise.all([master.quiet(), viewer.quiet()]);

  // The master's answers count on its own connection; SDP_ANSWER shares the SDP budget.
  for (let i = 1; i <= 6; i++) master.send({ action: "SDP_ANSWER", recipientClientId: "viewer-1", messagePayload: answer, correlationId: `answer-${i}` });
  for (let i = 1; i <= 5; i++) assert.deepEqual(await viewer.next(), { messageType: "SDP_ANSWER", messagePayload: answer });
  assertLimitStatus(await master.next(), "answer-6");

  // A second later the viewer may send again.
  await pastWindow();
  viewer.send({ action: "SDP_OFFER", messagePayload: offer, correlationId: "offer-late" });
  assert.deepEqual(await master.next(), { senderClientId: "viewer-1", messageType: "SDP_OFFER", messagePayload: offer });
  await Promise.all([master.quiet(), viewer.quiet()]);
  await Promise.all([master.close(), viewer.close()]);
});

test("signalingLimits tightens or turns off the rates", { timeout: 15000 }, async () => {
  const tight = await startTestEndpoint({ signalingLimits: { connectsPerSecond: 2, sdpPerSecond: 1, icePerSecond: 2 } });
  try {
    const channel = await newChannel(tight);
    const master = await channel.master();
    const viewer = await channel.viewer("a");
    const refused = await channel.viewer("b").then(() => assert.fail("a third connect was accepted"), (error) => error);
    assert.equal(refused.errorType, "ClientLimitExceededException", refused.message);
    assert.match(refused.body.Message, /2 per second/);
    viewer.send({ action: "SDP_OFFER", messagePayload: offer, correlationId: "o-1" });
    viewer.send({ action: "SDP_OFFER", messagePayload: offer, correlationId: "o-2" });
    for (let i = 1; i <= 3; i++) viewer.send({ action: "ICE_CANDIDATE", messagePayload: candidate, correlationId: `i-${i}` });
    assert.equal((await master.next()).messageType, "SDP_OFFER");
    assertLimitStatus(await viewer.next(), "o-2");
    assert.equal((await master.next()).messageType, "ICE_CANDIDATE");
    assert.equal((await master.next()).messageType, "ICE_CANDIDATE");
    assertLimitStatus(await viewer.next(), "i-3");
    await Promise.all([master.quiet(), viewer.quiet()]);
    await Promise.all([master.close(), viewer.close()]);
  } finally {
    await tight.close();
  }

  const open = await startTestEndpoint({ signalingLimits: { connectsPerSecond: null, sdpPerSecond: Infinity, icePerSecond: null } });
  try {
    const channel = await newChannel(open);
    const { opened, refused } = await openAtOnce([await channel.masterUrl(), ...(await Promise.all([1, 2, 3, 4, 5].map((i) => channel.viewerUrl(`v-${i}`))))]);
    assert.deepEqual(refused, []);
    const [master, viewer] = opened;
    for (let i = 0; i < 30; i++) viewer.send({ action: "SDP_OFFER", messagePayload: offer, correlationId: `o-${i}` });
    for (let i = 0; i < 50; i++) viewer.send({ action: "ICE_CANDIDATE", messagePayload: candidate, correlationId: `c-${i}` });
    for (let i = 0; i < 80; i++) assert.notEqual((await master.next()).messageType, "STATUS_RESPONSE");
    await viewer.quiet();
    await Promise.all(opened.map((connection) => connection.close()));
  } finally {
    await open.close();
  }

  for (const bad of [{ sdpPerSecond: 0 }, { icePerSecond: -1 }, { connectsPerSecond: 1.5 }, { connectsPerSecond: "3" }]) {
    await assert.rejects(startTestEndpoint({ signalingLimits: bad }), /signalingLimits\./, JSON.stringify(bad));
  }
});

test("one master and ten viewers per channel still hold with the connect rate turned off", { timeout: 10000 }, async () => {
  const unlimited = await startTestEndpoint({ signalingLimits: { connectsPerSecond: null } });
  try {
    const channel = await newChannel(unlimited);
    const viewers = [];
    for (let i = 0; i < 10; i++) viewers.push(await channel.viewer(`viewer-${i}`));
    await assert.rejects(channel.viewer("viewer-10"), (error) => error.status === 400 && error.errorType === "ClientLimitExceededException" && /10 viewers/.test(error.body.Message));
    const first = await channel.master();
    const second = await channel.master(); // a second master replaces the first
    assert.equal(await first.closed, 1000);
    const roles = unlimited.signalingConnections(channel.arn).map((c) => c.role);
    assert.deepEqual(roles.sort(), ["MASTER", ...Array(10).fill("VIEWER")]);
    await Promise.all([second, ...viewers].map((connection) => connection.close()));
  } finally {
    await unlimited.close();
  }
});
