// The archived-media APIs with signed requests: ListFragments, GetMediaForFragmentList, GetClip
// and GetImages on a stream seeded with the test clip, at the `b-` endpoint GetDataEndpoint gives.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { matroskaTags, mp4Boxes, splitMatroskaChunks } from "./media/containers.mjs";
import { botocoreModel } from "../support/models.mjs";
import { checkOutputShape, rawHttp, signedRequest, startTestEndpoint } from "./helpers.mjs";
import { CLIP_FRAGMENTS, EBML_MAGIC, errorOf, ffprobe, FRAGMENT_MS, JPEG_MAGIC, PNG_MAGIC, seconds, seededStream } from "./media-helpers.mjs";

let endpoint;
let cam; // seeded twice: 20 fragments, the first ten starting at T0
// Two minutes ago (well within the 24 h of retention: older fragments are gone), at a whole 600 ms.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120000 + 600;

before(async () => {
  endpoint = await startTestEndpoint();
  cam = await seededStream(endpoint, { name: "archived-cam", seed: { startTimestamp: new Date(T0), repeat: 2 } });
}, { timeout: 60000 });
after(() => endpoint.close());

const range = (type, startMs, endMs) => ({ FragmentSelectorType: type, TimestampRange: { StartTimestamp: seconds(startMs), EndTimestamp: seconds(endMs) } });

test("seeding appends 1 s fragments with 47-digit growing numbers and server times just after producer times", () => {
  assert.equal(cam.fragments.length, 2 * CLIP_FRAGMENTS);
  cam.fragments.forEach((fragment, i) => {
    assert.match(fragment.fragmentNumber, /^\d{47}$/);
    if (i > 0) assert.ok(BigInt(fragment.fragmentNumber) > BigInt(cam.fragments[i - 1].fragmentNumber));
    assert.equal(fragment.producerTimestamp, T0 + i * FRAGMENT_MS);
    const lag = fragment.serverTimestamp - fragment.producerTimestamp;
    assert.ok(lag > 0 && lag < 100, `server ${lag} ms after producer`);
    assert.equal(fragment.lengthInMilliseconds, FRAGMENT_MS);
    assert.ok(fragment.sizeInBytes > 1000);
  });
});

