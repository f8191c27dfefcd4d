// HLS and MPEG-DASH streaming sessions: GetHLSStreamingSessionURL / GetDASHStreamingSessionURL
// create one, and its unsigned URLs (the session token is the credential) serve the playlists or
// manifest, the init segment and the media segments until the session expires.
import { randomBytes } from "node:crypto";
import { ServiceError } from "../errors.mjs";
import { retimeSegment } from "./containers.mjs";
import { byTimestamp, fragmentsInRange, parseTimestamp, retained, timestampOf, withoutDuplicates } from "./fragments.mjs";

const DAY_MS = 24 * 3600 * 1000;
const LIVE_LOOKBACK_MS = 30 * 1000; // LIVE needs a fragment ingested within the last 30 s
const DISCONTINUITY_TOLERANCE_MS = 50; // ON_DISCONTINUITY: a gap or overlap beyond this
const DEFAULT_EXPIRES_SECONDS = 300;

const fail = (name, message) => {
  throw new ServiceError(name, message);
};

/** Session URL paths: `/data/b-<8 hex>/hls/v1/<action>` and `/data/b-<8 hex>/dash/v1/<action>`. */
export const SESSION_PATH = /^\/data\/b-([0-9a-f]{8})\/(hls|dash)\/v1\/([A-Za-z0-9]+\.[a-z0-9]+)$/;

const CONTENT_TYPES = {
  m3u8: "application/vnd.apple.mpegurl",
  mpd: "application/dash+xml",
  mp4: "video/mp4",
  ts: "video/mp2t",
};

export class Playback {
  /** @param {{now: () => number, baseUrl: () => string, streamByArn: (region: string, arn: string) => object | undefined}} options */
  constructor(options) {
    this.options = options;
    /** session token → session */
    this.sessions = new Map();
  }

  now() {
    return this.options.now();
  }

  /**
   * Validates a GetHLSStreamingSessionURL / GetDASHStreamingSessionURL request and opens the
   * session; returns its URL. `protocol` is "HLS" or "DASH".
   */
  createSession(protocol, stream, clip, input, context) {
    const now = this.now();
    const hls = protocol === "HLS";
    const mode = input.PlaybackMode ?? "LIVE";
    const selector = (hls ? input.HLSFragmentSelector : input.DASHFragmentSelector) ?? {};
    const selectorName = hls ? "HLSFragmentSelector" : "DASHFragmentSelector";
    const selectorType = selector.FragmentSelectorType ?? "SERVER_TIMESTAMP";
    const range = selector.TimestampRange;
    const max = (hls ? input.MaxMediaPlaylistFragmentResults : input.MaxManifestFragmentResults) ?? (mode === "ON_DEMAND" ? 1000 : 5);
    const session = {
      token: `${randomBytes(36).toString("base64url")}~`,
      protocol,
      region: context.region,
      streamArn: stream.arn,
      endpointId: context.endpointId,
      clip,
      mode,
      selectorType,
      max,
      createdAtMs: now,
      expiresAtMs: now + (input.Expires ?? DEFAULT_EXPIRES_SECONDS) * 1000,
      container: hls ? (input.ContainerFormat ?? "FRAGMENTED_MP4") : "FRAGMENTED_MP4",
      discontinuityMode: input.DiscontinuityMode ?? (selectorType === "SERVER_TIMESTAMP" ? "ALWAYS" : "NEVER"),
      displayTimestamp: input.DisplayFragmentTimestamp === "ALWAYS",
      displayNumber: input.DisplayFragmentNumber === "ALWAYS",
      startMs: -Infinity,
      endMs: Infinity,
      sequence: [], // every fragment the session has shown, in order; a segment's index here is its sequence number
      nextAddAtMs: Infinity, // LIVE_REPLAY: when the next fragment joins
    };

    if (mode === "LIVE") {
      if (range) fail("InvalidArgumentException", `${selectorName}.TimestampRange must not be set when PlaybackMode is LIVE.`);
    } else {
      if (!range?.StartTimestamp) {
        fail("InvalidArgumentException", `${selectorName} with a TimestampRange and its StartTimestamp is required when PlaybackMode is ${mode}.`);
      }
      if (mode === "ON_DEMAND" && !range.EndTimestamp) {
        fail("InvalidArgumentException", "The EndTimestamp is required when PlaybackMode is ON_DEMAND.");
      }
      session.startMs = parseTimestamp(range.StartTimestamp, "StartTimestamp");
      if (range.EndTimestamp) {
        session.endMs = parseTimestamp(range.EndTimestamp, "EndTimestamp");
        checkRange(session.startMs, session.endMs, selectorType, now);
      }
    }

    if (mode === "LIVE") {
      const recent = retained(stream, now).filter((fragment) => fragment.serverMs >= now - LIVE_LOOKBACK_MS);
      if (recent.length === 0) fail("ResourceNotFoundException", `No fragments were ingested into ${stream.name} in the last 30 seconds.`);
      session.sequence = recent.slice(-max);
    } else {
      const selection = this.selection(session, stream);
      if (selection.length === 0) fail("ResourceNotFoundException", `The stream ${stream.name} has no fragments in the requested time range.`);
      // ON_DEMAND shows up to `max` of the oldest at once; LIVE_REPLAY starts with as many and adds more as time passes.
      session.sequence = selection.slice(0, max);
      session.nextAddAtMs = now + session.sequence[session.sequence.length - 1].durationMs;
    }
    this.sessions.set(session.token, session);

    const id = context.endpointId;
    const base = `${this.options.baseUrl()}/data/b-${id}`;
    return hls
      ? `${base}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=${session.token}`
      : `${base}/dash/v1/getDASHManifest.mpd?SessionToken=${session.token}`;
  }

