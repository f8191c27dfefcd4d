// The test media: make-media.sh generates it with ffmpeg (once: a second run does nothing, and runs
// that start together make it once), and the endpoint generates it itself where it is missing.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { mp4Boxes } from "./media/containers.mjs";
import { startTestEndpoint } from "./helpers.mjs";
import { CLIP_FRAGMENTS, EBML_MAGIC, ffprobe, JPEG_MAGIC, PNG_MAGIC, seededStream } from "./media-helpers.mjs";

const SCRIPT = fileURLToPath(new URL("./media/make-media.sh", import.meta.url));

let scratch;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "kvs-media-library-"));
});
after(() => rm(scratch, { recursive: true, force: true }));

function makeMedia(...args) {
  return new Promise((resolve) => {
    execFile("sh", [SCRIPT, ...args], (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

test("make-media.sh writes the fragments in every container, the images and a manifest; a second run does nothing", { timeout: 60000 }, async () => {
  const dir = join(scratch, "once", "media");
  const started = Date.now();
  const first = await makeMedia(dir);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(Date.now() - started < 30000, "a few seconds of work");
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
  assert.equal(manifest.version, 1);
  assert.equal(manifest.fragments.length, CLIP_FRAGMENTS);
  assert.equal(manifest.images.count, CLIP_FRAGMENTS * manifest.imagesPerSecond);
  for (const [i, fragment] of manifest.fragments.entries()) {
    assert.equal(fragment.durationMs, 1000);
    for (const kind of ["mp4", "mkv", "ts"]) assert.equal((await stat(join(dir, fragment[kind].file))).size, fragment[kind].size);
    assert.deepEqual(fragment.images, { first: i * 5, last: i * 5 + 4 });
  }
  const init = await readFile(join(dir, manifest.init.file));
  assert.deepEqual(mp4Boxes(init).map((box) => box.type).slice(0, 2), ["ftyp", "moov"]);
  assert.deepEqual((await readFile(join(dir, manifest.fragments[3].mkv.file))).subarray(0, 4), EBML_MAGIC);
  assert.deepEqual((await readFile(join(dir, "image-049.jpg"))).subarray(0, 3), JPEG_MAGIC);
  assert.deepEqual((await readFile(join(dir, "image-049.png"))).subarray(0, 8), PNG_MAGIC);
  const probe = await ffprobe(Buffer.concat([init, await readFile(join(dir, manifest.fragments[0].mp4.file))]), "mp4");
  assert.equal(probe.streams[0].codec_name, "h264");
  assert.equal(probe.streams[0].profile, "Main");

  const written = (await stat(join(dir, "manifest.json"))).mtimeMs;
  const again = await makeMedia(dir);
  assert.equal(again.code, 0);
  assert.equal((await stat(join(dir, "manifest.json"))).mtimeMs, written, "already there: untouched");
  assert.deepEqual((await readdir(join(scratch, "once"))).sort(), ["media"], "no lock or work directory left behind");
});

test("make-media.sh started twice at once generates once and leaves a complete directory", { timeout: 60000 }, async () => {
  const dir = join(scratch, "twice", "media");
  const results = await Promise.all([makeMedia(dir), makeMedia(dir)]);
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")).fragments.length, CLIP_FRAGMENTS);
  assert.deepEqual(await readdir(join(scratch, "twice")), ["media"]);
  assert.equal((await readdir(dir)).filter((name) => name.startsWith("fragment-")).length, 3 * CLIP_FRAGMENTS);
  assert.equal((await makeMedia()).code, 2, "no directory: usage");
});

test("the endpoint generates missing media when a stream is first seeded", { timeout: 60000 }, async () => {
  const mediaDir = join(scratch, "endpoint", "media");
  const endpoint = await startTestEndpoint({ mediaDir });
  try {
    const cam = await seededStream(endpoint, { name: "fresh-media" });
    assert.equal(cam.fragments.length, CLIP_FRAGMENTS);
    assert.ok((await stat(join(mediaDir, "manifest.json"))).isFile());
    const listed = await cam.archived("listFragments", {
      FragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: Date.now() / 1000 - 60, EndTimestamp: Date.now() / 1000 } },
    });
    assert.equal(listed.json.Fragments.length, CLIP_FRAGMENTS);
  } finally {
    await endpoint.close();
  }
});
