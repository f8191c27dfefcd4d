// The signaling WebSocket relays in the service's message format between a master and viewers.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Role, SignalingClient, SigV4RequestSigner } from "amazon-kinesis-video-streams-webrtc";
import { WebSocket } from "ws";
import { activeChannel, credentialsOf, payloadOf, startTestEndpoint, testClock } from "./helpers.mjs";

let endpoint;
let credentials;
const clock = testClock();
before(async () => {
  // These tests open several connections to one channel at once; the connect rate has its own
  // tests (signaling-limits.test.mjs), so it is off here.
  endpoint = await startTestEndpoint({ now: clock.now, signalingLimits: { connectsPerSecond: null } });
  credentials = credentialsOf(endpoint);
}, { timeout: 10000 });
after(() => endpoint.close());

let channelCount = 0;
/** A new ACTIVE channel and its WSS endpoints by role. */
const newChannel = (body = {}) => activeChannel(endpoint, { name: `relay-${++channelCount}`, credentials, body });

const offer = payloadOf({ type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" });
const answer = payloadOf({ type: "answer", sdp: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n" });
const candidate = payloadOf({ candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 });

test("SDP offers, answers and ICE candidates flow between a master and two viewers", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const master = await channel.master();
  const viewerA = await channel.viewer("viewer-a");
  const viewerB = await channel.viewer("viewer-b");

  viewerA.send({ action: "SDP_OFFER", messagePayload: offer });
  assert.deepEqual(await master.next(), { senderClientId: "viewer-a", messageType: "SDP_OFFER", messagePayload: offer });
  viewerB.send({ action: "SDP_OFFER", messagePayload: offer, correlationId: "offer-b" });
  assert.deepEqual(await master.next(), { senderClientId: "viewer-b", messageType: "SDP_OFFER", messagePayload: offer });

  // Messages from the master carry no senderClientId and reach only their recipient.
  master.send({ action: "SDP_ANSWER", recipientClientId: "viewer-a", messagePayload: answer });
  assert.deepEqual(await viewerA.next(), { messageType: "SDP_ANSWER", messagePayload: answer });
  master.send({ action: "ICE_CANDIDATE", recipientClientId: "viewer-b", messagePayload: candidate });
  assert.deepEqual(await viewerB.next(), { messageType: "ICE_CANDIDATE", messagePayload: candidate });
  viewerA.send({ action: "ICE_CANDIDATE", messagePayload: candidate });
  assert.deepEqual(await master.next(), { senderClientId: "viewer-a", messageType: "ICE_CANDIDATE", messagePayload: candidate });

  // A viewer's recipient is ignored: viewers only talk to the master, never to each other.
  viewerA.send({ action: "ICE_CANDIDATE", recipientClientId: "viewer-b", messagePayload: candidate });
  assert.deepEqual(await master.next(), { senderClientId: "viewer-a", messageType: "ICE_CANDIDATE", messagePayload: candidate });
  await Promise.all([viewerA.quiet(), viewerB.quiet(), master.quiet()]);
  await Promise.all([master.close(), viewerA.close(), viewerB.close()]);
});

test("a failed message answers STATUS_RESPONSE only when it carried a correlationId", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const master = await channel.master();
  const viewer = await channel.viewer("viewer-1");
  const status = (correlationId) => ({
    messageType: "STATUS_RESPONSE",
    statusResponse: { correlationId, errorType: "InvalidArgumentException", statusCode: "400", success: false },
  });
  const withoutDescription = (message) => {
    assert.equal(typeof message.statusResponse.description, "string");
    const { description, ...rest } = message.statusResponse;
    return { ...message, statusResponse: rest };
  };

  master.send({ action: "SDP_ANSWER", recipientClientId: "nobody", messagePayload: answer, correlationId: "c-1" });
  assert.deepEqual(withoutDescription(await master.next()), status("c-1"));
  master.send({ action: "SDP_ANSWER", recipientClientId: "nobody", messagePayload: answer });
  master.send({ action: "SDP_ANSWER", messagePayload: answer, correlationId: "c-2" });
  assert.deepEqual(withoutDescription(await master.next()), status("c-2"), "the master must name a recipient");
  viewer.send({ action: "SDP_OFFER", messagePayload: "not base64!", correlationId: "c-3" });
  assert.deepEqual(withoutDescription(await viewer.next()), status("c-3"));
  viewer.send({ action: "HELLO", messagePayload: offer, correlationId: "c-4" });
  assert.deepEqual(withoutDescription(await viewer.next()), status("c-4"));
  viewer.send({ action: "SDP_OFFER", messagePayload: "A".repeat(10 * 1024 + 4), correlationId: "c-5" });
  assert.deepEqual(withoutDescription(await viewer.next()), status("c-5"), "payloads are limited to 10 KB");
  viewer.send({ action: "SDP_OFFER", messagePayload: offer, correlationId: "bad id!" });
  assert.deepEqual(withoutDescription(await viewer.next()), status("bad id!"));
  viewer.send({ action: "SDP_OFFER", messagePayload: "not base64!" });
  viewer.send("not json at all");
  await Promise.all([master.quiet(), viewer.quiet()]);
  await Promise.all([master.close(), viewer.close()]);
});

test("capitalized keys, an empty recipient from a viewer and URL-safe base64 are accepted", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const master = await channel.master();
  const viewer = await channel.viewer("viewer-1");
  const standard = Buffer.from([0xfb, 0xff, 0xfe, 0x01, 0x02]).toString("base64"); // "+//+AQI="
  const urlSafe = standard.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  viewer.send({ action: "ICE_CANDIDATE", RecipientClientId: "", MessagePayload: urlSafe, CorrelationId: "c-1" });
  assert.deepEqual(await master.next(), { senderClientId: "viewer-1", messageType: "ICE_CANDIDATE", messagePayload: standard });
  master.send({ action: "SDP_ANSWER", RecipientClientId: "viewer-1", MessagePayload: answer });
  assert.deepEqual(await viewer.next(), { messageType: "SDP_ANSWER", messagePayload: answer });
  await Promise.all([master.close(), viewer.close()]);
});

test("a newer master, or a viewer reusing its ClientId, replaces the older connection", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const oldMaster = await channel.master();
  const newMaster = await channel.master();
  await oldMaster.closed;
  const oldViewer = await channel.viewer("viewer-1");
  const newViewer = await channel.viewer("viewer-1");
  await oldViewer.closed;
  newViewer.send({ action: "SDP_OFFER", messagePayload: offer });
  assert.deepEqual(await newMaster.next(), { senderClientId: "viewer-1", messageType: "SDP_OFFER", messagePayload: offer });
  newMaster.send({ action: "SDP_ANSWER", recipientClientId: "viewer-1", messagePayload: answer });
  assert.deepEqual(await newViewer.next(), { messageType: "SDP_ANSWER", messagePayload: answer });
  await Promise.all([newMaster.close(), newViewer.close()]);
});

