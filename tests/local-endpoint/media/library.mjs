// The generated test media (make-media.sh): found in `mediaDir` (default <repo>/build/media),
// generated there with ffmpeg when missing, and read once per process.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeInit, mediaSegment, parseMatroska } from "./containers.mjs";

/** The manifest version make-media.sh writes; both change together. */
const MEDIA_VERSION = 1;
const SCRIPT = fileURLToPath(new URL("./make-media.sh", import.meta.url));
export const DEFAULT_MEDIA_DIR = fileURLToPath(new URL("../../../build/media", import.meta.url));

const loaded = new Map(); // directory → Promise<clip>

/**
 * The clip in `dir`, generating it first when it is missing or of another version.
 * Resolves to `{ dir, width, height, framesPerSecond, timescale, codec, init, durationMs,
 * fragments: [{ index, durationMs, mp4, mkv, ts, mkvSize, images: {first, last} }], image(format, k) }`.
 */
export function loadClip(dir = DEFAULT_MEDIA_DIR) {
  let clip = loaded.get(dir);
  if (!clip) {
    clip = readClip(dir).catch(async (error) => {
      if (error.code !== "ENOENT" && !(error instanceof StaleMediaError)) throw error;
      await generate(dir);
      return readClip(dir);
    });
    // A failure is not kept: the next seed tries again (e.g. after ffmpeg was installed).
    clip.catch(() => loaded.delete(dir));
    loaded.set(dir, clip);
  }
  return clip;
}

class StaleMediaError extends Error {}

function generate(dir) {
  return new Promise((resolve, reject) => {
    execFile("sh", [SCRIPT, dir], { timeout: 120000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`could not generate the test media in ${dir} (${SCRIPT}): ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

async function readClip(dir) {
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
  if (manifest.version !== MEDIA_VERSION) throw new StaleMediaError(`media version ${manifest.version}`);
  const read = (file) => readFile(join(dir, file));
  const init = await read(manifest.init.file);
  const fragments = await Promise.all(
    manifest.fragments.map(async (entry, index) => {
      const [mp4, mkv, ts] = await Promise.all([read(entry.mp4.file), read(entry.mkv.file), read(entry.ts.file)]);
      return {
        index,
        durationMs: entry.durationMs,
        mp4: mediaSegment(mp4),
        mkv: parseMatroska(mkv),
        mkvSize: entry.mkv.size,
        ts,
        images: entry.images,
      };
    }),
  );
  const imageFiles = { JPEG: manifest.images.jpeg, PNG: manifest.images.png };
  const images = new Map(); // "JPEG:7" → Buffer, read on first use
  return {
    dir,
    width: manifest.width,
    height: manifest.height,
    framesPerSecond: manifest.framesPerSecond,
    imagesPerSecond: manifest.imagesPerSecond,
    ...describeInit(init),
    init,
    durationMs: fragments.reduce((sum, fragment) => sum + fragment.durationMs, 0),
    fragments,
    /** Image `k` (the clip at k / imagesPerSecond s) as JPEG or PNG bytes. */
    async image(format, k) {
      const key = `${format}:${k}`;
      if (!images.has(key)) images.set(key, await read(imageFiles[format].replace("%03d", String(k).padStart(3, "0"))));
      return images.get(key);
    },
  };
}
