// The AWS SDK for JavaScript v3 media clients (archived media, media, WebRTC storage), pointed at
// the endpoints GetDataEndpoint and GetSignalingChannelEndpoint give, sign, send and parse every
// media operation unchanged.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as ArchivedMedia from "@aws-sdk/client-kinesis-video-archived-media";
import * as KinesisVideo from "@aws-sdk/client-kinesis-video";
import * as Media from "@aws-sdk/client-kinesis-video-media";
import * as WebRTCStorage from "@aws-sdk/client-kinesis-video-webrtc-storage";
import { matroskaTags, mp4Boxes, splitMatroskaChunks } from "./media/containers.mjs";
import { credentialsOf, REGION, startTestEndpoint, waitUntil } from "./helpers.mjs";
import { CLIP_FRAGMENTS, EBML_MAGIC, ffprobe, FRAGMENT_MS, getUnsigned, JPEG_MAGIC } from "./media-helpers.mjs";

let endpoint;
let control;
let streamArn;
let archived; // the archived-media client at the stream's `b-` endpoint
let seeded;
const T0 = Math.floor(Date.now() / 1000) * 1000 - 60000;

const clientOptions = () => ({ region: REGION, credentials: credentialsOf(endpoint), maxAttempts: 1 });

before(async () => {
  endpoint = await startTestEndpoint();
  control = new KinesisVideo.KinesisVideoClient({ endpoint: endpoint.url, ...clientOptions() });
  ({ StreamARN: streamArn } = await control.send(new KinesisVideo.CreateStreamCommand({ StreamName: "sdk-cam", DataRetentionInHours: 2 })));
  await waitUntil(async () => (await control.send(new KinesisVideo.DescribeStreamCommand({ StreamARN: streamArn }))).StreamInfo.Status === "ACTIVE");
  seeded = await endpoint.seedStreamMedia({ streamArn, startTimestamp: new Date(T0) });
  const { DataEndpoint } = await control.send(new KinesisVideo.GetDataEndpointCommand({ StreamARN: streamArn, APIName: "GET_CLIP" }));
  archived = new ArchivedMedia.KinesisVideoArchivedMediaClient({ endpoint: DataEndpoint, ...clientOptions() });
}, { timeout: 60000 });
after(() => endpoint.close());

const window = (from, to) => ({ StartTimestamp: new Date(T0 + from), EndTimestamp: new Date(T0 + to) });

test("ListFragments through the SDK's paginator", { timeout: 10000 }, async () => {
  const fragments = [];
  const selector = { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: window(0, 9000) };
  for await (const page of ArchivedMedia.paginateListFragments({ client: archived, pageSize: 4 }, { StreamARN: streamArn, FragmentSelector: selector })) {
    assert.ok(page.Fragments.length <= 4);
    fragments.push(...page.Fragments);
  }
  assert.deepEqual(fragments.map((f) => f.FragmentNumber), seeded.fragments.map((f) => f.fragmentNumber));
  assert.ok(fragments[0].ProducerTimestamp instanceof Date, "timestamps parse into Dates");
  assert.equal(fragments[0].ProducerTimestamp.getTime(), T0);
  assert.equal(fragments[3].FragmentLengthInMilliseconds, FRAGMENT_MS);
  assert.equal(typeof fragments[3].FragmentSizeInBytes, "number");
});

test("GetClip and GetMediaForFragmentList give their bytes and Content-Type", { timeout: 20000 }, async () => {
  const clip = await archived.send(new ArchivedMedia.GetClipCommand({
    StreamARN: streamArn,
    ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: window(0, 9500) },
  }));
  assert.equal(clip.ContentType, "video/mp4");
  const mp4 = Buffer.from(await clip.Payload.transformToByteArray());
  assert.equal(mp4Boxes(mp4)[0].type, "ftyp");
  const probe = await ffprobe(mp4, "mp4");
  assert.equal(probe.streams[0].codec_name, "h264");
  assert.ok(Math.abs(Number(probe.format.duration) - 10) < 0.1);

  const wanted = seeded.fragments.slice(3, 5).map((f) => f.fragmentNumber);
  const list = await archived.send(new ArchivedMedia.GetMediaForFragmentListCommand({ StreamARN: streamArn, Fragments: wanted }));
  assert.equal(list.ContentType, "video/webm");
  const mkv = Buffer.from(await list.Payload.transformToByteArray());
  assert.deepEqual(mkv.subarray(0, 4), EBML_MAGIC);
  assert.deepEqual(splitMatroskaChunks(mkv).map((chunk) => matroskaTags(chunk).AWS_KINESISVIDEO_FRAGMENT_NUMBER), wanted);
});

test("GetImages through the SDK's paginator", { timeout: 20000 }, async () => {
  const images = [];
  const input = { StreamARN: streamArn, ImageSelectorType: "PRODUCER_TIMESTAMP", ...window(0, 9800), SamplingInterval: 200, Format: "JPEG" };
  for await (const page of ArchivedMedia.paginateGetImages({ client: archived }, input)) images.push(...page.Images);
  assert.equal(images.length, 50);
  assert.ok(images[7].TimeStamp instanceof Date);
  assert.equal(images[7].TimeStamp.getTime(), T0 + 1400);
  for (const image of images) assert.deepEqual(Buffer.from(image.ImageContent, "base64").subarray(0, 3), JPEG_MAGIC);
});