test("messages to an absent master are held for the channel's MessageTtlSeconds; a newer offer replaces older ones", { timeout: 10000 }, async () => {
  const channel = await newChannel({ SingleMasterConfiguration: { MessageTtlSeconds: 5 } });
  const viewer = await channel.viewer("viewer-1");
  const offer2 = payloadOf({ type: "offer", sdp: "v=0 second" });
  viewer.send({ action: "SDP_OFFER", messagePayload: offer });
  viewer.send({ action: "ICE_CANDIDATE", messagePayload: candidate });
  viewer.send({ action: "SDP_OFFER", messagePayload: offer2 });
  viewer.send({ action: "ICE_CANDIDATE", messagePayload: candidate });
  await viewer.quiet(100); // nothing comes back: holding a message is not a failure
  const master = await channel.master();
  assert.deepEqual(await master.next(), { senderClientId: "viewer-1", messageType: "SDP_OFFER", messagePayload: offer2 });
  assert.deepEqual(await master.next(), { senderClientId: "viewer-1", messageType: "ICE_CANDIDATE", messagePayload: candidate });
  await master.quiet();
  await master.close();

  // Past the TTL (the server clock moves 6 s ahead), held messages are dropped.
  viewer.send({ action: "SDP_OFFER", messagePayload: offer });
  await viewer.quiet(100);
  clock.advance(6000);
  const late = await channel.master();
  await late.quiet();
  await late.close();
  await viewer.close();
});

test("deleting a channel ends its connections; more than 10 viewers are refused", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  const viewers = [];
  for (let i = 0; i < 10; i++) viewers.push(await channel.viewer(`viewer-${i}`));
  await assert.rejects(channel.viewer("viewer-10"), (error) => error.status === 400 && error.errorType === "ClientLimitExceededException");
  const reused = await channel.viewer("viewer-0"); // reusing a ClientId is a replacement, not an eleventh viewer
  const master = await channel.master();
  const { json } = await channel.call("describeSignalingChannel", { ChannelARN: channel.arn });
  await channel.call("deleteSignalingChannel", { ChannelARN: channel.arn, CurrentVersion: json.ChannelInfo.Version });
  await Promise.all([master.closed, reused.closed, ...viewers.map((viewer) => viewer.closed)]);
});

test("the KVS WebRTC SDK's SignalingClient signals through the endpoint", { timeout: 10000 }, async () => {
  const channel = await newChannel();
  // The SDK opens `new WebSocket(url)` and only presigns wss:// URLs: give it `ws` and a scheme swap.
  globalThis.WebSocket ??= WebSocket;
  const requestSigner = {
    signer: new SigV4RequestSigner("us-west-2", credentials),
    async getSignedURL(url, query, date) {
      return (await this.signer.getSignedURL(url.replace(/^ws:/, "wss:"), query, date)).replace(/^wss:/, "ws:");
    },
  };
  const client = (role, clientId) =>
    new SignalingClient({ role, clientId, channelARN: channel.arn, channelEndpoint: channel.wss[role], region: "us-west-2", requestSigner });
  const opened = (signaling) => new Promise((resolve, reject) => {
    signaling.once("open", resolve);
    signaling.once("error", reject);
    signaling.open();
  });
  const master = client(Role.MASTER);
  const viewer = client(Role.VIEWER, "sdk-viewer");
  await opened(master);
  await opened(viewer);

  const offered = new Promise((resolve) => master.once("sdpOffer", (sdp, sender) => resolve({ sdp, sender })));
  viewer.sendSdpOffer({ type: "offer", sdp: "v=0 sdk" });
  assert.deepEqual(await offered, { sdp: { type: "offer", sdp: "v=0 sdk" }, sender: "sdk-viewer" });
  const answered = new Promise((resolve) => viewer.once("sdpAnswer", resolve));
  master.sendSdpAnswer({ type: "answer", sdp: "v=0 sdk answer" }, "sdk-viewer");
  assert.deepEqual(await answered, { type: "answer", sdp: "v=0 sdk answer" });
  const failed = new Promise((resolve) => master.once("statusResponse", resolve));
  master.sendIceCandidate({ candidate: "candidate:1", sdpMid: "0", sdpMLineIndex: 0 }, "absent-viewer", "corr-1");
  const statusResponse = await failed;
  assert.equal(statusResponse.correlationId, "corr-1");
  assert.equal(statusResponse.statusCode, "400");

  const closed = (signaling) => new Promise((resolve) => {
    signaling.once("close", resolve);
    signaling.close();
  });
  await Promise.all([closed(master), closed(viewer)]);
});