test("the seed hook over HTTP defaults to a clip that ends now and refuses bad arguments", { timeout: 30000 }, async () => {
  const other = await seededStream(endpoint, { name: "hooked", seed: false });
  const before = Date.now();
  const seed = (body) => rawHttp(`${endpoint.url}/_local/media/seed`, { headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = await seed({ streamName: "hooked" });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.streamArn, other.arn);
  assert.equal(answer.json.fragments.length, CLIP_FRAGMENTS);
  const last = answer.json.fragments.at(-1);
  const end = last.producerTimestamp + last.lengthInMilliseconds;
  assert.ok(end >= before && end <= Date.now(), "the last fragment ends at the time of seeding");

  for (const [body, pattern] of [
    [{}, /streamName or streamArn/],
    [{ streamName: "absent" }, /no stream absent/],
    [{ streamName: "hooked", repeat: 0 }, /repeat/],
    [{ streamName: "hooked", startTimestamp: "yesterday" }, /startTimestamp/],
  ]) {
    const refused = await seed(body);
    assert.equal(refused.status, 400);
    assert.equal(refused.headers["x-amzn-errortype"], "InvalidArgumentException");
    assert.match(refused.json.message, pattern);
  }
  await assert.rejects(endpoint.seedStreamMedia({ streamName: "hooked", region: "eu-west-1" }), TypeError);
});

test("ListFragments selects by producer or server timestamp, inclusive at both ends, and pages with NextToken", { timeout: 10000 }, async () => {
  // Fragments 2..5 start within [T0 + 1.5 s, T0 + 5 s]: 2, 3, 4, 5 (5 starts exactly at the end).
  const producer = await cam.archived("listFragments", { FragmentSelector: range("PRODUCER_TIMESTAMP", T0 + 1500, T0 + 5000) });
  assert.equal(producer.status, 200, producer.text);
  assert.deepEqual(producer.json.Fragments.map((f) => f.FragmentNumber), cam.fragments.slice(2, 6).map((f) => f.fragmentNumber));
  assert.equal(producer.json.NextToken, null);
  const first = producer.json.Fragments[0];
  assert.deepEqual(Object.keys(first).sort(), ["FragmentLengthInMilliseconds", "FragmentNumber", "FragmentSizeInBytes", "ProducerTimestamp", "ServerTimestamp"]);
  assert.equal(first.ProducerTimestamp, seconds(T0 + 2000));
  assert.equal(first.ServerTimestamp, seconds(cam.fragments[2].serverTimestamp));
  assert.equal(first.FragmentLengthInMilliseconds, FRAGMENT_MS);
  assert.equal(first.FragmentSizeInBytes, cam.fragments[2].sizeInBytes);

  // Server timestamps lag: the range that held fragment 5 by producer time no longer does.
  const server = await cam.archived("listFragments", { FragmentSelector: range("SERVER_TIMESTAMP", T0 + 1500, T0 + 5000) });
  assert.deepEqual(server.json.Fragments.map((f) => f.FragmentNumber), cam.fragments.slice(2, 5).map((f) => f.fragmentNumber));

  const seen = [];
  let page = await cam.archived("listFragments", { MaxResults: 7, FragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 60000) });
  for (;;) {
    assert.equal(page.status, 200, page.text);
    assert.ok(page.json.Fragments.length <= 7);
    seen.push(...page.json.Fragments.map((f) => f.FragmentNumber));
    if (!page.json.NextToken) break;
    assert.match(page.json.NextToken, /^[A-Za-z0-9+/]+={0,2}$/);
    page = await cam.archived("listFragments", { MaxResults: 7, NextToken: page.json.NextToken });
  }
  assert.deepEqual(seen, cam.fragments.map((f) => f.fragmentNumber));

  const empty = await cam.archived("listFragments", { FragmentSelector: range("SERVER_TIMESTAMP", T0 - 60000, T0 - 1) });
  assert.deepEqual(empty.json, { Fragments: [], NextToken: null });
});

test("ListFragments refuses what the service refuses", { timeout: 10000 }, async () => {
  const cases = [
    [{}, 400, "InvalidArgumentException"], // no selector and no token
    [{ FragmentSelector: range("SERVER_TIMESTAMP", T0 + 5000, T0) }, 400, "InvalidArgumentException"],
    [{ FragmentSelector: range("ARRIVAL", T0, T0 + 1) }, 400, "InvalidArgumentException"],
    [{ MaxResults: 1001, FragmentSelector: range("SERVER_TIMESTAMP", T0, T0 + 1) }, 400, "InvalidArgumentException"],
    [{ NextToken: "bm90IGEgdG9rZW4=" }, 400, "InvalidArgumentException"],
  ];
  for (const [body, status, name] of cases) {
    const response = await cam.archived("listFragments", body);
    assert.deepEqual(errorOf(response), { status, name }, JSON.stringify(body));
    assert.ok(response.headers["x-amzn-requestid"]);
    assert.equal(typeof response.json.Message, "string");
  }
  const absent = await signedRequest(`${cam.archivedUrl}/listFragments`, {
    credentials: cam.credentials,
    body: { StreamName: "absent", FragmentSelector: range("SERVER_TIMESTAMP", T0, T0 + 1) },
  });
  assert.deepEqual(errorOf(absent), { status: 404, name: "ResourceNotFoundException" });
  const unsigned = await rawHttp(`${cam.archivedUrl}/listFragments`, { body: "{}" });
  assert.deepEqual(errorOf(unsigned), { status: 403, name: "MissingAuthenticationTokenException" });
});

