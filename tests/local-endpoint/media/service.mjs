// The media data plane on the endpoints GetDataEndpoint and GetSignalingChannelEndpoint hand out:
// the archived-media APIs at `/data/b-<8 hex>`, GetMedia at `/data/s-<8 hex>`, the WebRTC storage
// APIs at `/signaling/w-<8 hex>`, and the HLS/DASH session URLs (playback.mjs). Streams hold the
// fragments that seeding (a test hook) appends from the generated clip (library.mjs).
import { endpointId } from "../control-plane.mjs";
import { ServiceError } from "../errors.mjs";
import { archivedMediaModel, mediaModel, operationsByPath, webrtcStorageModel } from "../model.mjs";
import { matroskaChunk, retimeSegment } from "./containers.mjs";
import {
  appendClip,
  decodeToken,
  encodeToken,
  fragmentOutput,
  fragmentsInRange,
  parseTimestamp,
  retained,
  tagSeconds,
  timestampOf,
  withoutDuplicates,
} from "./fragments.mjs";
import { DEFAULT_MEDIA_DIR, loadClip } from "./library.mjs";
import { checkRange, Playback } from "./playback.mjs";

export { DEFAULT_MEDIA_DIR } from "./library.mjs";
export { SESSION_PATH } from "./playback.mjs";

const MEDIA_PATH = /^\/data\/([bs])-([0-9a-f]{8})(\/[A-Za-z]+)$/;
const STORAGE_PATH = /^\/signaling\/w-([0-9a-f]{8})(\/[A-Za-z]+)$/;
const MKV_CONTENT_TYPE = "video/webm"; // what the service sends for GetMedia and GetMediaForFragmentList
const CLIP_MAX_FRAGMENTS = 200;
const CLIP_MAX_BYTES = 100 * 1024 * 1024;
const IMAGES_MAX_RANGE_MS = 300 * 1000;
const IMAGES_MIN_INTERVAL_MS = 200;
const IMAGES_DEFAULT_INTERVAL_MS = 1000; // unconfirmed: the documentation gives no default
const IMAGES_PAGE_LIMIT = 25;
const LIST_FRAGMENTS_DEFAULT_LIMIT = 1000; // unconfirmed: the model's maximum
const MAX_SEED_REPEAT = 1000;

const fail = (name, message) => {
  throw new ServiceError(name, message);
};

/** A response that is not JSON: bytes, or chunks written as they come (GetMedia). */
export class MediaPayload {
  /** @param {string} contentType @param {Buffer | AsyncIterable<Buffer>} body */
  constructor(contentType, body) {
    this.contentType = contentType;
    this.body = body;
  }
}

export class MediaServices {
  /**
   * @param {{controlPlane: import("../control-plane.mjs").ControlPlane, now: () => number,
   *          baseUrl: () => string, mediaDir?: string}} options
   */
  constructor(options) {
    this.options = options;
    this.controlPlane = options.controlPlane;
    this.mediaDir = options.mediaDir ?? DEFAULT_MEDIA_DIR;
    this.clip = undefined; // loaded by the first seed
    this.archivedRoutes = operationsByPath(archivedMediaModel);
    this.mediaRoutes = operationsByPath(mediaModel);
    this.storageRoutes = operationsByPath(webrtcStorageModel);
    this.playback = new Playback({
      now: options.now,
      baseUrl: options.baseUrl,
      streamByArn: (region, arn) => this.streamByArn(region, arn),
    });
  }

  now() {
    return this.options.now();
  }

  /** The signed POST operations served here: `{ model, operation, endpointId, endpointKind }`. */
  route(method, path) {
    if (method !== "POST") return undefined;
    const media = MEDIA_PATH.exec(path);
    if (media) {
      const [, kind, id, operationPath] = media;
      const archived = kind === "b" ? this.archivedRoutes.get(operationPath) : undefined;
      if (archived) return { model: archivedMediaModel, operation: archived, endpointId: id, endpointKind: kind };
      // GetMedia is routed at either kind of endpoint so that a `b-` one can say it is the wrong one.
      const getMedia = this.mediaRoutes.get(operationPath);
      return getMedia ? { model: mediaModel, operation: getMedia, endpointId: id, endpointKind: kind } : undefined;
    }
    const storage = STORAGE_PATH.exec(path);
    const operation = storage && this.storageRoutes.get(storage[2]);
    return operation ? { model: webrtcStorageModel, operation, endpointId: storage[1], endpointKind: "w" } : undefined;
  }

