// A strict TypeScript consumer: every operation with typed input and typed output, the signers,
// connectSignaling, the signaling session, the peers, guest credentials, the paginators and the
// waiters. Compiled with `tsc --strict --noEmit`; never run.
import init, {
  KinesisVideoClient,
  KinesisVideoSignalingClient,
  SignalingSession,
  connectMaster,
  connectViewer,
  filterSdpCodecs,
  fromCognitoIdentityPool,
  initSync,
  KinesisVideoArchivedMediaClient,
  KinesisVideoMediaClient,
  KinesisVideoWebRTCStorageClient,
  paginateDescribeMappedResourceConfiguration,
  paginateGetImages,
  paginateListFragments,
  paginateListEdgeAgentConfigurations,
  paginateListSignalingChannels,
  paginateListStreams,
  presignSignalingUrl,
  presignUrl,
  signRequest,
  waitUntilSignalingChannelActive,
  waitUntilSignalingChannelDeleted,
  waitUntilStreamActive,
  waitUntilStreamDeleted,
  type ChannelProtocol,
  type Credentials,
  type CredentialsProvider,
  type IceServer,
  type KinesisVideoError,
  type MasterConnection,
  type SignalingConnection,
  type ViewerConnection,
  type SignedHttpRequest,
  type StreamInfo,
} from "kinesis-video-wasm";
import initWeb, { KinesisVideoClient as WebClient } from "kinesis-video-wasm/web";

