// The 32 Kinesis Video control-plane operations, in memory, one resource space per region.
// Lifecycles are computed from timestamps when read (no timers): a resource is CREATING until
// `activeAt`, ACTIVE after, DELETING from its deletion until `goneAt`, then gone.
import { createHash, randomInt } from "node:crypto";
import { ServiceError } from "./errors.mjs";

const VERSION_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const MAX_RETENTION_HOURS = 87600; // ten years, the documented ceiling
const MAX_TAGS = 50;
const MIN_SAMPLING_INTERVAL_MS = 33;
const EDGE_PAGE_DEFAULT = 5;
// Unconfirmed: the service's value of MappedResourceConfigurationListItem.Type is not documented.
const MAPPED_CHANNEL_TYPE = "SIGNALING_CHANNEL";

/** 20 mixed-case alphanumerics, like the service's resource versions. */
function newVersion() {
  let version = "";
  for (let i = 0; i < 20; i++) version += VERSION_ALPHABET[randomInt(VERSION_ALPHABET.length)];
  return version;
}

/** The 8-hex id this endpoint puts in every endpoint of a resource (the service's `m-1a2b3c4d` hosts). */
export function endpointId(arn) {
  return createHash("sha256").update(arn).digest("hex").slice(0, 8);
}

const fail = (name, message) => {
  throw new ServiceError(name, message);
};

// Streams and channels share lookup, lifecycle and tagging; these say where each keeps its names.
const KINDS = {
  stream: { nameField: "StreamName", arnField: "StreamARN", collection: "streams", noun: "stream" },
  channel: { nameField: "ChannelName", arnField: "ChannelARN", collection: "channels", noun: "channel" },
};

export class ControlPlane {
  /**
   * @param {{accountId: string, activationDelayMs: number, deletionDelayMs: number, now: () => number,
   *          baseUrl: () => string, onChannelDeleted?: (arn: string) => void}} options
   */
  constructor(options) {
    this.options = options;
    /** region → { streams: Map<name, stream>, channels: Map<name, channel> } */
    this.regions = new Map();
  }

  /** Runs one operation; `context` is `{ region, operation }` with the model's operation entry. */
  handle(name, input, context) {
    const handler = this[`op${name}`];
    if (typeof handler !== "function") throw new Error(`control plane: no handler for ${name}`);
    return handler.call(this, input, context);
  }

  // ---- state helpers -------------------------------------------------------------------

  now() {
    return this.options.now();
  }

  space(region) {
    let space = this.regions.get(region);
    if (!space) {
      space = { streams: new Map(), channels: new Map() };
      this.regions.set(region, space);
    }
    const now = this.now();
    for (const collection of [space.streams, space.channels]) {
      for (const [name, resource] of collection) if (resource.goneAt !== null && resource.goneAt <= now) collection.delete(name);
    }
    return space;
  }

  status(resource) {
    if (resource.goneAt !== null) return "DELETING";
    return this.now() >= resource.activeAt ? "ACTIVE" : "CREATING";
  }

  arnFor(kind, region, name, createdAt) {
    return `arn:aws:kinesisvideo:${region}:${this.options.accountId}:${kind}/${name}/${createdAt}`;
  }

  newResource(kind, region, name) {
    const createdAt = this.now();
    return {
      kind,
      name,
      arn: this.arnFor(kind, region, name, createdAt),
      createdAt,
      activeAt: createdAt + this.options.activationDelayMs,
      goneAt: null,
      version: newVersion(),
      tags: new Map(),
    };
  }

  markDeleted(resource) {
    resource.goneAt = this.now() + this.options.deletionDelayMs;
  }

  /** A channel by ARN for the signaling data plane, or undefined when absent or deleting. */
  channelByArn(region, arn) {
    for (const channel of this.space(region).channels.values()) {
      if (channel.arn === arn && channel.goneAt === null) return channel;
    }
    return undefined;
  }

