// One scenario across all 32 control-plane operations and both signaling data-plane operations,
// run by the model conformance test (raw signed requests) and the SDK test (the AWS SDK for JS).
// `api` adapts a client: call(operation, input), signaling(operation, input, httpsEndpoint),
// and epochMs(timestamp) since raw bodies carry epoch seconds and the SDK gives Dates.
// The endpoint runs on a test clock with long lifecycle delays: states that last "a while" on the
// service (CREATING, SYNCING, DELETING) are checked at leisure, then `elapse()` moves past them.
import assert from "node:assert/strict";
import { openSignaling, payloadOf, presignSignalingUrl, waitUntil } from "./helpers.mjs";

const API_NAMES = [
  "PUT_MEDIA",
  "GET_MEDIA",
  "LIST_FRAGMENTS",
  "GET_MEDIA_FOR_FRAGMENT_LIST",
  "GET_HLS_STREAMING_SESSION_URL",
  "GET_DASH_STREAMING_SESSION_URL",
  "GET_CLIP",
  "GET_IMAGES",
];

const HUB = "arn:aws:iot:us-west-2:123456789012:thing/hub-1";
const EDGE_CONFIG = {
  HubDeviceArn: HUB,
  RecorderConfig: {
    MediaSourceConfig: {
      MediaUriSecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:camera-uri",
      MediaUriType: "RTSP_URI",
    },
    ScheduleConfig: { ScheduleExpression: "0 0/5 * * * ?", DurationInSeconds: 300 },
  },
  UploaderConfig: { ScheduleConfig: { ScheduleExpression: "0 0 * * * ?", DurationInSeconds: 60 } },
  DeletionConfig: { EdgeRetentionInHours: 24, LocalSizeConfig: { MaxLocalMediaSizeInMB: 64, StrategyOnFullSize: "DELETE_OLDEST_MEDIA" }, DeleteAfterUpload: true },
};

/** A structure without its absent members: raw bodies carry them as null, the SDK as undefined. */
function present(value) {
  return JSON.parse(JSON.stringify(value, (_, item) => (item === null ? undefined : item)));
}

async function rejectsWith(promise, name) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    return true;
  });
}