test("an endpoint serves only its own stream, and only its own kind of API", { timeout: 10000 }, async () => {
  const other = await seededStream(endpoint, { name: "other-cam", seed: false });
  const wrong = await signedRequest(`${other.archivedUrl}/listFragments`, {
    credentials: cam.credentials,
    body: { StreamARN: cam.arn, FragmentSelector: range("SERVER_TIMESTAMP", T0, T0 + 1) },
  });
  assert.deepEqual(errorOf(wrong), { status: 400, name: "InvalidArgumentException" });
  assert.match(wrong.json.Message, /does not serve/);
  const onMediaEndpoint = await signedRequest(`${cam.mediaUrl}/listFragments`, { credentials: cam.credentials, body: { StreamARN: cam.arn } });
  assert.deepEqual(errorOf(onMediaEndpoint), { status: 404, name: "UnknownOperationException" });
  const getMediaHere = await signedRequest(`${cam.archivedUrl}/getMedia`, {
    credentials: cam.credentials,
    body: { StreamARN: cam.arn, StartSelector: { StartSelectorType: "EARLIEST" } },
  });
  assert.deepEqual(errorOf(getMediaHere), { status: 400, name: "InvalidEndpointException" });
});

test("GetMediaForFragmentList answers the fragments' Matroska chunks in the order asked, tagged", { timeout: 20000 }, async () => {
  const wanted = [cam.fragments[4], cam.fragments[1], cam.fragments[12]];
  const response = await cam.archived("getMediaForFragmentList", { Fragments: wanted.map((f) => f.fragmentNumber) });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers["content-type"], "video/webm");
  assert.deepEqual(response.body.subarray(0, 4), EBML_MAGIC);
  const chunks = splitMatroskaChunks(response.body);
  assert.equal(chunks.length, 3);
  chunks.forEach((chunk, i) => {
    const tags = matroskaTags(chunk);
    assert.equal(tags.AWS_KINESISVIDEO_FRAGMENT_NUMBER, wanted[i].fragmentNumber);
    assert.equal(tags.AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP, (wanted[i].producerTimestamp / 1000).toFixed(3));
    assert.equal(tags.AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP, (wanted[i].serverTimestamp / 1000).toFixed(3));
  });
  // Each chunk is playable H.264 whose frames carry the fragment's producer time.
  const probe = await ffprobe(chunks[0], "mkv", { packets: true });
  assert.equal(probe.streams[0].codec_name, "h264");
  assert.equal(probe.streams[0].width, 640);
  assert.equal(probe.packets.length, 25);
  assert.equal(Number(probe.packets[0].pts_time), wanted[0].producerTimestamp / 1000);

  const unknown = await cam.archived("getMediaForFragmentList", { Fragments: [cam.fragments[0].fragmentNumber, "12345"] });
  assert.deepEqual(errorOf(unknown), { status: 404, name: "ResourceNotFoundException" });
  const none = await cam.archived("getMediaForFragmentList", { Fragments: [] });
  assert.deepEqual(errorOf(none), { status: 400, name: "InvalidArgumentException" });
});

test("GetClip answers the range as one MP4: the init segment, then every fragment's moof and mdat", { timeout: 30000 }, async () => {
  const response = await cam.archived("getClip", { ClipFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 9000) });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.headers["content-type"], "video/mp4");
  const boxes = mp4Boxes(response.body).map((box) => box.type);
  assert.equal(boxes[0], "ftyp");
  assert.equal(boxes[1], "moov");
  assert.equal(boxes.filter((type) => type === "moof").length, CLIP_FRAGMENTS);
  assert.equal(boxes.filter((type) => type === "mdat").length, CLIP_FRAGMENTS);
  assert.equal(Number(response.headers["content-length"]), response.body.length);

  const probe = await ffprobe(response.body, "mp4");
  const video = probe.streams.find((stream) => stream.codec_type === "video");
  assert.equal(video.codec_name, "h264");
  assert.equal(`${video.width}x${video.height}`, "640x360");
  assert.ok(Math.abs(Number(probe.format.duration) - 10) < 0.1, `duration ${probe.format.duration}`);

  // Across the two seeded copies: 12 fragments, continuous.
  const longer = await cam.archived("getClip", { ClipFragmentSelector: range("PRODUCER_TIMESTAMP", T0 + 4000, T0 + 15000) });
  assert.equal(mp4Boxes(longer.body).filter((box) => box.type === "moof").length, 12);
  assert.ok(Math.abs(Number((await ffprobe(longer.body, "mp4")).format.duration) - 12) < 0.1);
});

