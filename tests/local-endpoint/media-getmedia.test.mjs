// GetMedia at the GET_MEDIA (`s-`) endpoint: every StartSelector, the chunks as a streamed Matroska
// body with the service's tags; and JoinStorageSession(AsViewer) at a channel's WEBRTC endpoint.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { endpointId } from "./control-plane.mjs";
import { matroskaTags, splitMatroskaChunks } from "./media/containers.mjs";
import { activeChannel, credentialsOf, REGION, signedRequest, startTestEndpoint } from "./helpers.mjs";
import { CLIP_FRAGMENTS, EBML_MAGIC, errorOf, ffprobe, seconds, seededStream } from "./media-helpers.mjs";

let endpoint;
let cam; // two clips back to back: 20 fragments from T0
const T0 = Math.floor(Date.now() / 1000) * 1000 - 60000;

before(async () => {
  endpoint = await startTestEndpoint();
  cam = await seededStream(endpoint, { name: "getmedia-cam", seed: { startTimestamp: T0, repeat: 2 } });
}, { timeout: 60000 });
after(() => endpoint.close());

/** GetMedia's chunks: their fragment numbers and tags. */
async function getMedia(startSelector) {
  const response = await cam.media({ StartSelector: startSelector });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers["content-type"], "video/webm");
  const chunks = splitMatroskaChunks(response.body);
  return { response, chunks, tags: chunks.map(matroskaTags), numbers: chunks.map((chunk) => matroskaTags(chunk).AWS_KINESISVIDEO_FRAGMENT_NUMBER) };
}

const numbers = (from, to) => cam.fragments.slice(from, to).map((f) => f.fragmentNumber);

test("GetMedia EARLIEST streams every fragment as a tagged Matroska chunk of H.264", { timeout: 30000 }, async () => {
  const { response, chunks, tags } = await getMedia({ StartSelectorType: "EARLIEST" });
  assert.deepEqual(response.body.subarray(0, 4), EBML_MAGIC);
  assert.equal(response.headers["transfer-encoding"], "chunked", "a streamed body");
  assert.equal(chunks.length, 2 * CLIP_FRAGMENTS);
  tags.forEach((tag, i) => {
    const fragment = cam.fragments[i];
    assert.equal(tag.AWS_KINESISVIDEO_FRAGMENT_NUMBER, fragment.fragmentNumber);
    assert.equal(tag.AWS_KINESISVIDEO_CONTINUATION_TOKEN, fragment.fragmentNumber);
    assert.equal(tag.AWS_KINESISVIDEO_PRODUCER_TIMESTAMP, (fragment.producerTimestamp / 1000).toFixed(3));
    assert.equal(tag.AWS_KINESISVIDEO_SERVER_TIMESTAMP, (fragment.serverTimestamp / 1000).toFixed(3));
    const behind = Number(tag.AWS_KINESISVIDEO_MILLIS_BEHIND_NOW);
    assert.ok(behind >= Date.now() - fragment.serverTimestamp - 5000 && behind <= Date.now() - fragment.serverTimestamp, `${behind} ms behind`);
  });

  // ffprobe reads on across the chunks: 500 frames over 20 s, starting at the first producer time.
  const probe = await ffprobe(response.body, "mkv", { packets: true });
  assert.equal(probe.streams[0].codec_name, "h264");
  assert.equal(`${probe.streams[0].width}x${probe.streams[0].height}`, "640x360");
  assert.equal(probe.packets.length, 2 * CLIP_FRAGMENTS * 25);
  const times = probe.packets.map((packet) => Number(packet.pts_time));
  assert.equal(times[0], T0 / 1000);
  assert.ok(Math.abs(times.at(-1) + 0.04 - times[0] - 20) < 0.001, "20 s of video");
  assert.equal(probe.packets.filter((packet) => packet.flags.startsWith("K")).length, 2 * CLIP_FRAGMENTS, "a keyframe per fragment");
});

test("GetMedia starts where each StartSelector says", { timeout: 20000 }, async () => {
  assert.deepEqual((await getMedia({ StartSelectorType: "NOW" })).numbers, numbers(19), "NOW: the latest chunk, then the stored ones end");
  assert.deepEqual((await getMedia({ StartSelectorType: "FRAGMENT_NUMBER", AfterFragmentNumber: cam.fragments[16].fragmentNumber })).numbers, numbers(17));
  const resumed = await getMedia({ StartSelectorType: "CONTINUATION_TOKEN", ContinuationToken: cam.fragments[13].fragmentNumber });
  assert.deepEqual(resumed.numbers, numbers(14));
  // A timestamp inside a fragment starts with that fragment; server timestamps lag the producer's.
  assert.deepEqual((await getMedia({ StartSelectorType: "PRODUCER_TIMESTAMP", StartTimestamp: seconds(T0 + 15500) })).numbers, numbers(15));
  assert.deepEqual((await getMedia({ StartSelectorType: "SERVER_TIMESTAMP", StartTimestamp: seconds(T0 + 15010) })).numbers, numbers(14));
  assert.deepEqual((await getMedia({ StartSelectorType: "SERVER_TIMESTAMP", StartTimestamp: seconds(T0 + 60000) })).numbers, []);
});