  /**
   * Finds the stream or channel an input names, by name and/or ARN.
   * `inactive`: what a CREATING resource gives — null (allowed), or the error name to throw.
   * Resources being deleted are only visible to the describe operations (`includeDeleting`).
   */
  resolve(kindName, input, context, { inactive = null, includeDeleting = false } = {}) {
    const kind = KINDS[kindName];
    const name = input[kind.nameField];
    const arn = input[kind.arnField];
    if (name === undefined && arn === undefined) {
      fail(context.errorForArgument, `You must specify either the ${kind.nameField} or the ${kind.arnField}.`);
    }
    if (arn !== undefined && !arn.split(":")[5]?.startsWith(`${kindName}/`) && context.operation.errors.includes("InvalidResourceFormatException")) {
      fail("InvalidResourceFormatException", `The format of the ${kind.arnField} is invalid: ${arn}`);
    }
    const collection = this.space(context.region)[kind.collection];
    const resource =
      name !== undefined ? collection.get(name) : [...collection.values()].find((candidate) => candidate.arn === arn);
    const notFound = `The requested ${kind.noun} is not found or not active.`;
    if (!resource || (resource.goneAt !== null && !includeDeleting)) fail("ResourceNotFoundException", notFound);
    if (name !== undefined && arn !== undefined && resource.arn !== arn) {
      fail(context.errorForArgument, `The ${kind.nameField} '${name}' and the ${kind.arnField} '${arn}' name different ${kind.noun}s.`);
    }
    if (inactive && this.status(resource) === "CREATING") {
      fail(inactive, inactive === "ResourceNotFoundException" ? notFound : `The ${kind.noun} ${resource.name} is not in the ACTIVE state.`);
    }
    return resource;
  }

  /** A stream or channel by ARN alone, for TagResource and friends. */
  resolveArn(arn, context) {
    const space = this.space(context.region);
    for (const collection of [space.streams, space.channels]) {
      for (const resource of collection.values()) if (resource.arn === arn && resource.goneAt === null) return resource;
    }
    return fail("ResourceNotFoundException", `The resource ${arn} is not found.`);
  }

  checkVersion(resource, currentVersion) {
    if (currentVersion !== undefined && currentVersion !== resource.version) {
      fail("VersionMismatchException", `The version ${currentVersion} does not match the current version of the ${resource.kind} ${resource.name}.`);
    }
  }

  updated(resource) {
    resource.version = newVersion();
  }

  requireRetention(stream) {
    if (stream.dataRetentionInHours === 0) {
      fail("NoDataRetentionException", `The data retention in hours of the stream ${stream.name} is equal to zero.`);
    }
  }

  addTags(resource, entries, context) {
    for (const [key] of entries) {
      if (key.toLowerCase().startsWith("aws:")) fail(context.errorForArgument, `The tag key '${key}' uses the reserved prefix 'aws:'.`);
    }
    const merged = new Map(resource.tags);
    for (const [key, value] of entries) merged.set(key, value);
    if (merged.size > MAX_TAGS) {
      fail("TagsPerResourceExceededLimitException", `A resource can have at most ${MAX_TAGS} tags; this request would give ${resource.name} ${merged.size}.`);
    }
    resource.tags = merged;
  }

  listTags(resource, nextToken, context) {
    // Tags never exceed one page, so no token is ever issued and any token is one we did not give.
    if (nextToken) fail(context.errorForArgument, "The NextToken is not valid.");
    return { NextToken: null, Tags: Object.fromEntries(resource.tags) };
  }

  /** One page of `items` (sorted by `key`) after the opaque token, which records the last key returned. */
  page(items, key, { MaxResults, NextToken }, defaultLimit, context) {
    let start = 0;
    if (NextToken) {
      let decoded;
      try {
        decoded = JSON.parse(Buffer.from(NextToken, "base64").toString("utf8"));
      } catch {
        decoded = null;
      }
      if (!decoded || decoded.op !== context.operation.name || typeof decoded.after !== "string") {
        fail(context.errorForArgument, "The NextToken is not valid.");
      }
      start = items.findIndex((item) => key(item) > decoded.after);
      if (start < 0) start = items.length;
    }
    const limit = MaxResults ?? defaultLimit;
    const slice = items.slice(start, start + limit);
    const truncated = start + limit < items.length;
    const token = truncated
      ? Buffer.from(JSON.stringify({ op: context.operation.name, after: key(slice[slice.length - 1]) })).toString("base64")
      : null;
    return { slice, token };
  }