test("GetClip refuses empty, inverted, too long or future ranges, and streams without retention", { timeout: 20000 }, async () => {
  const cases = [
    [range("PRODUCER_TIMESTAMP", T0 - 60000, T0 - 1000), 404, "ResourceNotFoundException"],
    [range("PRODUCER_TIMESTAMP", T0 + 5000, T0), 400, "InvalidArgumentException"],
    [range("PRODUCER_TIMESTAMP", T0, T0), 400, "InvalidArgumentException"],
    [range("PRODUCER_TIMESTAMP", T0, T0 + 25 * 3600 * 1000), 400, "InvalidArgumentException"],
    [range("SERVER_TIMESTAMP", T0, Date.now() + 3600 * 1000), 400, "InvalidArgumentException"],
  ];
  for (const [selector, status, name] of cases) {
    assert.deepEqual(errorOf(await cam.archived("getClip", { ClipFragmentSelector: selector })), { status, name }, JSON.stringify(selector));
  }
  const missing = await cam.archived("getClip", {});
  assert.deepEqual(errorOf(missing), { status: 400, name: "InvalidArgumentException" });
  assert.match(missing.json.Message, /clipFragmentSelector/);

  const unretained = await seededStream(endpoint, { name: "no-retention", retention: 0 });
  const refused = await unretained.archived("getClip", { ClipFragmentSelector: range("SERVER_TIMESTAMP", Date.now() - 60000, Date.now() - 1000) });
  assert.deepEqual(errorOf(refused), { status: 400, name: "NoDataRetentionException" });
});

test("GetImages samples the range: base64 JPEG or PNG where a fragment covers the time, NO_MEDIA elsewhere", { timeout: 20000 }, async () => {
  // From 1 s before the stream to 2 s into it, every 500 ms: 7 samples, the first two before any media.
  const body = { ImageSelectorType: "PRODUCER_TIMESTAMP", StartTimestamp: seconds(T0 - 1000), EndTimestamp: seconds(T0 + 2000), SamplingInterval: 500, Format: "JPEG" };
  const response = await cam.archived("getImages", body);
  assert.equal(response.status, 200, response.text);
  const { Images, NextToken } = response.json;
  assert.equal(NextToken, null);
  assert.deepEqual(Images.map((image) => image.TimeStamp), [0, 1, 2, 3, 4, 5, 6].map((k) => seconds(T0 - 1000 + k * 500)));
  assert.deepEqual(Images.map((image) => image.Error), ["NO_MEDIA", "NO_MEDIA", null, null, null, null, null]);
  assert.equal(Images[0].ImageContent, null);
  const jpegs = Images.slice(2).map((image) => Buffer.from(image.ImageContent, "base64"));
  for (const jpeg of jpegs) assert.deepEqual(jpeg.subarray(0, 3), JPEG_MAGIC);
  assert.notDeepEqual(jpegs[0], jpegs[1], "samples 500 ms apart show different frames");

  const png = await cam.archived("getImages", { ...body, Format: "PNG", StartTimestamp: seconds(T0), EndTimestamp: seconds(T0), WidthPixels: 320, HeightPixels: 180 });
  assert.equal(png.json.Images.length, 1, "a range shorter than the interval gives the image at its start");
  assert.deepEqual(Buffer.from(png.json.Images[0].ImageContent, "base64").subarray(0, 8), PNG_MAGIC);
});

test("GetImages pages 25 images at most, MaxResults fewer, and follows NextToken", { timeout: 20000 }, async () => {
  const body = { ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: seconds(T0), EndTimestamp: seconds(T0 + 19800), SamplingInterval: 200, Format: "JPEG" };
  const times = [];
  let page = await cam.archived("getImages", { ...body, MaxResults: 100 });
  let pages = 0;
  for (;;) {
    assert.equal(page.status, 200, page.text);
    assert.ok(page.json.Images.length <= 25);
    times.push(...page.json.Images.map((image) => image.TimeStamp));
    pages++;
    if (!page.json.NextToken) break;
    page = await cam.archived("getImages", { ...body, MaxResults: 100, NextToken: page.json.NextToken });
  }
  assert.equal(times.length, 100);
  assert.equal(pages, 4);
  assert.equal(new Set(times).size, 100);
  const small = await cam.archived("getImages", { ...body, MaxResults: 3 });
  assert.equal(small.json.Images.length, 3);
  assert.ok(small.json.NextToken);
});