test("GetMedia refuses missing selector values, unknown fragments and the wrong endpoint", { timeout: 20000 }, async () => {
  const cases = [
    [{ StartSelectorType: "FRAGMENT_NUMBER" }, 400, "InvalidArgumentException"],
    [{ StartSelectorType: "PRODUCER_TIMESTAMP" }, 400, "InvalidArgumentException"],
    [{ StartSelectorType: "CONTINUATION_TOKEN" }, 400, "InvalidArgumentException"],
    [{ StartSelectorType: "LATEST" }, 400, "InvalidArgumentException"],
    [{ StartSelectorType: "FRAGMENT_NUMBER", AfterFragmentNumber: "123" }, 404, "ResourceNotFoundException"],
  ];
  for (const [selector, status, name] of cases) {
    assert.deepEqual(errorOf(await cam.media({ StartSelector: selector })), { status, name }, JSON.stringify(selector));
  }
  assert.deepEqual(errorOf(await cam.media({})), { status: 400, name: "InvalidArgumentException" });
  const other = await seededStream(endpoint, { name: "getmedia-other", seed: false });
  const wrong = await other.media({ StreamARN: cam.arn, StartSelector: { StartSelectorType: "EARLIEST" } });
  assert.deepEqual(errorOf(wrong), { status: 400, name: "InvalidEndpointException" });
  const empty = await other.media({ StartSelector: { StartSelectorType: "EARLIEST" } });
  assert.equal(empty.status, 200);
  assert.equal(empty.body.length, 0, "no fragments: an empty stream");
});

test("GetMedia sends chunks as it goes: a client can stop reading after the first", { timeout: 20000 }, async () => {
  const target = new URL(`${cam.mediaUrl}/getMedia`);
  const body = JSON.stringify({ StreamARN: cam.arn, StartSelector: { StartSelectorType: "EARLIEST" } });
  const signer = new SignatureV4({ service: "kinesisvideo", region: REGION, sha256: Sha256, credentials: credentialsOf(endpoint) });
  const signed = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    headers: { host: target.host, "content-type": "application/json" },
    body,
  });
  const first = await new Promise((resolve, reject) => {
    const req = request(target, { method: "POST", headers: signed.headers }, (res) => {
      res.once("data", (chunk) => {
        resolve(chunk);
        res.destroy();
      });
    });
    req.on("error", reject);
    req.end(body);
  });
  assert.deepEqual(first.subarray(0, 4), EBML_MAGIC);
  // The endpoint keeps serving after a reader went away.
  assert.equal((await getMedia({ StartSelectorType: "NOW" })).chunks.length, 1);
});

test("JoinStorageSession and JoinStorageSessionAsViewer answer 200 with an empty body at the WEBRTC endpoint of a channel with media storage", { timeout: 20000 }, async () => {
  const channel = await activeChannel(endpoint, { name: "storage-channel" });
  const enabled = await channel.call("updateMediaStorageConfiguration", { ChannelARN: channel.arn, MediaStorageConfiguration: { Status: "ENABLED", StreamARN: cam.arn } });
  assert.equal(enabled.status, 200, enabled.text);
  const endpoints = await channel.call("getSignalingChannelEndpoint", {
    ChannelARN: channel.arn,
    SingleMasterChannelEndpointConfiguration: { Protocols: ["WEBRTC"], Role: "MASTER" },
  });
  const webrtc = endpoints.json.ResourceEndpointList[0].ResourceEndpoint;
  assert.match(webrtc, /\/signaling\/w-[0-9a-f]{8}$/);
  const join = (path, body, url = webrtc) => signedRequest(`${url}/${path}`, { credentials: credentialsOf(endpoint), body });
  for (const [path, body] of [
    ["joinStorageSession", { channelArn: channel.arn }],
    ["joinStorageSessionAsViewer", { channelArn: channel.arn, clientId: "viewer-1" }],
  ]) {
    const response = await join(path, body);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.text, "");
    assert.equal(response.headers["content-length"], "0");
  }

  const refusals = [
    ["joinStorageSessionAsViewer", { channelArn: channel.arn }, 400, "InvalidArgumentException"], // clientId is required
    ["joinStorageSessionAsViewer", { channelArn: channel.arn, clientId: "bad id" }, 400, "InvalidArgumentException"],
    ["joinStorageSession", { channelArn: "not-an-arn" }, 400, "InvalidArgumentException"],
    ["joinStorageSession", { channelArn: channel.arn.replace(/\d+$/, "1") }, 404, "ResourceNotFoundException"],
  ];
  for (const [path, body, status, name] of refusals) {
    const response = await join(path, body);
    assert.deepEqual(errorOf(response), { status, name }, JSON.stringify(body));
    assert.equal(typeof response.json.message, "string", "this API's errors say `message`");
  }

  const plain = await activeChannel(endpoint, { name: "no-storage-channel" });
  // GetSignalingChannelEndpoint gives no WEBRTC endpoint without media storage: address it directly.
  const plainWebrtc = webrtc.replace(/w-[0-9a-f]{8}$/, `w-${endpointId(plain.arn)}`);
  const noStorage = await join("joinStorageSession", { channelArn: plain.arn }, plainWebrtc);
  assert.deepEqual(errorOf(noStorage), { status: 400, name: "InvalidArgumentException" });
  assert.match(noStorage.json.message, /media storage/);
  const elsewhere = await join("joinStorageSession", { channelArn: plain.arn });
  assert.deepEqual(errorOf(elsewhere), { status: 400, name: "InvalidArgumentException" }, "another channel's endpoint");

  const disabled = await channel.call("updateMediaStorageConfiguration", { ChannelARN: channel.arn, MediaStorageConfiguration: { Status: "DISABLED" } });
  assert.equal(disabled.status, 200);
  assert.deepEqual(errorOf(await join("joinStorageSession", { channelArn: channel.arn })), { status: 400, name: "InvalidArgumentException" });
});