  sortedByName(collection) {
    return [...collection.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  filtered(collection, condition, context) {
    const resources = this.sortedByName(collection);
    if (!condition) return resources;
    if (condition.ComparisonOperator === undefined || condition.ComparisonValue === undefined) {
      fail(context.errorForArgument, "A name condition needs both ComparisonOperator and ComparisonValue.");
    }
    return resources.filter((resource) => resource.name.startsWith(condition.ComparisonValue));
  }

  streamInfo(stream) {
    return {
      DeviceName: stream.deviceName,
      StreamName: stream.name,
      StreamARN: stream.arn,
      MediaType: stream.mediaType,
      KmsKeyId: stream.kmsKeyId,
      Version: stream.version,
      Status: this.status(stream),
      CreationTime: new Date(stream.createdAt),
      DataRetentionInHours: stream.dataRetentionInHours,
    };
  }

  channelInfo(channel) {
    return {
      ChannelName: channel.name,
      ChannelARN: channel.arn,
      ChannelType: channel.channelType,
      ChannelStatus: this.status(channel),
      CreationTime: new Date(channel.createdAt),
      SingleMasterConfiguration: { MessageTtlSeconds: channel.messageTtlSeconds },
      Version: channel.version,
    };
  }

  /** The edge configuration's record, with its sync status computed; undefined once deleted. */
  edgeOf(stream) {
    const edge = stream.edge;
    if (!edge) return undefined;
    const now = this.now();
    if (edge.goneAt !== null && edge.goneAt <= now) {
      stream.edge = null;
      return undefined;
    }
    const syncStatus = edge.goneAt !== null ? "DELETING" : now >= edge.syncedAt ? "IN_SYNC" : "SYNCING";
    return { ...edge, syncStatus };
  }

  edgeDescription(stream, edge) {
    return {
      StreamName: stream.name,
      StreamARN: stream.arn,
      CreationTime: new Date(edge.createdAt),
      LastUpdatedTime: new Date(edge.updatedAt),
      SyncStatus: edge.syncStatus,
      FailedStatusDetails: null,
      EdgeConfig: edge.edgeConfig,
    };
  }

  mappedChannel(region, streamArn) {
    return [...this.space(region).channels.values()].find(
      (channel) => channel.goneAt === null && channel.mediaStorage.Status === "ENABLED" && channel.mediaStorage.StreamARN === streamArn,
    );
  }

  // ---- streams -------------------------------------------------------------------------

  opCreateStream(input, context) {
    const space = this.space(context.region);
    if (space.streams.has(input.StreamName)) fail("ResourceInUseException", `The stream ${input.StreamName} already exists.`);
    const retention = input.DataRetentionInHours ?? 0;
    if (retention > MAX_RETENTION_HOURS) {
      fail(context.errorForArgument, `DataRetentionInHours must be at most ${MAX_RETENTION_HOURS}.`);
    }
    const stream = Object.assign(this.newResource("stream", context.region, input.StreamName), {
      deviceName: input.DeviceName ?? null,
      mediaType: input.MediaType ?? null,
      kmsKeyId: input.KmsKeyId ?? `arn:aws:kms:${context.region}:${this.options.accountId}:alias/aws/kinesisvideo`,
      dataRetentionInHours: retention,
      storage: input.StreamStorageConfiguration ?? { DefaultStorageTier: "HOT" },
      imageGeneration: null,
      notification: null,
      edge: null,
    });
    if (input.Tags) this.addTags(stream, Object.entries(input.Tags), context);
    space.streams.set(stream.name, stream);
    return { StreamARN: stream.arn };
  }

  opDescribeStream(input, context) {
    return { StreamInfo: this.streamInfo(this.resolve("stream", input, context, { includeDeleting: true })) };
  }

  opListStreams(input, context) {
    const streams = this.filtered(this.space(context.region).streams, input.StreamNameCondition, context);
    const { slice, token } = this.page(streams, (s) => s.name, input, 10000, context);
    return { StreamInfoList: slice.map((stream) => this.streamInfo(stream)), NextToken: token };
  }

  opDeleteStream(input, context) {
    const stream = this.resolve("stream", { StreamARN: input.StreamARN }, context);
    this.checkVersion(stream, input.CurrentVersion);
    const mapped = this.mappedChannel(context.region, stream.arn);
    if (mapped) fail("ResourceInUseException", `The stream ${stream.name} stores the media of ${mapped.arn}; disable its media storage first.`);
    this.markDeleted(stream);
    return {};
  }

  opUpdateStream(input, context) {
    const stream = this.resolve("stream", input, context, { inactive: "ResourceInUseException" });
    this.checkVersion(stream, input.CurrentVersion);
    if (input.DeviceName !== undefined) stream.deviceName = input.DeviceName;
    if (input.MediaType !== undefined) stream.mediaType = input.MediaType;
    this.updated(stream);
    return {};
  }

  opUpdateDataRetention(input, context) {
    const stream = this.resolve("stream", input, context, { inactive: "ResourceInUseException" });
    this.checkVersion(stream, input.CurrentVersion);
    const sign = input.Operation === "INCREASE_DATA_RETENTION" ? 1 : -1;
    const retention = stream.dataRetentionInHours + sign * input.DataRetentionChangeInHours;
    if (retention < 0 || retention > MAX_RETENTION_HOURS) {
      fail(context.errorForArgument, `The data retention would become ${retention} hours; it must stay between 0 and ${MAX_RETENTION_HOURS}.`);
    }
    stream.dataRetentionInHours = retention;
    this.updated(stream);
    return {};
  }

  opGetDataEndpoint(input, context) {
    const stream = this.resolve("stream", input, context, { inactive: "ResourceNotFoundException" });
    // PUT_MEDIA and GET_MEDIA are served from `s-` hosts, the archived-media APIs from `b-` hosts.
    const prefix = input.APIName === "PUT_MEDIA" || input.APIName === "GET_MEDIA" ? "s" : "b";
    return { DataEndpoint: `${this.options.baseUrl()}/data/${prefix}-${endpointId(stream.arn)}` };
  }

  opDescribeStreamStorageConfiguration(input, context) {
    const stream = this.resolve("stream", input, context);
    return { StreamName: stream.name, StreamARN: stream.arn, StreamStorageConfiguration: stream.storage };
  }

  opUpdateStreamStorageConfiguration(input, context) {
    const stream = this.resolve("stream", input, context, { inactive: "ResourceInUseException" });
    this.checkVersion(stream, input.CurrentVersion);
    stream.storage = input.StreamStorageConfiguration;
    this.updated(stream);
    return {};
  }

  opDescribeImageGenerationConfiguration(input, context) {
    return { ImageGenerationConfiguration: this.resolve("stream", input, context).imageGeneration };
  }

  opUpdateImageGenerationConfiguration(input, context) {
    const stream = this.resolve("stream", input, context, { inactive: "ResourceInUseException" });
    const config = input.ImageGenerationConfiguration ?? null;
    if (config) {
      this.requireRetention(stream);
      if (config.DestinationConfig.DestinationRegion !== context.region) {
        fail(context.errorForArgument, `DestinationRegion must be the stream's region, ${context.region}.`);
      }
      if (config.SamplingInterval < MIN_SAMPLING_INTERVAL_MS) {
        fail(context.errorForArgument, `SamplingInterval must be at least ${MIN_SAMPLING_INTERVAL_MS} ms.`);
      }
      const quality = config.FormatConfig?.JPEGQuality;
      if (quality !== undefined && !(/^\d+$/.test(quality) && +quality >= 1 && +quality <= 100)) {
        fail(context.errorForArgument, "FormatConfig JPEGQuality must be an integer from 1 to 100.");
      }
    }
    stream.imageGeneration = config; // null deletes the configuration
    this.updated(stream);
    return {};
  }

  opDescribeNotificationConfiguration(input, context) {
    return { NotificationConfiguration: this.resolve("stream", input, context).notification };
  }

  opUpdateNotificationConfiguration(input, context) {
    const stream = this.resolve("stream", input, context, { inactive: "ResourceInUseException" });
    const config = input.NotificationConfiguration ?? null;
    if (config) this.requireRetention(stream);
    stream.notification = config; // null deletes the configuration
    this.updated(stream);
    return {};
  }

  opDescribeMappedResourceConfiguration(input, context) {
    const stream = this.resolve("stream", input, context);
    const channel = this.mappedChannel(context.region, stream.arn);
    const items = channel ? [{ Type: MAPPED_CHANNEL_TYPE, ARN: channel.arn }] : [];
    const { slice, token } = this.page(items, (item) => item.ARN, input, 1, context);
    return { MappedResourceConfigurationList: slice, NextToken: token };
  }

  // ---- edge configurations ----------------------------------------------------------------

  opStartEdgeConfigurationUpdate(input, context) {
    const stream = this.resolve("stream", input, context, { inactive: "ResourceInUseException" });
    this.requireRetention(stream);
    const current = this.edgeOf(stream);
    if (current && current.syncStatus !== "IN_SYNC") {
      fail("ResourceInUseException", `The edge configuration of ${stream.name} is ${current.syncStatus}; wait for a terminal state.`);
    }
    if (current && current.edgeConfig.HubDeviceArn !== input.EdgeConfig.HubDeviceArn) {
      fail(context.errorForArgument, "To move an edge configuration to another hub device, delete it first with DeleteEdgeConfiguration.");
    }
    const now = this.now();
    stream.edge = {
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      syncedAt: now + this.options.activationDelayMs, // no edge agent answers here: it syncs after the activation delay
      goneAt: null,
      edgeConfig: input.EdgeConfig,
    };
    return this.edgeDescription(stream, this.edgeOf(stream));
  }

  opDescribeEdgeConfiguration(input, context) {
    const stream = this.resolve("stream", input, context);
    const edge = this.edgeOf(stream);
    if (!edge) fail("StreamEdgeConfigurationNotFoundException", `The stream ${stream.name} has no edge configuration.`);
    return { ...this.edgeDescription(stream, edge), EdgeAgentStatus: null };
  }

  opDeleteEdgeConfiguration(input, context) {
    const stream = this.resolve("stream", input, context);
    const edge = this.edgeOf(stream);
    if (!edge) fail("StreamEdgeConfigurationNotFoundException", `The stream ${stream.name} has no edge configuration.`);
    if (stream.edge.goneAt === null) stream.edge.goneAt = this.now() + this.options.deletionDelayMs;
    return {};
  }

  opListEdgeAgentConfigurations(input, context) {
    const configured = [];
    for (const stream of this.sortedByName(this.space(context.region).streams)) {
      const edge = stream.goneAt === null ? this.edgeOf(stream) : undefined;
      if (edge && edge.edgeConfig.HubDeviceArn === input.HubDeviceArn) configured.push({ stream, edge });
    }
    const { slice, token } = this.page(configured, (entry) => entry.stream.name, input, EDGE_PAGE_DEFAULT, context);
    return { EdgeConfigs: slice.map(({ stream, edge }) => this.edgeDescription(stream, edge)), NextToken: token };
  }

  // ---- signaling channels ----------------------------------------------------------------

  opCreateSignalingChannel(input, context) {
    const space = this.space(context.region);
    if (space.channels.has(input.ChannelName)) fail("ResourceInUseException", `The signaling channel ${input.ChannelName} already exists.`);
    if (input.ChannelType === "FULL_MESH") fail(context.errorForArgument, "Only SINGLE_MASTER signaling channels are supported.");
    const channel = Object.assign(this.newResource("channel", context.region, input.ChannelName), {
      channelType: "SINGLE_MASTER",
      messageTtlSeconds: input.SingleMasterConfiguration?.MessageTtlSeconds ?? 60,
      mediaStorage: { StreamARN: null, Status: "DISABLED" },
    });
    if (input.Tags) this.addTags(channel, input.Tags.map((tag) => [tag.Key, tag.Value]), context);
    space.channels.set(channel.name, channel);
    return { ChannelARN: channel.arn };
  }

  opDescribeSignalingChannel(input, context) {
    return { ChannelInfo: this.channelInfo(this.resolve("channel", input, context, { includeDeleting: true })) };
  }

  opListSignalingChannels(input, context) {
    const channels = this.filtered(this.space(context.region).channels, input.ChannelNameCondition, context);
    const { slice, token } = this.page(channels, (c) => c.name, input, 500, context);
    return { ChannelInfoList: slice.map((channel) => this.channelInfo(channel)), NextToken: token };
  }

  opUpdateSignalingChannel(input, context) {
    const channel = this.resolve("channel", { ChannelARN: input.ChannelARN }, context, { inactive: "ResourceInUseException" });
    this.checkVersion(channel, input.CurrentVersion);
    const ttl = input.SingleMasterConfiguration?.MessageTtlSeconds;
    if (ttl !== undefined) channel.messageTtlSeconds = ttl;
    this.updated(channel);
    return {};
  }

  opDeleteSignalingChannel(input, context) {
    const channel = this.resolve("channel", { ChannelARN: input.ChannelARN }, context);
    this.checkVersion(channel, input.CurrentVersion);
    this.markDeleted(channel);
    this.options.onChannelDeleted?.(channel.arn);
    return {};
  }

  opGetSignalingChannelEndpoint(input, context) {
    const channel = this.resolve("channel", { ChannelARN: input.ChannelARN }, context, { inactive: "ResourceInUseException" });
    const config = input.SingleMasterChannelEndpointConfiguration ?? {};
    const role = config.Role ?? "MASTER";
    const protocols = [...new Set(config.Protocols ?? ["WSS", "HTTPS"])];
    const id = endpointId(channel.arn);
    const base = this.options.baseUrl();
    const ResourceEndpointList = protocols.map((protocol) => {
      if (protocol === "WSS") {
        return { Protocol: protocol, ResourceEndpoint: `${base.replace(/^http/, "ws")}/signaling/${role === "MASTER" ? "m" : "v"}-${id}` };
      }
      if (protocol === "HTTPS") return { Protocol: protocol, ResourceEndpoint: `${base}/signaling/r-${id}` };
      if (channel.mediaStorage.Status !== "ENABLED") {
        fail(context.errorForArgument, `The WEBRTC protocol needs media storage enabled on the channel ${channel.name}.`);
      }
      return { Protocol: protocol, ResourceEndpoint: `${base}/signaling/w-${id}` };
    });
    return { ResourceEndpointList };
  }

  opDescribeMediaStorageConfiguration(input, context) {
    return { MediaStorageConfiguration: this.resolve("channel", input, context).mediaStorage };
  }

  opUpdateMediaStorageConfiguration(input, context) {
    const channel = this.resolve("channel", { ChannelARN: input.ChannelARN }, context, { inactive: "ResourceInUseException" });
    const { Status, StreamARN } = input.MediaStorageConfiguration;
    if (Status === "ENABLED") {
      if (StreamARN === undefined) fail(context.errorForArgument, "StreamARN is required to enable media storage.");
      const stream = this.resolve("stream", { StreamARN }, context, { inactive: "ResourceInUseException" });
      this.requireRetention(stream);
      const mapped = this.mappedChannel(context.region, stream.arn);
      if (mapped && mapped !== channel) fail("ResourceInUseException", `The stream ${stream.name} is already mapped to ${mapped.arn}.`);
      if (channel.mediaStorage.Status === "ENABLED" && channel.mediaStorage.StreamARN !== stream.arn) {
        fail("ResourceInUseException", `The channel ${channel.name} is already mapped to ${channel.mediaStorage.StreamARN}.`);
      }
      channel.mediaStorage = { StreamARN: stream.arn, Status };
    } else {
      channel.mediaStorage = { StreamARN: null, Status };
    }
    this.updated(channel);
    return {};
  }

  // ---- tags ------------------------------------------------------------------------------

  opTagStream(input, context) {
    this.addTags(this.resolve("stream", input, context), Object.entries(input.Tags), context);
    return {};
  }

  opUntagStream(input, context) {
    const stream = this.resolve("stream", input, context);
    for (const key of input.TagKeyList) stream.tags.delete(key);
    return {};
  }

  opListTagsForStream(input, context) {
    return this.listTags(this.resolve("stream", input, context), input.NextToken, context);
  }

  opTagResource(input, context) {
    const resource = this.resolveArn(input.ResourceARN, context);
    this.addTags(resource, input.Tags.map((tag) => [tag.Key, tag.Value]), context);
    return {};
  }

  opUntagResource(input, context) {
    const resource = this.resolveArn(input.ResourceARN, context);
    for (const key of input.TagKeyList) resource.tags.delete(key);
    return {};
  }

  opListTagsForResource(input, context) {
    return this.listTags(this.resolveArn(input.ResourceARN, context), input.NextToken, context);
  }
}
