// Our media clients beside the AWS SDK for JavaScript v3's (archived media, media, WebRTC storage)
// on the local endpoint, with a stream seeded with the test video: every operation called the same
// way by both, and the outputs equal (apart from $metadata): the same fragments, images, bytes of
// clips and media streams, and playback sessions whose URLs serve the same playlists.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as SdkArchivedMedia from "@aws-sdk/client-kinesis-video-archived-media";
import * as SdkMedia from "@aws-sdk/client-kinesis-video-media";
import * as SdkWebRTCStorage from "@aws-sdk/client-kinesis-video-webrtc-storage";
import * as SdkKinesisVideo from "@aws-sdk/client-kinesis-video";
import { KinesisVideoClient, KinesisVideoWebRTCStorageClient, paginateGetImages, paginateListFragments } from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";
import { matroskaTags, splitMatroskaChunks } from "../local-endpoint/media/containers.mjs";

const REGION = "us-west-2";
const T = { timeout: 60_000 };
let kvs, ours, sdkControl, arn, t0;
const sdkOptions = (endpoint) => ({ region: REGION, endpoint, maxAttempts: 1, credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey } });

before(async () => {
  kvs = await startLocalEndpoint({ port: 0, activationDelayMs: 0 });
  ours = new KinesisVideoClient({ region: REGION, endpoint: kvs.url, credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey }, maxAttempts: 1 });
  sdkControl = new SdkKinesisVideo.KinesisVideoClient(sdkOptions(kvs.url));
  ({ StreamARN: arn } = await ours.createStream({ StreamName: "differential-cam", DataRetentionInHours: 24 }));
  await new Promise((r) => setTimeout(r, 20));
  t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  await kvs.seedStreamMedia({ streamArn: arn, startTimestamp: new Date(t0) });
}, T);
after(async () => {
  sdkControl?.destroy();
  await kvs?.close();
});

/** The SDK's client for `api`'s data endpoint (the two steps dataEndpointClient does in one). */
async function sdkDataClient(api, Client) {
  const { DataEndpoint } = await sdkControl.send(new SdkKinesisVideo.GetDataEndpointCommand({ StreamARN: arn, APIName: api }));
  return new Client(sdkOptions(DataEndpoint));
}

const strip = ({ $metadata, ...rest }) => rest;
const range = (from, to) => ({ StartTimestamp: new Date(t0 + from), EndTimestamp: new Date(t0 + to) });

test("ListFragments and GetImages, page by page through both paginators", T, async () => {
  const mine = await ours.dataEndpointClient("LIST_FRAGMENTS", { StreamARN: arn });
  const theirs = await sdkDataClient("LIST_FRAGMENTS", SdkArchivedMedia.KinesisVideoArchivedMediaClient);
  const input = { StreamARN: arn, FragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: range(-1000, 11_000) } };
  const a = [];
  const b = [];
  for await (const page of paginateListFragments(mine, input, { pageSize: 3 })) a.push(strip(page));
  for await (const page of SdkArchivedMedia.paginateListFragments({ client: theirs, pageSize: 3 }, input)) b.push(strip(page));
  assert.deepEqual(a, b);
  assert.equal(a.flatMap((p) => p.Fragments).length, 10);
  assert.ok(a[0].Fragments[0].ServerTimestamp instanceof Date);

  const images = await ours.dataEndpointClient("GET_IMAGES", { StreamARN: arn });
  const sdkImages = await sdkDataClient("GET_IMAGES", SdkArchivedMedia.KinesisVideoArchivedMediaClient);
  const imageInput = { StreamARN: arn, ImageSelectorType: "PRODUCER_TIMESTAMP", ...range(0, 5000), SamplingInterval: 1000, Format: "JPEG", MaxResults: 3 };
  const c = [];
  const d = [];
  for await (const page of paginateGetImages(images, imageInput)) c.push(strip(page));
  for await (const page of SdkArchivedMedia.paginateGetImages({ client: sdkImages }, imageInput)) d.push(strip(page));
  assert.deepEqual(c, d);
  assert.ok(c.flatMap((p) => p.Images).length >= 5);
  assert.equal(Buffer.from(c[0].Images[0].ImageContent, "base64").subarray(0, 3).toString("hex"), "ffd8ff");
});