  /** Runs one signed operation; `context` is `{ region, operation, endpointId, endpointKind, errorForArgument }`. */
  handle(name, input, context) {
    const handler = this[`op${name}`];
    if (typeof handler !== "function") throw new Error(`media: no handler for ${name}`);
    return handler.call(this, input, context);
  }

  /** An unsigned session URL (HLS/DASH): `{ contentType, body }`, or a ServiceError. */
  serveSession(match, query) {
    return this.playback.serve(match, query);
  }

  // ---- streams and fragments ---------------------------------------------------------------------

  streamByArn(region, arn) {
    for (const stream of this.controlPlane.space(region).streams.values()) {
      if (stream.arn === arn && stream.goneAt === null) return stream;
    }
    return undefined;
  }

  /** The stream a request names, ACTIVE and served by the endpoint the request came to. */
  stream(input, context) {
    const stream = this.controlPlane.resolve("stream", input, context, { inactive: "ResourceNotFoundException" });
    if (context.endpointId !== endpointId(stream.arn)) {
      const wrong = context.operation.errors.includes("InvalidEndpointException") ? "InvalidEndpointException" : "InvalidArgumentException";
      fail(wrong, `This endpoint does not serve the stream ${stream.arn}; call GetDataEndpoint for it.`);
    }
    return stream;
  }