  /** ON_DEMAND and LIVE_REPLAY: the fragments in the session's range, duplicates resolved to the newest. */
  selection(session, stream) {
    const found = fragmentsInRange(stream, this.now(), session.selectorType, session.startMs, session.endMs);
    return withoutDuplicates(found, session.selectorType, "newest");
  }

  /** Brings a live session up to date and returns `{ window, first, ended }`: what its playlist shows. */
  refresh(session, stream) {
    const now = this.now();
    const { sequence } = session;
    const order = byTimestamp(session.selectorType);
    if (session.mode === "LIVE") {
      // Newly ingested fragments join; one older than the newest shown never does.
      const lastOrdinal = sequence[sequence.length - 1].ordinal;
      for (const fragment of retained(stream, now)) {
        if (fragment.ordinal > lastOrdinal && order(fragment, sequence[sequence.length - 1]) > 0) sequence.push(fragment);
      }
    } else if (session.mode === "LIVE_REPLAY") {
      const pending = this.selection(session, stream).filter((fragment) => order(fragment, sequence[sequence.length - 1]) > 0);
      while (pending.length > 0 && now >= session.nextAddAtMs) {
        const fragment = pending.shift();
        sequence.push(fragment);
        session.nextAddAtMs += fragment.durationMs;
      }
    }
    const windowed = session.mode !== "ON_DEMAND";
    const first = windowed ? Math.max(0, sequence.length - session.max) : 0;
    const complete =
      session.mode === "ON_DEMAND" ||
      (session.mode === "LIVE_REPLAY" &&
        session.endMs !== Infinity &&
        this.selection(session, stream).every((fragment) => order(fragment, sequence[sequence.length - 1]) <= 0));
    return { window: sequence.slice(first), first, ended: complete };
  }

  /** Whether a discontinuity precedes the session's fragment at `index`. */
  discontinuityBefore(session, index) {
    if (index === 0) return false;
    const previous = session.sequence[index - 1];
    const fragment = session.sequence[index];
    // TS segments keep the clip's own timestamps: a jump in the clip is a discontinuity for the player.
    if (session.container === "MPEG_TS" && fragment.part.index !== previous.part.index + 1) return true;
    if (session.discontinuityMode === "ALWAYS") return true;
    if (session.discontinuityMode === "NEVER") return false;
    const gap = timestampOf(fragment, session.selectorType) - (timestampOf(previous, session.selectorType) + previous.durationMs);
    return Math.abs(gap) > DISCONTINUITY_TOLERANCE_MS;
  }

  // ---- session URLs --------------------------------------------------------------------------