test("GetHLSStreamingSessionURL and GetDASHStreamingSessionURL give URLs a player can fetch", { timeout: 20000 }, async () => {
  const { HLSStreamingSessionURL } = await archived.send(new ArchivedMedia.GetHLSStreamingSessionURLCommand({
    StreamARN: streamArn,
    PlaybackMode: "ON_DEMAND",
    HLSFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: window(0, 9000) },
  }));
  const master = await getUnsigned(HLSStreamingSessionURL);
  const media = await getUnsigned(new URL(master.text.trim().split("\n").at(-1), HLSStreamingSessionURL).href);
  assert.equal(media.text.match(/^getMP4MediaFragment\.mp4/gm).length, CLIP_FRAGMENTS);

  const { DASHStreamingSessionURL } = await archived.send(new ArchivedMedia.GetDASHStreamingSessionURLCommand({
    StreamName: "sdk-cam",
    PlaybackMode: "ON_DEMAND",
    DASHFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: window(0, 9000) },
  }));
  const mpd = await getUnsigned(DASHStreamingSessionURL);
  assert.equal(mpd.text.match(/<S t=/g).length, CLIP_FRAGMENTS);
});

test("archived-media errors carry the modeled name, message, status and request id", { timeout: 10000 }, async () => {
  await assert.rejects(
    archived.send(new ArchivedMedia.GetClipCommand({
      StreamARN: streamArn,
      ClipFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: window(-60000, -30000) },
    })),
    (error) => {
      assert.ok(error instanceof ArchivedMedia.ResourceNotFoundException);
      assert.equal(error.$metadata.httpStatusCode, 404);
      assert.match(error.$metadata.requestId, /^[0-9a-f-]{36}$/);
      assert.match(error.message, /no fragments/);
      return true;
    },
  );
  await assert.rejects(
    archived.send(new ArchivedMedia.GetHLSStreamingSessionURLCommand({ StreamARN: streamArn, PlaybackMode: "ON_DEMAND" })),
    ArchivedMedia.InvalidArgumentException,
  );
});

test("GetMedia through the media client streams the chunks", { timeout: 20000 }, async () => {
  const { DataEndpoint } = await control.send(new KinesisVideo.GetDataEndpointCommand({ StreamARN: streamArn, APIName: "GET_MEDIA" }));
  assert.match(DataEndpoint, /\/data\/s-[0-9a-f]{8}$/);
  const client = new Media.KinesisVideoMediaClient({ endpoint: DataEndpoint, ...clientOptions() });
  const output = await client.send(new Media.GetMediaCommand({ StreamARN: streamArn, StartSelector: { StartSelectorType: "EARLIEST" } }));
  assert.equal(output.ContentType, "video/webm");
  const mkv = Buffer.from(await output.Payload.transformToByteArray());
  assert.deepEqual(mkv.subarray(0, 4), EBML_MAGIC);
  assert.equal(splitMatroskaChunks(mkv).length, CLIP_FRAGMENTS);
  const probe = await ffprobe(mkv, "mkv", { packets: true });
  assert.equal(probe.streams[0].codec_name, "h264");
  assert.equal(probe.packets.length, CLIP_FRAGMENTS * 25);

  await assert.rejects(
    client.send(new Media.GetMediaCommand({ StreamARN: streamArn, StartSelector: { StartSelectorType: "FRAGMENT_NUMBER" } })),
    Media.InvalidArgumentException,
  );
});

test("JoinStorageSession and JoinStorageSessionAsViewer through the WebRTC storage client", { timeout: 20000 }, async () => {
  const { ChannelARN } = await control.send(new KinesisVideo.CreateSignalingChannelCommand({ ChannelName: "sdk-storage" }));
  await waitUntil(async () => (await control.send(new KinesisVideo.DescribeSignalingChannelCommand({ ChannelARN }))).ChannelInfo.ChannelStatus === "ACTIVE");
  await control.send(new KinesisVideo.UpdateMediaStorageConfigurationCommand({ ChannelARN, MediaStorageConfiguration: { Status: "ENABLED", StreamARN: streamArn } }));
  const { ResourceEndpointList } = await control.send(new KinesisVideo.GetSignalingChannelEndpointCommand({
    ChannelARN,
    SingleMasterChannelEndpointConfiguration: { Protocols: ["WEBRTC"], Role: "MASTER" },
  }));
  const client = new WebRTCStorage.KinesisVideoWebRTCStorageClient({ endpoint: ResourceEndpointList[0].ResourceEndpoint, ...clientOptions() });
  const joined = await client.send(new WebRTCStorage.JoinStorageSessionCommand({ channelArn: ChannelARN }));
  assert.equal(joined.$metadata.httpStatusCode, 200);
  const viewer = await client.send(new WebRTCStorage.JoinStorageSessionAsViewerCommand({ channelArn: ChannelARN, clientId: "sdk-viewer" }));
  assert.equal(viewer.$metadata.httpStatusCode, 200);

  await control.send(new KinesisVideo.UpdateMediaStorageConfigurationCommand({ ChannelARN, MediaStorageConfiguration: { Status: "DISABLED" } }));
  await assert.rejects(client.send(new WebRTCStorage.JoinStorageSessionCommand({ channelArn: ChannelARN })), (error) => {
    assert.ok(error instanceof WebRTCStorage.InvalidArgumentException);
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /media storage/);
    return true;
  });
});