test("GetClip and GetMediaForFragmentList: the same bytes and ContentType", T, async () => {
  const mine = await ours.dataEndpointClient("GET_CLIP", { StreamARN: arn });
  const theirs = await sdkDataClient("GET_CLIP", SdkArchivedMedia.KinesisVideoArchivedMediaClient);
  const input = { StreamARN: arn, ClipFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range(2000, 6000) } };
  const a = await mine.getClip(input);
  const b = await theirs.send(new SdkArchivedMedia.GetClipCommand(input));
  assert.equal(a.ContentType, b.ContentType);
  assert.deepEqual(Buffer.from(a.Payload), Buffer.from(await b.Payload.transformToByteArray()));
  assert.ok(a.Payload.byteLength > 10_000);

  const { Fragments } = await mine.listFragments({ StreamARN: arn, FragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range(0, 3000) } });
  const list = { StreamARN: arn, Fragments: Fragments.map((f) => f.FragmentNumber) };
  const c = await (await ours.dataEndpointClient("GET_MEDIA_FOR_FRAGMENT_LIST", { StreamARN: arn })).getMediaForFragmentList(list);
  const d = await theirs.send(new SdkArchivedMedia.GetMediaForFragmentListCommand(list));
  assert.equal(c.ContentType, d.ContentType);
  assert.deepEqual(Buffer.from(await new Response(c.Payload).arrayBuffer()), Buffer.from(await d.Payload.transformToByteArray()));
});

test("GetMedia: the same MKV stream", T, async () => {
  const mine = await ours.dataEndpointClient("GET_MEDIA", { StreamARN: arn });
  const theirs = await sdkDataClient("GET_MEDIA", SdkMedia.KinesisVideoMediaClient);
  const input = { StreamARN: arn, StartSelector: { StartSelectorType: "EARLIEST" } };
  const a = await mine.getMedia(input);
  const b = await theirs.send(new SdkMedia.GetMediaCommand(input));
  assert.equal(a.ContentType, b.ContentType);
  const bytes = Buffer.from(await new Response(a.Payload).arrayBuffer());
  const mineChunks = splitMatroskaChunks(bytes);
  const theirChunks = splitMatroskaChunks(Buffer.from(await b.Payload.transformToByteArray()));
  assert.equal(mineChunks.length, theirChunks.length);
  assert.ok(mineChunks.length >= 5);
  // Each chunk is the same but for the tag that says how far behind now it is, which moves with the clock.
  const TAGS = Buffer.from("1254c367", "hex");
  const steady = (chunk) => {
    const { AWS_KINESISVIDEO_MILLIS_BEHIND_NOW: behind, ...tags } = matroskaTags(chunk);
    assert.match(behind, /^\d+$/);
    return { media: chunk.subarray(0, chunk.lastIndexOf(TAGS)), tags };
  };
  mineChunks.forEach((chunk, i) => assert.deepEqual(steady(chunk), steady(theirChunks[i]), `chunk ${i}`));
  assert.equal(bytes.subarray(0, 4).toString("hex"), "1a45dfa3");
});