  /**
   * Serves one unsigned session request. Returns `{ contentType, body }`, or throws a
   * ServiceError (answered like any other error of the archived-media API).
   */
  serve(match, query) {
    const [, endpointId, protocolPath, action] = match;
    const token = query.get("SessionToken");
    if (!token) fail("InvalidArgumentException", "The SessionToken parameter is required.");
    const session = this.sessions.get(token);
    if (!session || session.endpointId !== endpointId || session.protocol.toLowerCase() !== protocolPath) {
      fail("NotAuthorizedException", "The session token is not valid.");
    }
    if (this.now() >= session.expiresAtMs) fail("NotAuthorizedException", "The streaming session has expired.");
    const stream = this.options.streamByArn(session.region, session.streamArn);
    if (!stream) fail("ResourceNotFoundException", "The requested stream is not found or not active.");
    const extension = action.slice(action.lastIndexOf(".") + 1);
    const body = this.render(session, stream, action, query);
    return { contentType: CONTENT_TYPES[extension], body };
  }

  render(session, stream, action, query) {
    const hls = session.protocol === "HLS";
    const ts = session.container === "MPEG_TS";
    const segments = ts ? ["getTSFragment.ts"] : ["getMP4InitFragment.mp4", "getMP4MediaFragment.mp4"];
    const known = hls ? ["getHLSMasterPlaylist.m3u8", "getHLSMediaPlaylist.m3u8", ...segments] : ["getDASHManifest.mpd", ...segments];
    if (!known.includes(action)) fail("ResourceNotFoundException", `This session does not serve ${action}.`);
    if (hls && query.has("TrackNumber") && query.get("TrackNumber") !== "1") {
      fail("ResourceNotFoundException", `The session has no track ${query.get("TrackNumber")}; its only track is 1.`);
    }
    switch (action) {
      case "getHLSMasterPlaylist.m3u8":
        return masterPlaylist(session);
      case "getHLSMediaPlaylist.m3u8":
        return this.mediaPlaylist(session, stream);
      case "getDASHManifest.mpd":
        return this.manifest(session, stream);
      case "getMP4InitFragment.mp4":
        return session.clip.init;
      default: {
        const { fragment, index } = this.segmentFor(session, query);
        if (ts) return fragment.part.ts;
        // Decode times are the fragment's timestamp (producer or server, as selected) in the track's timescale.
        const decodeTime = Math.round((timestampOf(fragment, session.selectorType) * session.clip.timescale) / 1000);
        return retimeSegment(fragment.part.mp4, { sequenceNumber: index + 1, baseMediaDecodeTime: decodeTime });
      }
    }
  }

  /** HLS names a segment by its fragment number, DASH by its sequence number in the session. */
  segmentFor(session, query) {
    const value = query.get("FragmentNumber");
    if (!value || !/^\d+$/.test(value)) fail("InvalidArgumentException", "The FragmentNumber parameter is required.");
    const index = session.protocol === "HLS" ? session.sequence.findIndex((fragment) => fragment.number === value) : Number(value);
    const fragment = session.sequence[index];
    if (!fragment) fail("ResourceNotFoundException", `The fragment ${value} is not part of this session.`);
    return { fragment, index };
  }

  mediaPlaylist(session, stream) {
    const { window, first, ended } = this.refresh(session, stream);
    const ts = session.container === "MPEG_TS";
    const token = session.token;
    let discontinuities = 0;
    for (let i = 1; i <= first; i++) if (this.discontinuityBefore(session, i)) discontinuities++;
    const lines = [
      "#EXTM3U",
      `#EXT-X-VERSION:${ts ? 3 : 7}`,
      `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(Math.max(...window.map((fragment) => fragment.durationMs)) / 1000))}`,
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
    ];
    if (discontinuities > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuities}`);
    if (session.mode === "ON_DEMAND") lines.push("#EXT-X-PLAYLIST-TYPE:VOD");
    lines.push("#EXT-X-INDEPENDENT-SEGMENTS");
    if (!ts) lines.push(`#EXT-X-MAP:URI="getMP4InitFragment.mp4?SessionToken=${token}&TrackNumber=1"`);
    window.forEach((fragment, offset) => {
      if (this.discontinuityBefore(session, first + offset)) lines.push("#EXT-X-DISCONTINUITY");
      if (session.displayTimestamp) {
        lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(timestampOf(fragment, session.selectorType)).toISOString()}`);
      }
      lines.push(`#EXTINF:${(fragment.durationMs / 1000).toFixed(3)},`);
      const segment = ts ? "getTSFragment.ts" : "getMP4MediaFragment.mp4";
      lines.push(`${segment}?FragmentNumber=${fragment.number}&SessionToken=${token}${ts ? "" : "&TrackNumber=1"}`);
    });
    if (ended) lines.push("#EXT-X-ENDLIST");
    return `${lines.join("\n")}\n`;
  }