const credentials: Credentials = { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token", expiration: new Date() };
const provider: CredentialsProvider = async () => credentials;

export async function everything(): Promise<void> {
  await init();
  const output = await initWeb({ module_or_path: new URL("https://example.com/kinesis_video_wasm_bg.wasm") });
  const memory: WebAssembly.Memory = output.memory;
  initSync({ module: new Uint8Array(0) });
  void memory;

  const c = new KinesisVideoClient({ region: "us-west-2", credentials: provider, maxAttempts: 5, requestTimeoutMs: 3000 });
  const w: WebClient = c;
  const endpoint: string = w.endpoint;
  const signal = new AbortController().signal;

  // 32 control-plane operations.
  const a1: string | undefined = (await c.createSignalingChannel({ ChannelName: "ch", ChannelType: "SINGLE_MASTER", SingleMasterConfiguration: { MessageTtlSeconds: 60 }, Tags: [{ Key: "k", Value: "v" }] })).ChannelARN;
  const a2: string | undefined = (await c.createStream({ StreamName: "s", DataRetentionInHours: 24, MediaType: "video/h264", Tags: { k: "v" }, StreamStorageConfiguration: { DefaultStorageTier: "WARM" } }, { abortSignal: signal })).StreamARN;
  const a3: number | undefined = (await c.deleteEdgeConfiguration({ StreamName: "s" })).$metadata.httpStatusCode;
  const a4: number = (await c.deleteSignalingChannel({ ChannelARN: "arn", CurrentVersion: "1" })).$metadata.attempts;
  const a5: string | undefined = (await c.deleteStream({ StreamARN: "arn" })).$metadata.requestId;
  const a6: Date | undefined = (await c.describeEdgeConfiguration({ StreamARN: "arn" })).EdgeConfig?.RecorderConfig?.ScheduleConfig ? new Date() : undefined;
  const a7: number | undefined = (await c.describeImageGenerationConfiguration({ StreamName: "s" })).ImageGenerationConfiguration?.SamplingInterval;
  const a8: string | undefined = (await c.describeMappedResourceConfiguration({ StreamName: "s", MaxResults: 1 })).MappedResourceConfigurationList?.[0]?.ARN;
  const a9: string | undefined = (await c.describeMediaStorageConfiguration({ ChannelName: "ch" })).MediaStorageConfiguration?.Status;
  const a10: string | undefined = (await c.describeNotificationConfiguration({ StreamName: "s" })).NotificationConfiguration?.DestinationConfig?.Uri;
  const a11: Date | undefined = (await c.describeSignalingChannel({ ChannelName: "ch" })).ChannelInfo?.CreationTime;
  const a12: Date | undefined = (await c.describeStream({ StreamName: "x" })).StreamInfo?.CreationTime;
  const a13: string | undefined = (await c.describeStreamStorageConfiguration({ StreamName: "s" })).StreamStorageConfiguration?.DefaultStorageTier;
  const a14: string | undefined = (await c.getDataEndpoint({ StreamName: "s", APIName: "GET_HLS_STREAMING_SESSION_URL" })).DataEndpoint;
  const protocol: ChannelProtocol | string | undefined = (await c.getSignalingChannelEndpoint({ ChannelARN: "arn", SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: "VIEWER" } })).ResourceEndpointList?.[0]?.Protocol;
  const a16: Date | undefined = (await c.listEdgeAgentConfigurations({ HubDeviceArn: "arn", MaxResults: 10 })).EdgeConfigs?.[0]?.LastUpdatedTime;
  const a17: string | undefined = (await c.listSignalingChannels({ ChannelNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "c" } })).ChannelInfoList?.[0]?.ChannelStatus;
  const a18: StreamInfo[] | undefined = (await c.listStreams({ MaxResults: 10, StreamNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "s" } })).StreamInfoList;
  const a19: Record<string, string> | undefined = (await c.listTagsForResource({ ResourceARN: "arn" })).Tags;
  const a20: string | undefined = (await c.listTagsForStream({ StreamName: "s" })).NextToken;
  const a21: string | undefined = (await c.startEdgeConfigurationUpdate({
    StreamName: "s",
    EdgeConfig: {
      HubDeviceArn: "arn",
      RecorderConfig: { MediaSourceConfig: { MediaUriSecretArn: "arn", MediaUriType: "RTSP_URI" }, ScheduleConfig: { ScheduleExpression: "0 0 * * * ?", DurationInSeconds: 60 } },
      UploaderConfig: { ScheduleConfig: { ScheduleExpression: "0 0 * * * ?", DurationInSeconds: 60 } },
      DeletionConfig: { EdgeRetentionInHours: 1, LocalSizeConfig: { MaxLocalMediaSizeInMB: 64, StrategyOnFullSize: "DELETE_OLDEST_MEDIA" }, DeleteAfterUpload: true },
    },
  })).SyncStatus;
  await c.tagResource({ ResourceARN: "arn", Tags: [{ Key: "k", Value: "v" }] });
  await c.tagStream({ StreamName: "s", Tags: { k: "v" } });
  await c.untagResource({ ResourceARN: "arn", TagKeyList: ["k"] });
  await c.untagStream({ StreamName: "s", TagKeyList: ["k"] });
  await c.updateDataRetention({ StreamName: "s", CurrentVersion: "1", Operation: "INCREASE_DATA_RETENTION", DataRetentionChangeInHours: 1 });
  await c.updateImageGenerationConfiguration({
    StreamName: "s",
    ImageGenerationConfiguration: {
      Status: "ENABLED",
      ImageSelectorType: "SERVER_TIMESTAMP",
      DestinationConfig: { Uri: "s3://b", DestinationRegion: "us-west-2" },
      SamplingInterval: 3000,
      Format: "JPEG",
      FormatConfig: { JPEGQuality: "80" },
      WidthPixels: 640,
    },
  });
  await c.updateMediaStorageConfiguration({ ChannelARN: "arn", MediaStorageConfiguration: { StreamARN: "arn", Status: "ENABLED" } });
  await c.updateNotificationConfiguration({ StreamName: "s", NotificationConfiguration: { Status: "DISABLED", DestinationConfig: { Uri: "arn" } } });
  await c.updateSignalingChannel({ ChannelARN: "arn", CurrentVersion: "1", SingleMasterConfiguration: { MessageTtlSeconds: 120 } });
  await c.updateStream({ StreamName: "s", CurrentVersion: "1", MediaType: "video/h265" });
  const a32: number = (await c.updateStreamStorageConfiguration({ StreamName: "s", CurrentVersion: "1", StreamStorageConfiguration: { DefaultStorageTier: "HOT" } })).$metadata.totalRetryDelay;

  // The 2 signaling data-plane operations.
  const s = new KinesisVideoSignalingClient({ region: "us-west-2", credentials, endpoint: "https://r-1.kinesisvideo.us-west-2.amazonaws.com" });
  const ice: string[] | undefined = (await s.getIceServerConfig({ ChannelARN: "arn", ClientId: "v", Service: "TURN" })).IceServerList?.[0]?.Uris;
  const answer: string | undefined = (await s.sendAlexaOfferToMaster({ ChannelARN: "arn", SenderClientId: "v", MessagePayload: "e30=" })).Answer;

  // The media services: archived media (6), media (1), WebRTC storage (2).
  const range = { StartTimestamp: new Date(0), EndTimestamp: new Date() };
  const m: KinesisVideoArchivedMediaClient = await c.dataEndpointClient("GET_HLS_STREAMING_SESSION_URL", { StreamName: "s" });
  const hls: string | undefined = (await m.getHLSStreamingSessionURL({ StreamName: "s", PlaybackMode: "ON_DEMAND", HLSFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range }, Expires: 300 })).HLSStreamingSessionURL;
  const dash: string | undefined = (await m.getDASHStreamingSessionURL({ StreamARN: "arn", PlaybackMode: "LIVE", DisplayFragmentNumber: "ALWAYS" })).DASHStreamingSessionURL;
  const clip = await m.getClip({ StreamName: "s", ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: range } });
  const clipBytes: Uint8Array | undefined = clip.Payload;
  const clipType: string | undefined = clip.ContentType;
  const image: string | undefined = (await m.getImages({ StreamName: "s", ImageSelectorType: "PRODUCER_TIMESTAMP", StartTimestamp: range.StartTimestamp, EndTimestamp: range.EndTimestamp, SamplingInterval: 3000, Format: "JPEG", FormatConfig: { JPEGQuality: "80" } })).Images?.[0]?.ImageContent;
  const fragment: number | undefined = (await m.listFragments({ StreamName: "s", MaxResults: 100, FragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: range } })).Fragments?.[0]?.FragmentLengthInMilliseconds;
  const mkv: ReadableStream<Uint8Array> | undefined = (await m.getMediaForFragmentList({ StreamName: "s", Fragments: ["9134385233318"] }, { abortSignal: signal })).Payload;
  for await (const page of paginateListFragments(m, { StreamName: "s" })) void page.Fragments?.[0]?.ProducerTimestamp;
  for await (const page of paginateGetImages(m, { StreamName: "s", ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: new Date(0), EndTimestamp: new Date(), Format: "PNG" })) void page.Images;
  const md: KinesisVideoMediaClient = await c.dataEndpointClient("GET_MEDIA", { StreamARN: "arn" });
  const live: ReadableStream<Uint8Array> | undefined = (await md.getMedia({ StreamName: "s", StartSelector: { StartSelectorType: "NOW" } })).Payload;
  const ws = new KinesisVideoWebRTCStorageClient({ region: "us-west-2", credentials, endpoint: "https://w-1.kinesisvideo.us-west-2.amazonaws.com" });
  await ws.joinStorageSession({ channelArn: "arn" });
  const joined: number | undefined = (await ws.joinStorageSessionAsViewer({ channelArn: "arn", clientId: "v" })).$metadata.httpStatusCode;
  const explicit = new KinesisVideoMediaClient({ region: "us-west-2", credentials, endpoint: "https://s-1.kinesisvideo.us-west-2.amazonaws.com" });
  explicit.free();

  // Signaling connection, signers.
  const conn: SignalingConnection = await c.connectSignaling({ channelName: "ch", role: "VIEWER", clientId: "v", natTraversal: "TURN_ONLY", expiresIn: 60 });
  const pc: RTCConfiguration = { iceServers: conn.iceServers };
  const wss: string = presignSignalingUrl({ endpoint: "wss://v-1.kinesisvideo.us-west-2.amazonaws.com", channelArn: conn.channelArn, role: "MASTER", credentials, region: "us-west-2" });
  const signed: SignedHttpRequest = signRequest({ method: "POST", url: "https://example.com/", headers: { "content-type": "application/json" }, body: "{}" }, { credentials, region: "us-west-2", service: "kinesisvideo", signBody: true });
  const authorization: string | undefined = signed.headers.authorization;
  const url: string = presignUrl({ url: "https://example.com/" }, { credentials, region: "us-west-2", service: "kinesisvideo", expiresIn: 60, signingDate: new Date() });

  const expires: Date = (await c.connectSignaling({ channelArn: "arn", role: "MASTER" }, { forceRefresh: true, abortSignal: signal })).expiresAt;

  // Signaling session, peers, guest credentials.
  const session = new SignalingSession({ client: c, channelName: "ch", role: "VIEWER", clientId: "v", keepCodecs: ["H264"], reconnect: { maxAttempts: 3 } });
  session.addEventListener("sdpAnswer", (e) => {
    const sdp: string | undefined = e.description.sdp;
    void sdp;
  });
  session.addEventListener("iceCandidate", (e) => void (e.candidate.candidate satisfies string | undefined));
  session.addEventListener("statusResponse", (e) => void (e.statusResponse.errorType satisfies string | undefined));
  session.addEventListener("reconnectIceServer", (e) => void (e.iceServers satisfies IceServer[]));
  session.addEventListener("error", (e) => void (e.error satisfies Error));
  await session.open();
  session.sendSdpOffer({ type: "offer", sdp: filterSdpCodecs("v=0", ["H264", "opus"]) }, undefined, { correlationId: "c1" });
  const vended = new SignalingSession({ wssUrl: "wss://v", role: "MASTER", refresh: async () => ({ wssUrl: "wss://v2" }) });
  vended.sendIceCandidate({ candidate: "candidate:1", sdpMid: "0", sdpMLineIndex: 0 }, "viewer-1");
  const state: "new" | "connecting" | "open" | "reconnecting" | "closed" = vended.state;
  const viewer: ViewerConnection = await connectViewer({ client: c, channelName: "ch", clientId: "v", receive: { audio: false }, dataChannel: "chat" });
  viewer.addEventListener("track", (e) => void (e.streams[0] satisfies MediaStream | undefined));
  viewer.dataChannel?.send("hi");
  const master: MasterConnection = await connectMaster({ session: vended, maxViewers: 3 });
  master.addEventListener("peer", (e) => void (e.remoteClientId satisfies string));
  const viewers: number = master.peers.size;
  master.close();
  const guest = new KinesisVideoClient({
    region: "us-west-2",
    credentials: fromCognitoIdentityPool({ identityPoolId: "us-west-2:0a1b", logins: { "accounts.example.com": async () => "token" } }),
  });
  guest.free();

  // Paginators and waiters.
  for await (const page of paginateListStreams(c, {}, { pageSize: 10 })) {
    const names: (string | undefined)[] | undefined = page.StreamInfoList?.map((i) => i.StreamName);
    void names;
  }
  for await (const page of paginateListSignalingChannels(c, {})) void page.ChannelInfoList;
  for await (const page of paginateDescribeMappedResourceConfiguration(c, { StreamName: "s" })) void page.MappedResourceConfigurationList;
  for await (const page of paginateListEdgeAgentConfigurations(c, { HubDeviceArn: "arn" })) void page.EdgeConfigs;
  const active: "SUCCESS" = (await waitUntilStreamActive(c, { StreamName: "s" }, { maxWaitTime: 60, minDelay: 1, maxDelay: 5, abortSignal: signal })).state;
  const info: StreamInfo | undefined = (await waitUntilStreamActive(c, { StreamName: "s" })).reason.StreamInfo;
  await waitUntilStreamDeleted(c, { StreamName: "s" });
  const channel: Date | undefined = (await waitUntilSignalingChannelActive(c, { ChannelName: "ch" })).reason.ChannelInfo?.CreationTime;
  await waitUntilSignalingChannelDeleted(c, { ChannelName: "ch" });

  // Errors.
  try {
    await c.describeStream({ StreamName: "x" });
  } catch (e) {
    const error = e as KinesisVideoError;
    const fault: "client" | "server" = error.$fault;
    if (error.name === "ResourceNotFoundException") void fault;
  }
  c.free();

  void [hls, dash, clipBytes, clipType, image, fragment, mkv, live, joined];
  void [expires, state, viewers, endpoint, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, protocol, a16, a17, a18, a19, a20, a21, a32, ice, answer, pc, wss, authorization, url, active, info, channel];
}
