// HLS and MPEG-DASH sessions: GetHLSStreamingSessionURL / GetDASHStreamingSessionURL (signed) give
// a URL whose playlists, manifest and segments are fetched unsigned until the session expires.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { findBox, mp4Boxes } from "./media/containers.mjs";
import { startTestEndpoint, testClock } from "./helpers.mjs";
import { CLIP_FRAGMENTS, errorOf, ffprobe, FRAGMENT_MS, getUnsigned, seconds, seededStream } from "./media-helpers.mjs";

const TIMESCALE = 12800; // the clip's video timescale (ffmpeg's for 25 fps)

let endpoint;
let clock;
let cam; // one clip, T0 to T0 + 10 s
let T0;

before(async () => {
  clock = testClock();
  endpoint = await startTestEndpoint({ now: clock.now });
  T0 = Math.floor(clock.now() / 1000) * 1000 - 60000;
  cam = await seededStream(endpoint, { name: "playback-cam", seed: { startTimestamp: T0 } });
}, { timeout: 60000 });
after(() => endpoint.close());

const range = (type, startMs, endMs) => ({
  FragmentSelectorType: type,
  TimestampRange: { StartTimestamp: seconds(startMs), ...(endMs === undefined ? {} : { EndTimestamp: seconds(endMs) }) },
});

async function hlsSession(stream, body) {
  const response = await stream.archived("getHLSStreamingSessionURL", body);
  assert.equal(response.status, 200, response.text);
  return response.json.HLSStreamingSessionURL;
}

/** The master playlist, then the media playlist it names: `{ master, media, mediaUrl, segments: [{ url, extinf, tags }] }`. */
async function readHls(sessionUrl) {
  const master = await getUnsigned(sessionUrl);
  assert.equal(master.status, 200, master.text);
  assert.equal(master.headers["content-type"], "application/vnd.apple.mpegurl");
  const mediaUrl = new URL(master.text.trim().split("\n").at(-1), sessionUrl).href;
  const media = await getUnsigned(mediaUrl);
  assert.equal(media.status, 200, media.text);
  const segments = [];
  let pending = [];
  for (const line of media.text.trim().split("\n")) {
    if (line.startsWith("#EXTINF:")) pending.push(line);
    else if (line.startsWith("#EXT-X-DISCONTINUITY") && !line.includes("SEQUENCE")) pending.push(line);
    else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) pending.push(line);
    else if (!line.startsWith("#")) {
      segments.push({ url: new URL(line, mediaUrl).href, extinf: Number(pending.find((tag) => tag.startsWith("#EXTINF:")).slice(8, -1)), tags: pending });
      pending = [];
    }
  }
  return { master: master.text, media: media.text, mediaUrl, segments };
}

/** Session segments start at their epoch time: what plays is the span from the start. */
const playedSeconds = (probe) => Number(probe.format.duration) - Number(probe.format.start_time);

const header = (playlist, name) => playlist.split("\n").find((line) => line.startsWith(`${name}:`))?.slice(name.length + 1);

