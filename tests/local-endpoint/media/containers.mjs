// The little of MP4 (ISO BMFF) and Matroska (EBML) the endpoint needs to serve the generated
// fragments as a stream's: fragments get the stream's timestamps written into them (tfdt in
// fMP4, the Cluster timecode in Matroska) and Matroska chunks get the service's tags.

// ---- MP4 boxes ------------------------------------------------------------------------------

/** The boxes between `start` and `end`: `{ type, start, bodyStart, end }`. */
export function mp4Boxes(buffer, start = 0, end = buffer.length) {
  const boxes = [];
  for (let at = start; at < end; ) {
    let size = buffer.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      size = Number(buffer.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at; // the box runs to the end
    if (size < header || at + size > end) throw new Error(`mp4: a box at ${at} overruns its parent`);
    boxes.push({ type: buffer.toString("latin1", at + 4, at + 8), start: at, bodyStart: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

/** The first box along `path` (types from the top level down), or undefined. */
export function findBox(buffer, path, start = 0, end = buffer.length) {
  let box;
  for (const type of path) {
    const boxes = mp4Boxes(buffer, box ? box.bodyStart + skipOf(box.type) : start, box ? box.end : end);
    box = boxes.find((candidate) => candidate.type === type);
    if (!box) return undefined;
  }
  return box;
}

// Bytes between a box's header and its children: a sample entry's fixed fields, stsd's count.
function skipOf(type) {
  if (type === "stsd") return 8;
  if (type === "avc1" || type === "avc3") return 78;
  return 0;
}

/** What a player needs to know of the init segment: the video track's timescale and RFC 6381 codec. */
export function describeInit(init) {
  const mdhd = findBox(init, ["moov", "trak", "mdia", "mdhd"]);
  if (!mdhd) throw new Error("mp4: the init segment has no mdhd");
  const version = init[mdhd.bodyStart];
  const timescale = init.readUInt32BE(mdhd.bodyStart + (version === 1 ? 20 : 12));
  const avcC = findBox(init, ["moov", "trak", "mdia", "minf", "stbl", "stsd", "avc1", "avcC"]);
  if (!avcC) throw new Error("mp4: the init segment has no avc1/avcC sample entry");
  // avc1.PPCCLL: profile, constraint flags and level from the AVC decoder configuration record.
  const hex = (offset) => init[avcC.bodyStart + offset].toString(16).padStart(2, "0").toUpperCase();
  return { timescale, codec: `avc1.${hex(1)}${hex(2)}${hex(3)}` };
}

/**
 * A media segment reduced to its `moof` and `mdat`: ffmpeg's `styp` and `sidx` describe the
 * segment at its place in the generated clip, which is not where a stream puts it.
 */
export function mediaSegment(segment) {
  const kept = mp4Boxes(segment).filter((box) => box.type === "moof" || box.type === "mdat");
  if (kept[0]?.type !== "moof") throw new Error("mp4: a media segment must have a moof before its mdat");
  return Buffer.concat(kept.map((box) => segment.subarray(box.start, box.end)));
}

/**
 * A copy of a `moof`+`mdat` segment with its sequence number and decode time replaced. The
 * decode time is in the track's timescale; ffmpeg writes 64-bit tfdt boxes, so any value fits.
 */
export function retimeSegment(segment, { sequenceNumber, baseMediaDecodeTime }) {
  const copy = Buffer.from(segment);
  const mfhd = findBox(copy, ["moof", "mfhd"]);
  copy.writeUInt32BE(sequenceNumber >>> 0, mfhd.bodyStart + 4);
  const moof = findBox(copy, ["moof"]);
  for (const traf of mp4Boxes(copy, moof.bodyStart, moof.end).filter((box) => box.type === "traf")) {
    const tfdt = mp4Boxes(copy, traf.bodyStart, traf.end).find((box) => box.type === "tfdt");
    if (!tfdt) throw new Error("mp4: a traf without tfdt");
    if (copy[tfdt.bodyStart] !== 1) throw new Error("mp4: only 64-bit (version 1) tfdt boxes are rewritten");
    copy.writeBigUInt64BE(BigInt(baseMediaDecodeTime), tfdt.bodyStart + 4);
  }
  return copy;
}

// ---- Matroska (EBML) ----------------------------------------------------------------------------

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  Cues: 0x1c53bb6b,
  Tags: 0x1254c367,
  Tag: 0x7373,
  Targets: 0x63c0,
  SimpleTag: 0x67c8,
  TagName: 0x45a3,
  TagString: 0x4487,
};

/** One element header: `{ id, size (null when unknown), dataStart }`. */
function readElementHeader(buffer, at) {
  const idLength = Math.clz32(buffer[at]) - 23; // the position of the first 1 bit
  if (idLength < 1 || idLength > 4) throw new Error(`mkv: bad element id at ${at}`);
  const id = buffer.readUIntBE(at, idLength);
  const sizeAt = at + idLength;
  const sizeLength = Math.clz32(buffer[sizeAt]) - 23;
  if (sizeLength < 1 || sizeLength > 8) throw new Error(`mkv: bad element size at ${sizeAt}`);
  let size = BigInt(buffer[sizeAt] & (0xff >> sizeLength));
  let allOnes = size === BigInt(0xff >> sizeLength);
  for (let i = 1; i < sizeLength; i++) {
    size = (size << 8n) | BigInt(buffer[sizeAt + i]);
    allOnes &&= buffer[sizeAt + i] === 0xff;
  }
  return { id, size: allOnes ? null : Number(size), dataStart: sizeAt + sizeLength };
}

/** The elements between `start` and `end`: `{ id, start, dataStart, end }` (unknown sizes run to `end`). */
function elements(buffer, start, end) {
  const found = [];
  for (let at = start; at < end; ) {
    const { id, size, dataStart } = readElementHeader(buffer, at);
    const elementEnd = size === null ? end : dataStart + size;
    if (elementEnd > end) throw new Error(`mkv: element 0x${id.toString(16)} at ${at} overruns its parent`);
    found.push({ id, start: at, dataStart, end: elementEnd });
    at = elementEnd;
  }
  return found;
}

function encodeSize(size) {
  // 8-byte sizes always: simple, and valid for any length.
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(size) | (1n << 56n));
  return bytes;
}

function encodeId(id) {
  const length = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const bytes = Buffer.alloc(length);
  bytes.writeUIntBE(id, 0, length);
  return bytes;
}

function element(id, ...children) {
  const data = Buffer.concat(children);
  return Buffer.concat([encodeId(id), encodeSize(data.length), data]);
}

function uintElement(id, value) {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  let first = 0;
  while (first < 7 && bytes[first] === 0) first++;
  return element(id, bytes.subarray(first));
}

/** The Segment's size field marking "unknown": a live stream's chunk is written before its end is known. */
const UNKNOWN_SIZE = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/**
 * Splits a Matroska file written by ffmpeg into what a chunk is rebuilt from: the EBML header,
 * Info, Tracks and the Clusters (each without its Timecode). SeekHead, Cues and ffmpeg's Tags
 * are dropped: their offsets and values describe the file, not the chunk.
 */
export function parseMatroska(file) {
  const top = elements(file, 0, file.length);
  const header = top.find((e) => e.id === ID.EBML);
  const segment = top.find((e) => e.id === ID.Segment);
  if (!header || !segment) throw new Error("mkv: no EBML header or Segment");
  const children = elements(file, segment.dataStart, segment.end);
  const info = children.find((e) => e.id === ID.Info);
  const tracks = children.find((e) => e.id === ID.Tracks);
  if (!info || !tracks) throw new Error("mkv: no Info or Tracks");
  const scale = elements(file, info.dataStart, info.end).find((e) => e.id === ID.TimecodeScale);
  const timecodeScale = scale ? file.readUIntBE(scale.dataStart, scale.end - scale.dataStart) : 1000000;
  const clusters = children
    .filter((e) => e.id === ID.Cluster)
    .map((cluster) => {
      const parts = elements(file, cluster.dataStart, cluster.end);
      const timecode = parts.find((e) => e.id === ID.Timecode);
      return {
        timecode: timecode ? file.readUIntBE(timecode.dataStart, timecode.end - timecode.dataStart) : 0,
        blocks: Buffer.concat(parts.filter((e) => e.id !== ID.Timecode).map((e) => file.subarray(e.start, e.end))),
      };
    });
  if (clusters.length === 0) throw new Error("mkv: no Cluster");
  const slice = (e) => file.subarray(e.start, e.end);
  // A chunk is part of an endless stream: its Info carries no Duration.
  const infoChildren = elements(file, info.dataStart, info.end).filter((e) => e.id !== ID.Duration);
  const infoWithoutDuration = element(ID.Info, ...infoChildren.map(slice));
  return { header: slice(header), info: infoWithoutDuration, tracks: slice(tracks), timecodeScale, clusters };
}

/**
 * One chunk as the service sends it: EBML header, a Segment of unknown size holding Info, Tracks,
 * the Clusters moved to start at `startMs` (epoch milliseconds), and a Tags element with `tags`
 * (name → string) at the end.
 */
export function matroskaChunk(parsed, { startMs, tags }) {
  const unitsPerMs = 1000000 / parsed.timecodeScale;
  const first = parsed.clusters[0].timecode;
  const clusters = parsed.clusters.map((cluster) =>
    element(ID.Cluster, uintElement(ID.Timecode, Math.round(startMs * unitsPerMs) + cluster.timecode - first), cluster.blocks),
  );
  const simpleTags = Object.entries(tags).map(([name, value]) =>
    element(ID.SimpleTag, element(ID.TagName, Buffer.from(name, "utf8")), element(ID.TagString, Buffer.from(String(value), "utf8"))),
  );
  const tagsElement = element(ID.Tags, element(ID.Tag, element(ID.Targets), ...simpleTags));
  return Buffer.concat([
    parsed.header,
    encodeId(ID.Segment),
    UNKNOWN_SIZE,
    parsed.info,
    parsed.tracks,
    ...clusters,
    tagsElement,
  ]);
}

/** The tags of a chunk, name → string, for tests and for clients that read them. */
export function matroskaTags(chunk) {
  const tags = {};
  const walk = (start, end) => {
    for (const e of elements(chunk, start, end)) {
      if (e.id === ID.Segment || e.id === ID.Tags || e.id === ID.Tag) walk(e.dataStart, e.end);
      else if (e.id === ID.SimpleTag) {
        const parts = elements(chunk, e.dataStart, e.end);
        const text = (id) => {
          const part = parts.find((p) => p.id === id);
          return part ? chunk.toString("utf8", part.dataStart, part.end) : undefined;
        };
        tags[text(ID.TagName)] = text(ID.TagString);
      }
    }
  };
  walk(0, chunk.length);
  return tags;
}

/**
 * Splits concatenated chunks (a GetMedia or GetMediaForFragmentList body) at their EBML headers.
 * A chunk's Segment has an unknown size, so it ends where the next EBML header starts.
 */
export function splitMatroskaChunks(body) {
  const starts = [];
  const magic = encodeId(ID.EBML);
  for (let at = body.indexOf(magic); at >= 0; at = body.indexOf(magic, at + 1)) {
    // Only an EBML header at a chunk boundary counts; media bytes may contain the magic by chance.
    if (starts.length === 0 ? at === 0 : isChunkStart(body, at)) starts.push(at);
  }
  return starts.map((start, i) => body.subarray(start, starts[i + 1] ?? body.length));
}

function isChunkStart(body, at) {
  try {
    const header = readElementHeader(body, at);
    const next = readElementHeader(body, header.dataStart + header.size);
    return next.id === ID.Segment;
  } catch {
    return false;
  }
}
