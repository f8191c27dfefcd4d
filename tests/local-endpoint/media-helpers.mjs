// Shared by the media tests: a stream seeded with the test clip and its data endpoints, signed
// calls to them, and ffprobe on the bytes they answer with.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentialsOf, rawHttp, signedRequest, waitUntil } from "./helpers.mjs";

export const CLIP_FRAGMENTS = 10; // make-media.sh: 10 s in 1 s fragments
export const FRAGMENT_MS = 1000;
export const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
export const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Creates a stream (24 h retention unless `retention` says otherwise), waits until it is ACTIVE
 * and seeds it (`seed`: the options of seedStreamMedia, or false for none). Gives its data
 * endpoints and `archived(operation, body)` / `media(body)` signed calls to them.
 */
export async function seededStream(endpoint, { name, retention = 24, seed = {}, region } = {}) {
  const credentials = credentialsOf(endpoint);
  const call = (path, body) => signedRequest(`${endpoint.url}/${path}`, { credentials, body, region });
  const created = await call("createStream", { StreamName: name, DataRetentionInHours: retention });
  assert.equal(created.status, 200, created.text);
  const arn = created.json.StreamARN;
  await waitUntil(async () => (await call("describeStream", { StreamARN: arn })).json.StreamInfo.Status === "ACTIVE");
  const endpointFor = async (APIName) => (await call("getDataEndpoint", { StreamARN: arn, APIName })).json.DataEndpoint;
  const archivedUrl = await endpointFor("LIST_FRAGMENTS");
  const mediaUrl = await endpointFor("GET_MEDIA");
  const seeded = seed === false ? { fragments: [] } : await endpoint.seedStreamMedia({ streamArn: arn, ...seed });
  return {
    arn,
    name,
    credentials,
    archivedUrl,
    mediaUrl,
    fragments: seeded.fragments,
    call,
    archived: (operation, body) => signedRequest(`${archivedUrl}/${operation}`, { credentials, body: { StreamARN: arn, ...body }, region }),
    media: (body) => signedRequest(`${mediaUrl}/getMedia`, { credentials, body: { StreamARN: arn, ...body }, region }),
  };
}

/** Epoch seconds, as rest-json carries timestamps. */
export const seconds = (ms) => ms / 1000;

/** A session URL's resource fetched unsigned, as a player does. */
export async function getUnsigned(url) {
  return rawHttp(url, { method: "GET" });
}

/** Runs ffprobe on bytes; resolves to its JSON (`-show_format -show_streams`, plus packets when asked). */
export async function ffprobe(bytes, extension, { packets = false } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "kvs-media-"));
  const file = join(dir, `probe.${extension}`);
  try {
    await writeFile(file, bytes);
    const args = ["-v", "error", "-of", "json", "-show_format", "-show_streams"];
    if (packets) args.push("-select_streams", "v", "-show_entries", "packet=pts_time,flags");
    const stdout = await new Promise((resolve, reject) => {
      // Matroska chunks in a row each start a Segment of unknown size; ffprobe reads on but says so on stderr.
      execFile("ffprobe", [...args, file], { maxBuffer: 16 * 1024 * 1024 }, (error, out, stderr) =>
        error ? reject(new Error(`ffprobe failed: ${stderr || error.message}`)) : resolve(out),
      );
    });
    return JSON.parse(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The error name and status of a response, as SDKs read them. */
export function errorOf(response) {
  return { status: response.status, name: response.headers["x-amzn-errortype"]?.split(":")[0] };
}