test("HLS ON_DEMAND: a master playlist, an fMP4 media playlist of every fragment in range, and segments that play", { timeout: 30000 }, async () => {
  const url = await hlsSession(cam, { PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000) });
  assert.match(url, /\/data\/b-[0-9a-f]{8}\/hls\/v1\/getHLSMasterPlaylist\.m3u8\?SessionToken=[A-Za-z0-9_-]+~$/);
  const hls = await readHls(url);
  assert.match(hls.master, /^#EXTM3U\n/);
  assert.match(hls.master, /#EXT-X-STREAM-INF:BANDWIDTH=\d+,RESOLUTION=640x360,FRAME-RATE=25.000,CODECS="avc1\.4D401E"/);
  assert.match(hls.mediaUrl, /getHLSMediaPlaylist\.m3u8\?SessionToken=.+&TrackNumber=1$/);
  assert.equal(header(hls.media, "#EXT-X-PLAYLIST-TYPE"), "VOD");
  assert.equal(header(hls.media, "#EXT-X-MEDIA-SEQUENCE"), "0");
  assert.equal(header(hls.media, "#EXT-X-TARGETDURATION"), "1");
  assert.match(hls.media, /#EXT-X-ENDLIST\n$/);
  assert.equal(hls.segments.length, CLIP_FRAGMENTS);
  assert.deepEqual(hls.segments.map((s) => new URL(s.url).searchParams.get("FragmentNumber")), cam.fragments.map((f) => f.fragmentNumber));
  assert.ok(hls.segments.every((s) => s.extinf === 1 && s.tags.length === 1), "PRODUCER_TIMESTAMP: no discontinuities by default");

  const mapUri = /#EXT-X-MAP:URI="([^"]+)"/.exec(hls.media)[1];
  const init = await getUnsigned(new URL(mapUri, hls.mediaUrl).href);
  assert.equal(init.status, 200);
  assert.equal(init.headers["content-type"], "video/mp4");
  assert.deepEqual(mp4Boxes(init.body).map((box) => box.type).slice(0, 2), ["ftyp", "moov"]);
  const parts = [init.body];
  for (const [i, segment] of hls.segments.entries()) {
    const response = await getUnsigned(segment.url);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(mp4Boxes(response.body).map((box) => box.type), ["moof", "mdat"]);
    // Segments carry the producer timestamps (the selector's) as their decode times.
    const tfdt = findBox(response.body, ["moof", "traf", "tfdt"]);
    assert.equal(Number(response.body.readBigUInt64BE(tfdt.bodyStart + 4)), Math.round(((T0 + i * FRAGMENT_MS) * TIMESCALE) / 1000));
    parts.push(response.body);
  }
  const whole = Buffer.concat(parts);
  const probe = await ffprobe(whole, "mp4");
  assert.equal(probe.streams[0].codec_name, "h264");
  assert.ok(Math.abs(playedSeconds(probe) - 10) < 0.1, `played ${playedSeconds(probe)} s`);

  // GetClip of the same range is the same init and segments, only with times from 0.
  const clip = await cam.archived("getClip", { ClipFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000) });
  assert.equal(clip.body.length, whole.length);
});

test("HLS options: MaxMediaPlaylistFragmentResults, discontinuities, program date-times, SERVER_TIMESTAMP", { timeout: 20000 }, async () => {
  const few = await readHls(await hlsSession(cam, { PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000), MaxMediaPlaylistFragmentResults: 3 }));
  assert.equal(few.segments.length, 3, "ON_DEMAND keeps the oldest");
  assert.equal(new URL(few.segments[0].url).searchParams.get("FragmentNumber"), cam.fragments[0].fragmentNumber);

  // SERVER_TIMESTAMP defaults to a discontinuity between every two fragments.
  const server = await readHls(await hlsSession(cam, { PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("SERVER_TIMESTAMP", T0, T0 + 9500) }));
  assert.equal(server.segments.length, CLIP_FRAGMENTS);
  assert.deepEqual(server.segments.map((s) => s.tags.includes("#EXT-X-DISCONTINUITY")), [false, ...Array(CLIP_FRAGMENTS - 1).fill(true)]);

  const stamped = await readHls(
    await hlsSession(cam, {
      PlaybackMode: "ON_DEMAND",
      HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000),
      DiscontinuityMode: "ON_DISCONTINUITY",
      DisplayFragmentTimestamp: "ALWAYS",
    }),
  );
  assert.deepEqual(
    stamped.segments.map((s) => s.tags.find((tag) => tag.startsWith("#EXT-X-PROGRAM-DATE-TIME:"))),
    cam.fragments.map((f) => `#EXT-X-PROGRAM-DATE-TIME:${new Date(f.producerTimestamp).toISOString()}`),
  );
  assert.ok(stamped.segments.every((s) => !s.tags.includes("#EXT-X-DISCONTINUITY")), "contiguous fragments: no discontinuity");
});