test("HLS and DASH sessions: URLs of the same endpoint that serve the same playlists", T, async () => {
  const mine = await ours.dataEndpointClient("GET_HLS_STREAMING_SESSION_URL", { StreamARN: arn });
  const theirs = await sdkDataClient("GET_HLS_STREAMING_SESSION_URL", SdkArchivedMedia.KinesisVideoArchivedMediaClient);
  const hls = { StreamARN: arn, PlaybackMode: "ON_DEMAND", HLSFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range(0, 9000) } };
  const a = (await mine.getHLSStreamingSessionURL(hls)).HLSStreamingSessionURL;
  const b = (await theirs.send(new SdkArchivedMedia.GetHLSStreamingSessionURLCommand(hls))).HLSStreamingSessionURL;
  const base = (u) => u.split("?")[0];
  assert.equal(base(a), base(b));
  const text = async (u) => (await fetch(u)).text();
  const playlist = async (master) => {
    const media = new URL((await text(master)).split("\n").find((l) => l && !l.startsWith("#")), master).href;
    return (await text(media)).replace(/SessionToken=[^&\s"]+/g, "SessionToken=…");
  };
  assert.equal(await playlist(a), await playlist(b));
  assert.match(await playlist(a), /#EXT-X-MAP:URI=/);

  const dashClient = await ours.dataEndpointClient("GET_DASH_STREAMING_SESSION_URL", { StreamARN: arn });
  const dash = { StreamARN: arn, PlaybackMode: "ON_DEMAND", DASHFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range(0, 9000) } };
  const c = (await dashClient.getDASHStreamingSessionURL(dash)).DASHStreamingSessionURL;
  const d = (await theirs.send(new SdkArchivedMedia.GetDASHStreamingSessionURLCommand(dash))).DASHStreamingSessionURL;
  const mpd = async (u) => (await text(u)).replace(/SessionToken=[^&\s"]+/g, "SessionToken=…");
  assert.equal(await mpd(c), await mpd(d));
  assert.match(await mpd(c), /<MPD/);
});

test("errors: the same names and messages", T, async () => {
  const mine = await ours.dataEndpointClient("GET_CLIP", { StreamARN: arn });
  const theirs = await sdkDataClient("GET_CLIP", SdkArchivedMedia.KinesisVideoArchivedMediaClient);
  const empty = { StreamARN: arn, ClipFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range(-600_000, -500_000) } };
  const a = await mine.getClip(empty).catch((e) => e);
  const b = await theirs.send(new SdkArchivedMedia.GetClipCommand(empty)).catch((e) => e);
  assert.equal(a.name, "ResourceNotFoundException");
  assert.equal(a.name, b.name);
  assert.equal(a.message, b.message);
  assert.equal(a.$metadata.httpStatusCode, b.$metadata.httpStatusCode);
});

test("WebRTC storage: JoinStorageSession at the channel's WEBRTC endpoint, the same answer", T, async () => {
  const { ChannelARN } = await ours.createSignalingChannel({ ChannelName: "storage-channel" });
  await new Promise((r) => setTimeout(r, 20));
  await ours.updateMediaStorageConfiguration({ ChannelARN, MediaStorageConfiguration: { Status: "ENABLED", StreamARN: arn } });
  const { ResourceEndpointList } = await ours.getSignalingChannelEndpoint({ ChannelARN, SingleMasterChannelEndpointConfiguration: { Protocols: ["WEBRTC"], Role: "MASTER" } });
  const endpoint = ResourceEndpointList[0].ResourceEndpoint;
  const mine = new KinesisVideoWebRTCStorageClient({ region: REGION, endpoint, credentials: { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey } });
  const theirs = new SdkWebRTCStorage.KinesisVideoWebRTCStorageClient(sdkOptions(endpoint));
  assert.deepEqual(strip(await mine.joinStorageSession({ channelArn: ChannelARN })), strip(await theirs.send(new SdkWebRTCStorage.JoinStorageSessionCommand({ channelArn: ChannelARN }))));
  const viewer = { channelArn: ChannelARN, clientId: "viewer-1" };
  assert.deepEqual(strip(await mine.joinStorageSessionAsViewer(viewer)), strip(await theirs.send(new SdkWebRTCStorage.JoinStorageSessionAsViewerCommand(viewer))));
  const bad = { channelArn: ChannelARN.replace(/\/\d+$/, "/1") };
  const a = await mine.joinStorageSession(bad).catch((e) => e);
  const b = await theirs.send(new SdkWebRTCStorage.JoinStorageSessionCommand(bad)).catch((e) => e);
  assert.equal(a.name, b.name);
  assert.equal(a.$metadata.httpStatusCode, b.$metadata.httpStatusCode);
});
