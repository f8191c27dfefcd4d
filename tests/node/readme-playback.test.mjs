// The README's playback example (the fenced block after `<!-- example: playback -->`) as written, in
// Node against the local endpoint, on a stream "door-cam" seeded with the test clip half a minute
// ago. Its surroundings are `kvs` (a client at the local endpoint) and `hls` (a stand-in for an
// hls.js player that keeps the URL it is given); the only change to its text is the import
// specifier. The test then checks what the example made: a session URL that serves a playlist, an
// MP4 clip, JPEG thumbnails, the fragments it printed and the first Matroska bytes.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { credentialsOf, REGION, startTestEndpoint } from "../local-endpoint/helpers.mjs";
import { EBML_MAGIC, JPEG_MAGIC, seededStream } from "../local-endpoint/media-helpers.mjs";
import { exampleBlock } from "../webrtc/readme.mjs";

const NODE_ENTRY = pathToFileURL(fileURLToPath(new URL("../../pkg/node.js", import.meta.url))).href;

let endpoint;
let dir;
before(async () => {
  endpoint = await startTestEndpoint();
  await seededStream(endpoint, { name: "door-cam", seed: { startTimestamp: Date.now() - 30_000 } });
  dir = await mkdtemp(join(tmpdir(), "kvs-readme-playback-"));
}, { timeout: 60000 });
after(async () => {
  await endpoint?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("the README's playback example runs as written", { timeout: 30000 }, async () => {
  const example = exampleBlock("playback");
  const from = 'from "kinesis-video-wasm"';
  assert.equal(example.split(from).length - 1, 1, "the example imports the package once");
  const surroundings = [
    `import { KinesisVideoClient } from ${JSON.stringify(NODE_ENTRY)};`,
    `const kvs = new KinesisVideoClient(${JSON.stringify({ region: REGION, endpoint: endpoint.url, credentials: credentialsOf(endpoint) })});`,
    "const hls = { loadSource(url) { hls.source = url; } };",
  ].join("\n");
  const results = "export { hls, clip, ContentType, thumbnails, Images, firstBytes };";
  const file = join(dir, "playback.mjs");
  await writeFile(file, `${surroundings}\n${example.replace(from, `from ${JSON.stringify(NODE_ENTRY)}`)}\n${results}\n`);

  const printed = [];
  const log = console.log;
  console.log = (...args) => printed.push(args);
  let made;
  try {
    made = await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
  }

  const playlist = await fetch(made.hls.source);
  assert.equal(playlist.status, 200);
  assert.match(await playlist.text(), /^#EXTM3U/);
  assert.equal(made.ContentType, "video/mp4");
  const mp4 = new Uint8Array(await made.clip.arrayBuffer());
  assert.equal(Buffer.from(mp4.subarray(4, 8)).toString("latin1"), "ftyp");
  assert.equal(made.clip.type, "video/mp4");
  // Every 3 s of the last minute: the clip's ten seconds have frames, the rest is NO_MEDIA.
  assert.ok(made.Images.some((i) => i.Error === "NO_MEDIA" && i.ImageContent === undefined));
  assert.ok(made.thumbnails.length >= 3, `${made.thumbnails.length} thumbnails`);
  for (const [i, url] of made.thumbnails.entries()) {
    const image = Buffer.from(url.slice("data:image/jpeg;base64,".length), "base64");
    assert.deepEqual(image.subarray(0, 3), JPEG_MAGIC, `thumbnail ${i} is a JPEG`);
  }
  assert.equal(printed.length, 10, "one line per fragment of the ten-second clip");
  for (const [number, producerTimestamp, lengthMs] of printed) {
    assert.match(number, /^\d+$/);
    assert.ok(producerTimestamp instanceof Date && producerTimestamp.getTime() > Date.now() - 60_000);
    assert.equal(lengthMs, 1000);
  }
  assert.ok(made.firstBytes instanceof Uint8Array && made.firstBytes.length > 0);
  assert.deepEqual(Buffer.from(made.firstBytes.subarray(0, 4)), EBML_MAGIC);
});