test("HLS LIVE: the newest fragments, a window that moves as fragments are ingested, no end", { timeout: 30000 }, async () => {
  const live = await seededStream(endpoint, { name: "live-cam" });
  const url = await hlsSession(live, { PlaybackMode: "LIVE" });
  let hls = await readHls(url);
  assert.equal(hls.segments.length, 5, "5 by default");
  assert.deepEqual(hls.segments.map((s) => new URL(s.url).searchParams.get("FragmentNumber")), live.fragments.slice(-5).map((f) => f.fragmentNumber));
  assert.equal(header(hls.media, "#EXT-X-MEDIA-SEQUENCE"), "0");
  assert.doesNotMatch(hls.media, /#EXT-X-ENDLIST|#EXT-X-PLAYLIST-TYPE/);

  const more = await endpoint.seedStreamMedia({ streamArn: live.arn, startTimestamp: live.fragments.at(-1).producerTimestamp + FRAGMENT_MS, repeat: 1 });
  hls = await readHls(url);
  assert.deepEqual(hls.segments.map((s) => new URL(s.url).searchParams.get("FragmentNumber")), more.fragments.slice(-5).map((f) => f.fragmentNumber));
  assert.equal(header(hls.media, "#EXT-X-MEDIA-SEQUENCE"), "10");
  // SERVER_TIMESTAMP: every fragment follows a discontinuity, counted as they leave the window.
  assert.equal(header(hls.media, "#EXT-X-DISCONTINUITY-SEQUENCE"), "10");
  const segment = await getUnsigned(hls.segments[0].url);
  assert.equal(segment.status, 200);

  const bigger = await readHls(await hlsSession(live, { PlaybackMode: "LIVE", MaxMediaPlaylistFragmentResults: 8 }));
  assert.equal(bigger.segments.length, 8);
});

test("HLS LIVE_REPLAY: starts at the given time and adds a fragment as each one's duration elapses", { timeout: 20000 }, async () => {
  const url = await hlsSession(cam, { PlaybackMode: "LIVE_REPLAY", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0 + 2000, T0 + 8000), MaxMediaPlaylistFragmentResults: 3 });
  const numbers = async () => (await readHls(url)).segments.map((s) => new URL(s.url).searchParams.get("FragmentNumber"));
  const expected = (from, to) => cam.fragments.slice(from, to).map((f) => f.fragmentNumber);
  assert.deepEqual(await numbers(), expected(2, 5));
  clock.advance(FRAGMENT_MS);
  assert.deepEqual(await numbers(), expected(3, 6));
  clock.advance(10 * FRAGMENT_MS);
  const last = await readHls(url);
  assert.deepEqual(last.segments.map((s) => new URL(s.url).searchParams.get("FragmentNumber")), expected(6, 9));
  assert.match(last.media, /#EXT-X-ENDLIST\n$/, "with an EndTimestamp, the session ends once it is all there");
});

test("HLS with ContainerFormat MPEG_TS serves the fragments as TS segments without an init segment", { timeout: 20000 }, async () => {
  const hls = await readHls(await hlsSession(cam, { PlaybackMode: "ON_DEMAND", ContainerFormat: "MPEG_TS", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000) }));
  assert.doesNotMatch(hls.media, /#EXT-X-MAP/);
  assert.equal(hls.segments.length, CLIP_FRAGMENTS);
  assert.match(hls.segments[0].url, /getTSFragment\.ts\?FragmentNumber=\d{47}&SessionToken=/);
  const parts = [];
  for (const segment of hls.segments) {
    const response = await getUnsigned(segment.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "video/mp2t");
    assert.equal(response.body[0], 0x47, "TS sync byte");
    parts.push(response.body);
  }
  const probe = await ffprobe(Buffer.concat(parts), "ts");
  assert.equal(probe.format.format_name, "mpegts");
  assert.equal(probe.streams[0].codec_name, "h264");
  const mp4Only = await getUnsigned(hls.segments[0].url.replace("getTSFragment.ts", "getMP4MediaFragment.mp4"));
  assert.deepEqual(errorOf(mp4Only), { status: 404, name: "ResourceNotFoundException" });
});

test("HLS session URLs need the session's token and stop working when the session expires", { timeout: 20000 }, async () => {
  const url = await hlsSession(cam, { PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000), Expires: 300 });
  const hls = await readHls(url);
  const noToken = await getUnsigned(url.replace(/\?.*$/, ""));
  assert.deepEqual(errorOf(noToken), { status: 400, name: "InvalidArgumentException" });
  const forged = await getUnsigned(url.replace(/SessionToken=[^&]+/, "SessionToken=forged~"));
  assert.deepEqual(errorOf(forged), { status: 401, name: "NotAuthorizedException" });
  assert.ok(forged.headers["x-amzn-requestid"]);
  assert.equal(typeof forged.json.Message, "string");
  const other = await seededStream(endpoint, { name: "token-elsewhere", seed: false });
  const elsewhere = await getUnsigned(url.replace(cam.archivedUrl, other.archivedUrl));
  assert.deepEqual(errorOf(elsewhere), { status: 401, name: "NotAuthorizedException" }, "a token works only on its stream's endpoint");
  const unknownFragment = await getUnsigned(hls.segments[0].url.replace(/FragmentNumber=\d+/, "FragmentNumber=1"));
  assert.deepEqual(errorOf(unknownFragment), { status: 404, name: "ResourceNotFoundException" });

  clock.advance(299 * 1000);
  assert.equal((await getUnsigned(hls.segments[0].url)).status, 200, "still valid within Expires");
  clock.advance(1000);
  for (const target of [url, hls.mediaUrl, hls.segments[0].url]) {
    const expired = await getUnsigned(target);
    assert.deepEqual(errorOf(expired), { status: 401, name: "NotAuthorizedException" });
    assert.match(expired.json.Message, /expired/);
  }
  clock.advance(-300 * 1000); // back within the signature skew the later tests sign with
});