  /**
   * Test hook: appends the clip's fragments to an ACTIVE stream, `repeat` times back to back from
   * `startTimestamp` (default: so that the last one ends now). Returns the new fragments.
   */
  async seed(input) {
    if (typeof input !== "object" || input === null) throw new TypeError("seedStreamMedia takes an object");
    const { streamName, streamArn, region, startTimestamp, repeat = 1 } = input;
    if (streamName === undefined && streamArn === undefined) throw new TypeError("streamName or streamArn is required");
    for (const [key, value] of Object.entries({ streamName, streamArn, region })) {
      if (value !== undefined && typeof value !== "string") throw new TypeError(`${key} must be a string`);
    }
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_SEED_REPEAT) {
      throw new TypeError(`repeat must be an integer from 1 to ${MAX_SEED_REPEAT}`);
    }
    let startMs;
    if (startTimestamp !== undefined && startTimestamp !== null) {
      startMs = startTimestamp instanceof Date ? startTimestamp.getTime() : typeof startTimestamp === "number" ? startTimestamp : Date.parse(startTimestamp);
      if (!Number.isFinite(startMs)) throw new TypeError("startTimestamp must be a Date, epoch milliseconds or an ISO 8601 string");
    }
    const find = () => this.seedTarget({ streamName, streamArn, region });
    find(); // fail fast, before the media may have to be generated
    this.clip = await loadClip(this.mediaDir);
    const stream = find();
    startMs ??= this.now() - this.clip.durationMs * repeat;
    const added = appendClip(stream, this.clip, { startMs, repeat });
    return {
      streamArn: stream.arn,
      fragments: added.map((fragment) => ({
        fragmentNumber: fragment.number,
        producerTimestamp: fragment.producerMs,
        serverTimestamp: fragment.serverMs,
        lengthInMilliseconds: fragment.durationMs,
        sizeInBytes: fragment.sizeInBytes,
      })),
    };
  }

  seedTarget({ streamName, streamArn, region }) {
    const arnRegion = streamArn?.split(":")[3];
    const regions = region ? [region] : arnRegion ? [arnRegion] : [...this.controlPlane.regions.keys()];
    const matches = [];
    for (const candidate of regions) {
      for (const stream of this.controlPlane.space(candidate).streams.values()) {
        if (stream.goneAt !== null) continue;
        if ((streamName === undefined || stream.name === streamName) && (streamArn === undefined || stream.arn === streamArn)) matches.push(stream);
      }
    }
    const named = streamArn ?? streamName;
    if (matches.length === 0) throw new TypeError(`no stream ${named}${region ? ` in ${region}` : ""}`);
    if (matches.length > 1) throw new TypeError(`streams named ${named} exist in several regions; give region`);
    if (this.controlPlane.status(matches[0]) !== "ACTIVE") throw new TypeError(`the stream ${named} is not ACTIVE yet`);
    return matches[0];
  }

  // ---- Kinesis Video Archived Media ------------------------------------------------------------

  opListFragments(input, context) {
    const stream = this.stream(input, context);
    let selector = input.FragmentSelector;
    let after = null;
    if (input.NextToken) {
      ({ selector, after } = decodeToken(input.NextToken, "ListFragments", stream.arn));
    } else if (!selector) {
      fail("InvalidArgumentException", "A FragmentSelector is required when no NextToken is given.");
    }
    const type = selector.FragmentSelectorType;
    const startMs = parseTimestamp(selector.TimestampRange.StartTimestamp, "StartTimestamp");
    const endMs = parseTimestamp(selector.TimestampRange.EndTimestamp, "EndTimestamp");
    if (endMs < startMs) fail("InvalidArgumentException", "The EndTimestamp must not be earlier than the StartTimestamp.");
    let fragments = fragmentsInRange(stream, this.now(), type, startMs, endMs);
    if (after) {
      // Resume after the last fragment given (by timestamp, then ingestion): fragments added since still show up.
      fragments = fragments.filter((f) => timestampOf(f, type) > after[0] || (timestampOf(f, type) === after[0] && f.ordinal > after[1]));
    }
    const limit = input.MaxResults ?? LIST_FRAGMENTS_DEFAULT_LIMIT;
    const page = fragments.slice(0, limit);
    const last = page[page.length - 1];
    const NextToken =
      fragments.length > limit ? encodeToken("ListFragments", stream.arn, { selector, after: [timestampOf(last, type), last.ordinal] }) : null;
    return { Fragments: page.map(fragmentOutput), NextToken };
  }

  opGetMediaForFragmentList(input, context) {
    const stream = this.stream(input, context);
    const byNumber = new Map(retained(stream, this.now()).map((fragment) => [fragment.number, fragment]));
    const chunks = input.Fragments.map((number) => {
      const fragment = byNumber.get(number);
      if (!fragment) fail("ResourceNotFoundException", `The fragment ${number} is not found in the stream ${stream.name}.`);
      return matroskaChunk(fragment.part.mkv, {
        startMs: fragment.producerMs,
        tags: {
          AWS_KINESISVIDEO_FRAGMENT_NUMBER: fragment.number,
          AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP: tagSeconds(fragment.serverMs),
          AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP: tagSeconds(fragment.producerMs),
        },
      });
    });
    return new MediaPayload(MKV_CONTENT_TYPE, Buffer.concat(chunks));
  }

  opGetClip(input, context) {
    const stream = this.stream(input, context);
    this.controlPlane.requireRetention(stream);
    const { FragmentSelectorType: type, TimestampRange: range } = input.ClipFragmentSelector;
    const startMs = parseTimestamp(range.StartTimestamp, "StartTimestamp");
    const endMs = parseTimestamp(range.EndTimestamp, "EndTimestamp");
    checkRange(startMs, endMs, type, this.now());
    const found = withoutDuplicates(fragmentsInRange(stream, this.now(), type, startMs, endMs), type, "oldest");
    if (found.length === 0) fail("ResourceNotFoundException", `The stream ${stream.name} has no fragments in the requested time range.`);
    // The service's limits: the first 200 fragments or 100 MB from the start.
    const parts = [this.clip.init];
    let bytes = this.clip.init.length;
    const origin = timestampOf(found[0], type);
    for (const [i, fragment] of found.slice(0, CLIP_MAX_FRAGMENTS).entries()) {
      if (bytes + fragment.part.mp4.length > CLIP_MAX_BYTES) break;
      const decodeTime = Math.round(((timestampOf(fragment, type) - origin) * this.clip.timescale) / 1000);
      parts.push(retimeSegment(fragment.part.mp4, { sequenceNumber: i + 1, baseMediaDecodeTime: decodeTime }));
      bytes += fragment.part.mp4.length;
    }
    return new MediaPayload("video/mp4", Buffer.concat(parts));
  }

  async opGetImages(input, context) {
    const stream = this.stream(input, context);
    this.controlPlane.requireRetention(stream);
    const type = input.ImageSelectorType;
    const startMs = parseTimestamp(input.StartTimestamp, "StartTimestamp");
    const endMs = parseTimestamp(input.EndTimestamp, "EndTimestamp");
    if (endMs < startMs) fail("InvalidArgumentException", "The EndTimestamp must not be earlier than the StartTimestamp.");
    if (endMs - startMs > IMAGES_MAX_RANGE_MS) fail("InvalidArgumentException", "The time range must not exceed 300 seconds.");
    const interval = input.SamplingInterval ?? IMAGES_DEFAULT_INTERVAL_MS;
    if (interval < IMAGES_MIN_INTERVAL_MS) fail("InvalidArgumentException", `The SamplingInterval must be at least ${IMAGES_MIN_INTERVAL_MS} ms.`);
    if (input.WidthPixels !== undefined && input.HeightPixels === undefined) {
      fail("InvalidArgumentException", "WidthPixels needs HeightPixels.");
    }
    const quality = input.FormatConfig?.JPEGQuality;
    if (quality !== undefined && !(/^\d+$/.test(quality) && +quality >= 1 && +quality <= 100)) {
      fail("InvalidArgumentException", "The JPEGQuality must be an integer from 1 to 100.");
    }
    const request = { type, startMs, endMs, interval, format: input.Format };
    let next = 0;
    if (input.NextToken) {
      const decoded = decodeToken(input.NextToken, "GetImages", stream.arn);
      if (JSON.stringify(decoded.request) !== JSON.stringify(request)) fail("InvalidArgumentException", "The NextToken belongs to another request.");
      next = decoded.next;
    }
    const total = Math.floor((endMs - startMs) / interval) + 1;
    const pageSize = Math.min(input.MaxResults ?? IMAGES_PAGE_LIMIT, IMAGES_PAGE_LIMIT);
    const fragments = retained(stream, this.now());
    const Images = [];
    for (let k = next; k < Math.min(total, next + pageSize); k++) {
      const at = startMs + k * interval;
      Images.push(await this.imageAt(fragments, type, at, input.Format));
    }
    const last = next + Images.length;
    const NextToken = last < total ? encodeToken("GetImages", stream.arn, { request, next: last }) : null;
    return { Images, NextToken };
  }

  /** The frame shown at `at`: of the newest fragment covering it, the last pre-rendered image at or before it. */
  async imageAt(fragments, type, at, format) {
    let covering;
    for (const fragment of fragments) {
      const start = timestampOf(fragment, type);
      if (start <= at && at < start + fragment.durationMs && (!covering || fragment.ordinal > covering.ordinal)) covering = fragment;
    }
    if (!covering) return { TimeStamp: new Date(at), Error: "NO_MEDIA", ImageContent: null };
    const { first, last } = covering.part.images;
    const k = Math.min(last, first + Math.floor(((at - timestampOf(covering, type)) * this.clip.imagesPerSecond) / 1000));
    const bytes = await this.clip.image(format, k);
    return { TimeStamp: new Date(at), Error: null, ImageContent: bytes.toString("base64") };
  }

  opGetHLSStreamingSessionURL(input, context) {
    const stream = this.stream(input, context);
    this.controlPlane.requireRetention(stream);
    return { HLSStreamingSessionURL: this.playback.createSession("HLS", stream, this.clip, input, context) };
  }

  opGetDASHStreamingSessionURL(input, context) {
    const stream = this.stream(input, context);
    this.controlPlane.requireRetention(stream);
    return { DASHStreamingSessionURL: this.playback.createSession("DASH", stream, this.clip, input, context) };
  }

  // ---- Kinesis Video Media -------------------------------------------------------------------------

  opGetMedia(input, context) {
    if (context.endpointKind !== "s") {
      fail("InvalidEndpointException", "GetMedia is served by the GET_MEDIA endpoint; call GetDataEndpoint with APIName GET_MEDIA.");
    }
    const stream = this.stream(input, context);
    const fragments = [...retained(stream, this.now())]; // ingestion order
    const selector = input.StartSelector;
    const type = selector.StartSelectorType;
    let first;
    switch (type) {
      case "EARLIEST":
        first = 0;
        break;
      case "NOW":
        // The latest chunk; the response then ends with the stored fragments (nothing is ingested live here).
        first = Math.max(0, fragments.length - 1);
        break;
      case "FRAGMENT_NUMBER":
      case "CONTINUATION_TOKEN": {
        const value = type === "FRAGMENT_NUMBER" ? selector.AfterFragmentNumber : selector.ContinuationToken;
        const member = type === "FRAGMENT_NUMBER" ? "AfterFragmentNumber" : "ContinuationToken";
        if (value === undefined) fail("InvalidArgumentException", `${member} is required when StartSelectorType is ${type}.`);
        const index = fragments.findIndex((fragment) => fragment.number === value);
        if (index < 0) fail("ResourceNotFoundException", `The fragment ${value} is not found in the stream ${stream.name}.`);
        first = index + 1; // both name the chunk before the first one wanted
        break;
      }
      default: {
        if (selector.StartTimestamp === undefined) fail("InvalidArgumentException", `StartTimestamp is required when StartSelectorType is ${type}.`);
        const at = parseTimestamp(selector.StartTimestamp, "StartTimestamp");
        // The chunk containing the timestamp, else the first one after it.
        first = fragments.findIndex((fragment) => timestampOf(fragment, type) + fragment.durationMs > at);
        if (first < 0) first = fragments.length;
      }
    }
    const now = () => this.now();
    async function* chunks() {
      for (const fragment of fragments.slice(first)) {
        yield matroskaChunk(fragment.part.mkv, {
          startMs: fragment.producerMs,
          tags: {
            AWS_KINESISVIDEO_FRAGMENT_NUMBER: fragment.number,
            AWS_KINESISVIDEO_SERVER_TIMESTAMP: tagSeconds(fragment.serverMs),
            AWS_KINESISVIDEO_PRODUCER_TIMESTAMP: tagSeconds(fragment.producerMs),
            AWS_KINESISVIDEO_MILLIS_BEHIND_NOW: String(Math.max(0, now() - fragment.serverMs)),
            AWS_KINESISVIDEO_CONTINUATION_TOKEN: fragment.number,
          },
        });
      }
    }
    return new MediaPayload(MKV_CONTENT_TYPE, chunks());
  }

  // ---- Kinesis Video WebRTC Storage ------------------------------------------------------------------

  joinable(channelArn, context) {
    const channel = this.controlPlane.channelByArn(context.region, channelArn);
    if (!channel || this.controlPlane.status(channel) !== "ACTIVE") fail("ResourceNotFoundException", "The requested channel is not found or not active.");
    if (context.endpointId !== endpointId(channel.arn)) fail("InvalidArgumentException", `This endpoint does not serve the channel ${channelArn}.`);
    if (channel.mediaStorage.Status !== "ENABLED") {
      fail("InvalidArgumentException", `The channel ${channel.name} has no media storage configured; enable it with UpdateMediaStorageConfiguration.`);
    }
    return channel;
  }

  // No storage peer exists here: joining is accepted and nothing follows on the signaling channel.
  opJoinStorageSession(input, context) {
    this.joinable(input.channelArn, context);
    return null;
  }

  opJoinStorageSessionAsViewer(input, context) {
    this.joinable(input.channelArn, context);
    return null;
  }
}