test("GetImages refuses what the documentation rules out", { timeout: 20000 }, async () => {
  const base = { ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: seconds(T0), EndTimestamp: seconds(T0 + 1000), SamplingInterval: 500, Format: "JPEG" };
  const cases = [
    { SamplingInterval: 199 },
    { EndTimestamp: seconds(T0 + 301000) },
    { EndTimestamp: seconds(T0 - 1000) },
    { WidthPixels: 100 },
    { Format: "GIF" },
    { FormatConfig: { JPEGQuality: "101" } },
    { MaxResults: 101 },
  ];
  for (const change of cases) {
    assert.deepEqual(errorOf(await cam.archived("getImages", { ...base, ...change })), { status: 400, name: "InvalidArgumentException" }, JSON.stringify(change));
  }
  const unretained = await seededStream(endpoint, { name: "no-retention-images", retention: 0, seed: false });
  assert.deepEqual(errorOf(await unretained.archived("getImages", base)), { status: 400, name: "NoDataRetentionException" });
});

test("media answers allow any origin and expose the headers clients read", { timeout: 10000 }, async () => {
  const response = await cam.archived("getClip", { ClipFragmentSelector: range("PRODUCER_TIMESTAMP", T0, T0 + 1000) });
  assert.equal(response.status, 200);
  assert.equal(response.headers["access-control-allow-origin"], "*");
  assert.match(response.headers["access-control-expose-headers"], /x-amzn-RequestId/);
  const preflight = await rawHttp(`${cam.archivedUrl}/getClip`, {
    method: "OPTIONS",
    headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type,x-amz-date" },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers["access-control-allow-headers"], "authorization,content-type,x-amz-date");
});

test("JSON answers match botocore's output shapes; errors are ones the operation declares", { timeout: 20000 }, async () => {
  const reference = botocoreModel("ArchivedMedia");
  const answers = {
    ListFragments: await cam.archived("listFragments", { FragmentSelector: range("PRODUCER_TIMESTAMP", T0 - 5000, T0 + 3000) }),
    GetImages: await cam.archived("getImages", { ImageSelectorType: "PRODUCER_TIMESTAMP", StartTimestamp: seconds(T0 - 500), EndTimestamp: seconds(T0 + 500), SamplingInterval: 500, Format: "PNG" }),
    GetHLSStreamingSessionURL: await cam.archived("getHLSStreamingSessionURL", { PlaybackMode: "LIVE_REPLAY", HLSFragmentSelector: range("SERVER_TIMESTAMP", T0, T0 + 5000) }),
    GetDASHStreamingSessionURL: await cam.archived("getDASHStreamingSessionURL", { PlaybackMode: "ON_DEMAND", DASHFragmentSelector: range("SERVER_TIMESTAMP", T0, T0 + 5000) }),
  };
  for (const [operation, response] of Object.entries(answers)) {
    assert.equal(response.status, 200, `${operation}: ${response.text}`);
    assert.deepEqual(checkOutputShape(reference, reference.operations[operation].output.shape, response.json), [], operation);
  }
  assert.deepEqual(answers.GetImages.json.Images.map((image) => image.Error), ["NO_MEDIA", null, null]);

  const failures = {
    ListFragments: await cam.archived("listFragments", {}),
    GetClip: await cam.archived("getClip", { ClipFragmentSelector: range("SERVER_TIMESTAMP", T0 - 9000, T0 - 5000) }),
    GetImages: await cam.archived("getImages", { ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: seconds(T0), EndTimestamp: seconds(T0 + 1), SamplingInterval: 1, Format: "PNG" }),
    GetMediaForFragmentList: await cam.archived("getMediaForFragmentList", { Fragments: ["1"] }),
  };
  for (const [operation, response] of Object.entries(failures)) {
    const { name, status } = errorOf(response);
    assert.ok(reference.operations[operation].errors.some((error) => error.shape === name), `${operation} declares ${name}`);
    assert.equal(status, reference.shapes[name].error.httpStatusCode, `${operation}: ${name}'s status`);
    assert.deepEqual(Object.keys(response.json), ["Message"]);
  }
});