test("GetHLSStreamingSessionURL and GetDASHStreamingSessionURL refuse what the service refuses", { timeout: 20000 }, async () => {
  const onDemand = (extra = {}) => ({ PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000), ...extra });
  const cases = [
    [onDemand({ MaxMediaPlaylistFragmentResults: 0 }), 400, "InvalidArgumentException"],
    [onDemand({ MaxMediaPlaylistFragmentResults: 5001 }), 400, "InvalidArgumentException"],
    [onDemand({ Expires: 299 }), 400, "InvalidArgumentException"],
    [onDemand({ Expires: 43201 }), 400, "InvalidArgumentException"],
    [{ PlaybackMode: "ON_DEMAND" }, 400, "InvalidArgumentException"],
    [{ PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0) }, 400, "InvalidArgumentException"],
    [{ PlaybackMode: "LIVE", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000) }, 400, "InvalidArgumentException"],
    [{ PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0 + 9000, T0) }, 400, "InvalidArgumentException"],
    [{ PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0 - 60000, T0 - 1000) }, 404, "ResourceNotFoundException"],
    [{ PlaybackMode: "LIVE_REPLAY", HLSFragmentSelector: range("PRODUCER_TIMESTAMP", T0 + 60000) }, 404, "ResourceNotFoundException"],
    [{ PlaybackMode: "ON_DEMAND", HLSFragmentSelector: range("SERVER_TIMESTAMP", T0, clock.now() + 3600 * 1000) }, 400, "InvalidArgumentException"],
  ];
  for (const [body, status, name] of cases) {
    assert.deepEqual(errorOf(await cam.archived("getHLSStreamingSessionURL", body)), { status, name }, JSON.stringify(body));
  }
  assert.deepEqual(errorOf(await cam.archived("getDASHStreamingSessionURL", { MaxManifestFragmentResults: 5001 })), { status: 400, name: "InvalidArgumentException" });

  // No fragment ingested in the last 30 s: nothing to play LIVE.
  const quiet = await seededStream(endpoint, { name: "quiet-cam", seed: { startTimestamp: clock.now() - 120000 } });
  assert.deepEqual(errorOf(await quiet.archived("getHLSStreamingSessionURL", { PlaybackMode: "LIVE" })), { status: 404, name: "ResourceNotFoundException" });
  const unretained = await seededStream(endpoint, { name: "playback-no-retention", retention: 0 });
  for (const operation of ["getHLSStreamingSessionURL", "getDASHStreamingSessionURL"]) {
    assert.deepEqual(errorOf(await unretained.archived(operation, { PlaybackMode: "LIVE" })), { status: 400, name: "NoDataRetentionException" });
  }
});