/** Runs the scenario against an endpoint at `url` (HTTP base) for `accountId`, region us-west-2. */
export async function runScenario(api, { url, accountId, credentials, elapse }) {
  const { call } = api;
  const region = "us-west-2";
  const describe = async (name) => (await call("DescribeStream", { StreamName: name })).StreamInfo;
  const afterDelays = (check) => {
    elapse();
    return waitUntil(check, { timeoutMs: 1000 });
  };
  const waitActive = (name) => afterDelays(async () => (await describe(name)).Status === "ACTIVE");

  // ---- streams: create, CREATING → ACTIVE, duplicates, validation --------------------------
  const { StreamARN: cameraArn } = await call("CreateStream", {
    StreamName: "camera-1",
    DeviceName: "device-1",
    MediaType: "video/h264",
    DataRetentionInHours: 24,
    Tags: { site: "lab" },
  });
  assert.match(cameraArn, new RegExp(`^arn:aws:kinesisvideo:${region}:${accountId}:stream/camera-1/\\d{13}$`));
  await rejectsWith(call("CreateStream", { StreamName: "camera-1" }), "ResourceInUseException");
  await rejectsWith(call("CreateStream", { StreamName: "not a name" }), "InvalidArgumentException");
  await rejectsWith(call("CreateStream", { StreamName: "x".repeat(257) }), "InvalidArgumentException");

  let info = await describe("camera-1");
  assert.equal(info.Status, "CREATING");
  assert.equal(info.StreamARN, cameraArn);
  assert.equal(cameraArn.split("/")[2], String(api.epochMs(info.CreationTime)), "the ARN ends in the creation time in ms");
  assert.match(info.Version, /^[A-Za-z0-9]{20}$/);
  assert.equal(info.KmsKeyId, `arn:aws:kms:${region}:${accountId}:alias/aws/kinesisvideo`);
  assert.equal(info.DataRetentionInHours, 24);
  await rejectsWith(call("GetDataEndpoint", { StreamName: "camera-1", APIName: "PUT_MEDIA" }), "ResourceNotFoundException");
  await rejectsWith(call("DescribeStream", { StreamName: "absent" }), "ResourceNotFoundException");
  await rejectsWith(call("DescribeStream", {}), "InvalidArgumentException");
  await waitActive("camera-1");

  for (const name of ["camera-2", "camera-3", "other-1"]) await call("CreateStream", { StreamName: name });
  assert.equal((await describe("other-1")).DataRetentionInHours, 0);
  await waitActive("other-1");

  // ---- listing with BEGINS_WITH and opaque tokens ---------------------------------------------
  assert.equal((await call("ListStreams", {})).StreamInfoList.length, 4);
  const condition = { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "camera" };
  const first = await call("ListStreams", { MaxResults: 2, StreamNameCondition: condition });
  assert.deepEqual(first.StreamInfoList.map((s) => s.StreamName), ["camera-1", "camera-2"]);
  assert.ok(first.NextToken);
  const second = await call("ListStreams", { MaxResults: 2, StreamNameCondition: condition, NextToken: first.NextToken });
  assert.deepEqual(second.StreamInfoList.map((s) => s.StreamName), ["camera-3"]);
  assert.ok(!second.NextToken, "no NextToken on the last page");
  await rejectsWith(call("ListStreams", { NextToken: "bm90IGEgdG9rZW4=" }), "InvalidArgumentException");
  await rejectsWith(call("ListStreams", { MaxResults: 0 }), "InvalidArgumentException");

  // ---- data endpoints for every API ----------------------------------------------------------
  for (const APIName of API_NAMES) {
    const { DataEndpoint } = await call("GetDataEndpoint", { StreamARN: cameraArn, APIName });
    const prefix = APIName === "PUT_MEDIA" || APIName === "GET_MEDIA" ? "s" : "b";
    assert.match(DataEndpoint, new RegExp(`^${url}/data/${prefix}-[0-9a-f]{8}$`));
  }
  await rejectsWith(call("GetDataEndpoint", { StreamName: "camera-1", APIName: "PLAY" }), "InvalidArgumentException");

  // ---- updates: versions, retention arithmetic --------------------------------------------
  const version1 = info.Version;
  await rejectsWith(call("UpdateStream", { StreamName: "camera-1", CurrentVersion: "stale", MediaType: "video/h265" }), "VersionMismatchException");
  await call("UpdateStream", { StreamName: "camera-1", CurrentVersion: version1, MediaType: "video/h265" });
  info = await describe("camera-1");
  assert.equal(info.MediaType, "video/h265");
  assert.notEqual(info.Version, version1, "every update gives a new version");
  await call("UpdateDataRetention", { StreamARN: cameraArn, CurrentVersion: info.Version, Operation: "INCREASE_DATA_RETENTION", DataRetentionChangeInHours: 24 });
  info = await describe("camera-1");
  assert.equal(info.DataRetentionInHours, 48, "INCREASE adds to the period");
  await rejectsWith(
    call("UpdateDataRetention", { StreamName: "camera-1", CurrentVersion: info.Version, Operation: "DECREASE_DATA_RETENTION", DataRetentionChangeInHours: 100 }),
    "InvalidArgumentException",
  );
  await call("UpdateDataRetention", { StreamName: "camera-1", CurrentVersion: info.Version, Operation: "DECREASE_DATA_RETENTION", DataRetentionChangeInHours: 8 });
  info = await describe("camera-1");
  assert.equal(info.DataRetentionInHours, 40, "DECREASE subtracts from the period");

  // ---- stream tags ---------------------------------------------------------------------------
  await call("TagStream", { StreamName: "camera-1", Tags: { owner: "team-a", floor: "2" } });
  assert.deepEqual((await call("ListTagsForStream", { StreamARN: cameraArn })).Tags, { site: "lab", owner: "team-a", floor: "2" });
  await call("UntagStream", { StreamARN: cameraArn, TagKeyList: ["floor"] });
  assert.deepEqual((await call("ListTagsForStream", { StreamName: "camera-1" })).Tags, { site: "lab", owner: "team-a" });
  const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
  await rejectsWith(call("TagStream", { StreamName: "camera-1", Tags: many }), "TagsPerResourceExceededLimitException");
  await rejectsWith(call("TagStream", { StreamName: "camera-1", Tags: { ...many, k49: "v", k50: "v" } }), "InvalidArgumentException");

  // ---- image generation, notifications, storage ----------------------------------------------
  assert.equal((await call("DescribeImageGenerationConfiguration", { StreamName: "camera-1" })).ImageGenerationConfiguration ?? null, null);
  const imageConfig = {
    Status: "ENABLED",
    ImageSelectorType: "SERVER_TIMESTAMP",
    DestinationConfig: { Uri: "s3://bucket/images", DestinationRegion: region },
    SamplingInterval: 3000,
    Format: "JPEG",
    FormatConfig: { JPEGQuality: "80" },
    WidthPixels: 640,
    HeightPixels: 480,
  };
  await call("UpdateImageGenerationConfiguration", { StreamName: "camera-1", ImageGenerationConfiguration: imageConfig });
  assert.deepEqual(present((await call("DescribeImageGenerationConfiguration", { StreamARN: cameraArn })).ImageGenerationConfiguration), imageConfig);
  await rejectsWith(call("UpdateImageGenerationConfiguration", { StreamName: "other-1", ImageGenerationConfiguration: imageConfig }), "NoDataRetentionException");
  await rejectsWith(
    call("UpdateImageGenerationConfiguration", {
      StreamName: "camera-1",
      ImageGenerationConfiguration: { ...imageConfig, DestinationConfig: { Uri: "s3://bucket/images", DestinationRegion: "eu-west-1" } },
    }),
    "InvalidArgumentException",
  );

  assert.equal((await call("DescribeNotificationConfiguration", { StreamName: "camera-1" })).NotificationConfiguration ?? null, null);
  const notification = { Status: "ENABLED", DestinationConfig: { Uri: "arn:aws:sns:us-west-2:123456789012/topic" } };
  await call("UpdateNotificationConfiguration", { StreamName: "camera-1", NotificationConfiguration: notification });
  assert.deepEqual(present((await call("DescribeNotificationConfiguration", { StreamName: "camera-1" })).NotificationConfiguration), notification);

  let storage = await call("DescribeStreamStorageConfiguration", { StreamName: "camera-1" });
  assert.deepEqual(present(storage.StreamStorageConfiguration), { DefaultStorageTier: "HOT" });
  info = await describe("camera-1");
  await rejectsWith(
    call("UpdateStreamStorageConfiguration", { StreamName: "camera-1", CurrentVersion: "stale", StreamStorageConfiguration: { DefaultStorageTier: "WARM" } }),
    "VersionMismatchException",
  );
  await call("UpdateStreamStorageConfiguration", { StreamName: "camera-1", CurrentVersion: info.Version, StreamStorageConfiguration: { DefaultStorageTier: "WARM" } });
  storage = await call("DescribeStreamStorageConfiguration", { StreamARN: cameraArn });
  assert.equal(storage.StreamARN, cameraArn);
  assert.deepEqual(present(storage.StreamStorageConfiguration), { DefaultStorageTier: "WARM" });

  // ---- edge configuration: SYNCING → IN_SYNC, DELETING → gone ----------------------------------
  await rejectsWith(call("DescribeEdgeConfiguration", { StreamName: "camera-1" }), "StreamEdgeConfigurationNotFoundException");
  await rejectsWith(call("StartEdgeConfigurationUpdate", { StreamName: "other-1", EdgeConfig: EDGE_CONFIG }), "NoDataRetentionException");
  const started = await call("StartEdgeConfigurationUpdate", { StreamName: "camera-1", EdgeConfig: EDGE_CONFIG });
  assert.equal(started.SyncStatus, "SYNCING");
  assert.deepEqual(present(started.EdgeConfig), EDGE_CONFIG);
  await rejectsWith(call("StartEdgeConfigurationUpdate", { StreamName: "camera-1", EdgeConfig: EDGE_CONFIG }), "ResourceInUseException");
  await afterDelays(async () => (await call("DescribeEdgeConfiguration", { StreamARN: cameraArn })).SyncStatus === "IN_SYNC");
  const edges = await call("ListEdgeAgentConfigurations", { HubDeviceArn: HUB, MaxResults: 10 });
  assert.deepEqual(edges.EdgeConfigs.map((e) => e.StreamName), ["camera-1"]);
  assert.equal((await call("ListEdgeAgentConfigurations", { HubDeviceArn: `${HUB}-other` })).EdgeConfigs.length, 0);
  await call("DeleteEdgeConfiguration", { StreamName: "camera-1" });
  assert.equal((await call("DescribeEdgeConfiguration", { StreamName: "camera-1" })).SyncStatus, "DELETING");
  await afterDelays(() =>
    call("DescribeEdgeConfiguration", { StreamName: "camera-1" }).then(
      () => false,
      (error) => error.name === "StreamEdgeConfigurationNotFoundException",
    ),
  );
  await rejectsWith(call("DeleteEdgeConfiguration", { StreamName: "camera-1" }), "StreamEdgeConfigurationNotFoundException");

  // ---- signaling channels ------------------------------------------------------------------
  const { ChannelARN: channelArn } = await call("CreateSignalingChannel", { ChannelName: "door-1", Tags: [{ Key: "site", Value: "lab" }] });
  assert.match(channelArn, new RegExp(`^arn:aws:kinesisvideo:${region}:${accountId}:channel/door-1/\\d{13}$`));
  await rejectsWith(call("CreateSignalingChannel", { ChannelName: "door-1" }), "ResourceInUseException");
  await rejectsWith(call("CreateSignalingChannel", { ChannelName: "door-2", SingleMasterConfiguration: { MessageTtlSeconds: 4 } }), "InvalidArgumentException");
  let channel = (await call("DescribeSignalingChannel", { ChannelName: "door-1" })).ChannelInfo;
  assert.equal(channel.ChannelType, "SINGLE_MASTER");
  assert.equal(channel.SingleMasterConfiguration.MessageTtlSeconds, 60);
  assert.equal(channel.ChannelStatus, "CREATING");
  await rejectsWith(call("GetSignalingChannelEndpoint", { ChannelARN: channelArn }), "ResourceInUseException");
  await afterDelays(async () => (await call("DescribeSignalingChannel", { ChannelARN: channelArn })).ChannelInfo.ChannelStatus === "ACTIVE");
  await call("CreateSignalingChannel", { ChannelName: "gate-1" });
  const listed = await call("ListSignalingChannels", { ChannelNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "door" } });
  assert.deepEqual(listed.ChannelInfoList.map((c) => c.ChannelName), ["door-1"]);
  const page = await call("ListSignalingChannels", { MaxResults: 1 });
  assert.equal(page.ChannelInfoList.length, 1);
  assert.ok(page.NextToken);

  channel = (await call("DescribeSignalingChannel", { ChannelARN: channelArn })).ChannelInfo;
  await rejectsWith(call("UpdateSignalingChannel", { ChannelARN: channelArn, CurrentVersion: "stale" }), "VersionMismatchException");
  await call("UpdateSignalingChannel", { ChannelARN: channelArn, CurrentVersion: channel.Version, SingleMasterConfiguration: { MessageTtlSeconds: 30 } });
  const updatedChannel = (await call("DescribeSignalingChannel", { ChannelARN: channelArn })).ChannelInfo;
  assert.equal(updatedChannel.SingleMasterConfiguration.MessageTtlSeconds, 30);
  assert.notEqual(updatedChannel.Version, channel.Version);

  const endpointsOf = async (Role, Protocols) =>
    Object.fromEntries(
      (await call("GetSignalingChannelEndpoint", { ChannelARN: channelArn, SingleMasterChannelEndpointConfiguration: { Protocols, Role } }))
        .ResourceEndpointList.map((e) => [e.Protocol, e.ResourceEndpoint]),
    );
  const master = await endpointsOf("MASTER", ["WSS", "HTTPS"]);
  const wsBase = url.replace(/^http/, "ws");
  assert.match(master.WSS, new RegExp(`^${wsBase}/signaling/m-[0-9a-f]{8}$`));
  assert.match(master.HTTPS, new RegExp(`^${url}/signaling/r-[0-9a-f]{8}$`));
  const viewer = await endpointsOf("VIEWER", ["WSS"]);
  assert.match(viewer.WSS, new RegExp(`^${wsBase}/signaling/v-[0-9a-f]{8}$`));
  await rejectsWith(endpointsOf("VIEWER", ["WEBRTC"]), "InvalidArgumentException");

  // ---- media storage mapping -------------------------------------------------------------------
  assert.deepEqual(present((await call("DescribeMediaStorageConfiguration", { ChannelName: "door-1" })).MediaStorageConfiguration), {
    Status: "DISABLED",
  });
  await rejectsWith(
    call("UpdateMediaStorageConfiguration", { ChannelARN: channelArn, MediaStorageConfiguration: { StreamARN: (await describe("other-1")).StreamARN, Status: "ENABLED" } }),
    "NoDataRetentionException",
  );
  await call("UpdateMediaStorageConfiguration", { ChannelARN: channelArn, MediaStorageConfiguration: { StreamARN: cameraArn, Status: "ENABLED" } });
  assert.deepEqual((await call("DescribeMediaStorageConfiguration", { ChannelARN: channelArn })).MediaStorageConfiguration, {
    StreamARN: cameraArn,
    Status: "ENABLED",
  });
  const mapped = await call("DescribeMappedResourceConfiguration", { StreamName: "camera-1" });
  assert.deepEqual(mapped.MappedResourceConfigurationList.map((m) => m.ARN), [channelArn]);
  assert.equal((await call("DescribeMappedResourceConfiguration", { StreamName: "camera-2", MaxResults: 1 })).MappedResourceConfigurationList.length, 0);
  assert.match((await endpointsOf("MASTER", ["WEBRTC"])).WEBRTC, new RegExp(`^${url}/signaling/w-[0-9a-f]{8}$`));
  await rejectsWith(call("DeleteStream", { StreamARN: cameraArn }), "ResourceInUseException");
  await call("UpdateMediaStorageConfiguration", { ChannelARN: channelArn, MediaStorageConfiguration: { Status: "DISABLED" } });

  // ---- resource tags (channels, and streams by ARN) --------------------------------------------
  await call("TagResource", { ResourceARN: channelArn, Tags: [{ Key: "owner", Value: "team-b" }] });
  assert.deepEqual((await call("ListTagsForResource", { ResourceARN: channelArn })).Tags, { site: "lab", owner: "team-b" });
  await call("UntagResource", { ResourceARN: channelArn, TagKeyList: ["site"] });
  assert.deepEqual((await call("ListTagsForResource", { ResourceARN: channelArn })).Tags, { owner: "team-b" });
  await call("TagResource", { ResourceARN: cameraArn, Tags: [{ Key: "via", Value: "arn" }] });
  assert.equal((await call("ListTagsForStream", { StreamName: "camera-1" })).Tags.via, "arn");
  await rejectsWith(call("ListTagsForStream", { StreamARN: channelArn }), "InvalidResourceFormatException");
  await rejectsWith(call("ListTagsForResource", { ResourceARN: channelArn.replace("door-1", "door-9") }), "ResourceNotFoundException");

  // ---- signaling data plane over the channel's HTTPS endpoint ------------------------------------
  const ice = await api.signaling("GetIceServerConfig", { ChannelARN: channelArn, ClientId: "viewer-1" }, master.HTTPS);
  assert.equal(ice.IceServerList.length, 2);
  for (const server of ice.IceServerList) {
    assert.equal(server.Ttl, 300);
    assert.match(server.Password, /^[A-Za-z0-9+/]{43}=$/);
    assert.match(server.Username, /^\d{10}:[A-Za-z0-9+/=]+$/);
    assert.ok(server.Uris.every((uri) => /^turns?:127\.0\.0\.1:\d+\?transport=(udp|tcp)$/.test(uri)), server.Uris.join(" "));
  }
  await rejectsWith(
    api.signaling("SendAlexaOfferToMaster", { ChannelARN: channelArn, SenderClientId: "alexa-1", MessagePayload: "eyJ0eXBlIjoib2ZmZXIifQ==" }, master.HTTPS),
    "ResourceNotFoundException",
  );
  // With a master connected, the offer reaches it over the WebSocket and its answer comes back.
  const masterConnection = await openSignaling(await presignSignalingUrl(master.WSS, { channelArn, credentials }));
  const offer = payloadOf({ type: "offer", sdp: "v=0 alexa" });
  const alexa = api.signaling("SendAlexaOfferToMaster", { ChannelARN: channelArn, SenderClientId: "alexa-1", MessagePayload: offer }, master.HTTPS);
  assert.deepEqual(await masterConnection.next(), { senderClientId: "alexa-1", messageType: "SDP_OFFER", messagePayload: offer });
  const answer = payloadOf({ type: "answer", sdp: "v=0 master" });
  masterConnection.send({ action: "SDP_ANSWER", recipientClientId: "alexa-1", messagePayload: answer });
  assert.equal((await alexa).Answer, answer);
  await masterConnection.close();

  // ---- deletion: DELETING, then gone ------------------------------------------------------------
  await rejectsWith(call("DeleteSignalingChannel", { ChannelARN: channelArn, CurrentVersion: "stale" }), "VersionMismatchException");
  await call("DeleteSignalingChannel", { ChannelARN: channelArn });
  assert.equal((await call("DescribeSignalingChannel", { ChannelARN: channelArn })).ChannelInfo.ChannelStatus, "DELETING");
  await afterDelays(() =>
    call("DescribeSignalingChannel", { ChannelARN: channelArn }).then(
      () => false,
      (error) => error.name === "ResourceNotFoundException",
    ),
  );
  info = await describe("camera-1");
  await rejectsWith(call("DeleteStream", { StreamARN: cameraArn, CurrentVersion: "stale" }), "VersionMismatchException");
  await call("DeleteStream", { StreamARN: cameraArn, CurrentVersion: info.Version });
  assert.equal((await describe("camera-1")).Status, "DELETING");
  await rejectsWith(call("CreateStream", { StreamName: "camera-1" }), "ResourceInUseException");
  await afterDelays(() => describe("camera-1").then(() => false, (error) => error.name === "ResourceNotFoundException"));
  await rejectsWith(call("DeleteStream", { StreamARN: cameraArn }), "ResourceNotFoundException");
}