  manifest(session, stream) {
    const { window, first, ended } = this.refresh(session, stream);
    const { clip, token } = session;
    const at = (fragment) => timestampOf(fragment, session.selectorType);
    const dynamic = !ended;
    const seconds = (ms) => `PT${(ms / 1000).toFixed(3)}S`;
    const total = window.reduce((sum, fragment) => sum + fragment.durationMs, 0);
    const longest = Math.max(...window.map((fragment) => fragment.durationMs));
    // A static manifest starts at its first segment; a dynamic one places segments on the wall clock
    // (availabilityStartTime is the epoch and times are epoch milliseconds).
    const mpd = dynamic
      ? `type="dynamic" availabilityStartTime="1970-01-01T00:00:00Z" publishTime="${new Date(this.now()).toISOString()}" ` +
        `minimumUpdatePeriod="PT1S" timeShiftBufferDepth="${seconds(total)}" suggestedPresentationDelay="${seconds(3 * longest)}"`
      : `type="static" mediaPresentationDuration="${seconds(at(window[window.length - 1]) + window[window.length - 1].durationMs - at(window[0]))}"`;
    const segments = window.map((fragment) => {
      const extra = [session.displayNumber ? ` kvs:fn="${fragment.number}"` : "", session.displayTimestamp ? ` kvs:ts="${at(fragment)}"` : ""].join("");
      return `            <S t="${at(fragment)}" d="${fragment.durationMs}"${extra}/>`;
    });
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:kvs="urn:aws:kinesisvideo:dash" profiles="urn:mpeg:dash:profile:isoff-live:2011" ` +
        `minBufferTime="${seconds(2 * longest)}" maxSegmentDuration="${seconds(longest)}" ${mpd}>`,
      '  <Period id="0" start="PT0S">',
      '    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">',
      `      <Representation id="1" codecs="${clip.codec}" width="${clip.width}" height="${clip.height}" frameRate="${clip.framesPerSecond}" bandwidth="${bandwidth(clip)}">`,
      `        <SegmentTemplate timescale="1000" presentationTimeOffset="${dynamic ? 0 : at(window[0])}" startNumber="${first}" ` +
        `initialization="getMP4InitFragment.mp4?SessionToken=${token}" media="getMP4MediaFragment.mp4?FragmentNumber=$Number$&amp;SessionToken=${token}">`,
      "          <SegmentTimeline>",
      ...segments,
      "          </SegmentTimeline>",
      "        </SegmentTemplate>",
      "      </Representation>",
      "    </AdaptationSet>",
      "  </Period>",
      "</MPD>",
      "",
    ].join("\n");
  }
}

/** The documented range rules shared by HLS, DASH and GetClip. */
export function checkRange(startMs, endMs, selectorType, nowMs) {
  if (endMs <= startMs) fail("InvalidArgumentException", "The EndTimestamp must be later than the StartTimestamp.");
  if (endMs - startMs > DAY_MS) fail("InvalidArgumentException", "The EndTimestamp must be within 24 hours of the StartTimestamp.");
  if (selectorType === "SERVER_TIMESTAMP" && endMs > nowMs) {
    fail("InvalidArgumentException", "With SERVER_TIMESTAMP, the EndTimestamp must be in the past.");
  }
}

/** Peak bits per second over the clip's fragments, for BANDWIDTH and @bandwidth. */
function bandwidth(clip) {
  return Math.max(...clip.fragments.map((part) => Math.ceil((part.mp4.length * 8 * 1000) / part.durationMs)));
}

function masterPlaylist(session) {
  const { clip, token } = session;
  const ts = session.container === "MPEG_TS";
  return [
    "#EXTM3U",
    `#EXT-X-VERSION:${ts ? 3 : 7}`,
    "#EXT-X-INDEPENDENT-SEGMENTS",
    `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth(clip)},RESOLUTION=${clip.width}x${clip.height},FRAME-RATE=${clip.framesPerSecond.toFixed(3)},CODECS="${clip.codec}"`,
    `getHLSMediaPlaylist.m3u8?SessionToken=${token}&TrackNumber=1`,
    "",
  ].join("\n");
}