test("DASH ON_DEMAND: a static MPD whose template names the session's segments by number", { timeout: 30000 }, async () => {
  const response = await cam.archived("getDASHStreamingSessionURL", {
    PlaybackMode: "ON_DEMAND",
    DASHFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000),
    DisplayFragmentNumber: "ALWAYS",
    DisplayFragmentTimestamp: "ALWAYS",
  });
  assert.equal(response.status, 200, response.text);
  const url = response.json.DASHStreamingSessionURL;
  assert.match(url, /\/data\/b-[0-9a-f]{8}\/dash\/v1\/getDASHManifest\.mpd\?SessionToken=/);
  const mpd = await getUnsigned(url);
  assert.equal(mpd.status, 200);
  assert.equal(mpd.headers["content-type"], "application/dash+xml");
  assert.match(mpd.text, /<MPD [^>]*type="static"[^>]*mediaPresentationDuration="PT10\.000S"/);
  assert.match(mpd.text, /codecs="avc1\.4D401E" width="640" height="360" frameRate="25"/);
  const attribute = (name) => new RegExp(`${name}="([^"]*)"`).exec(mpd.text)[1].replaceAll("&amp;", "&");
  const timeline = [...mpd.text.matchAll(/<S t="(\d+)" d="(\d+)" kvs:fn="(\d+)" kvs:ts="(\d+)"\/>/g)];
  assert.equal(timeline.length, CLIP_FRAGMENTS);
  assert.deepEqual(timeline.map((s) => s[3]), cam.fragments.map((f) => f.fragmentNumber));
  assert.deepEqual(timeline.map((s) => Number(s[1])), cam.fragments.map((f) => f.producerTimestamp));

  const startNumber = Number(attribute("startNumber"));
  const init = await getUnsigned(new URL(attribute("initialization"), url).href);
  assert.deepEqual(mp4Boxes(init.body).map((box) => box.type).slice(0, 2), ["ftyp", "moov"]);
  const parts = [init.body];
  for (let i = 0; i < timeline.length; i++) {
    const segment = await getUnsigned(new URL(attribute("media").replace("$Number$", String(startNumber + i)), url).href);
    assert.equal(segment.status, 200, segment.text);
    const tfdt = findBox(segment.body, ["moof", "traf", "tfdt"]);
    assert.equal(Number(segment.body.readBigUInt64BE(tfdt.bodyStart + 4)), Math.round((Number(timeline[i][1]) * TIMESCALE) / 1000), "t and tfdt agree");
    parts.push(segment.body);
  }
  const probe = await ffprobe(Buffer.concat(parts), "mp4");
  assert.ok(Math.abs(playedSeconds(probe) - 10) < 0.1, `played ${playedSeconds(probe)} s`);
  const beyond = await getUnsigned(new URL(attribute("media").replace("$Number$", String(startNumber + timeline.length)), url).href);
  assert.deepEqual(errorOf(beyond), { status: 404, name: "ResourceNotFoundException" });
});

test("DASH LIVE: a dynamic MPD on the wall clock with the newest fragments", { timeout: 20000 }, async () => {
  const live = await seededStream(endpoint, { name: "dash-live" });
  const response = await live.archived("getDASHStreamingSessionURL", { PlaybackMode: "LIVE", MaxManifestFragmentResults: 4 });
  const mpd = await getUnsigned(response.json.DASHStreamingSessionURL);
  assert.match(mpd.text, /type="dynamic" availabilityStartTime="1970-01-01T00:00:00Z"/);
  assert.match(mpd.text, /startNumber="0"/);
  const times = [...mpd.text.matchAll(/<S t="(\d+)" d="(\d+)"\/>/g)].map((s) => Number(s[1]));
  assert.deepEqual(times, live.fragments.slice(-4).map((f) => f.serverTimestamp), "LIVE uses server timestamps by default");
});
