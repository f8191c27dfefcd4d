// A stream's stored fragments: what seeding appends, and the selections the media APIs make from
// them (by producer or server timestamp, within the stream's retention period).
import { randomInt } from "node:crypto";
import { ServiceError } from "../errors.mjs";

/** How long after its producer timestamp a seeded fragment is "received": a steady ingest latency. */
export const SERVER_LAG_MS = 27;
const HOUR_MS = 3600 * 1000;

const fail = (name, message) => {
  throw new ServiceError(name, message);
};

/** The stream's fragments in ingestion order (created on first use). */
export function storeOf(stream) {
  stream.media ??= {
    fragments: [],
    byNumber: new Map(),
    // Fragment numbers are 47-digit decimals that grow with ingestion, like the service's.
    nextNumber: 91343852333181n * 10n ** 33n + BigInt(randomInt(1, 2 ** 47)) * 10n ** 18n,
  };
  return stream.media;
}

/**
 * Appends the clip's fragments `repeat` times, back to back from `startMs` (producer time);
 * each is received SERVER_LAG_MS later. Returns the new fragments.
 */
export function appendClip(stream, clip, { startMs, repeat }) {
  const store = storeOf(stream);
  const added = [];
  let producerMs = startMs;
  for (let round = 0; round < repeat; round++) {
    for (const part of clip.fragments) {
      store.nextNumber += 10n ** 22n * BigInt(randomInt(1, 9)) + BigInt(randomInt(1, 2 ** 47));
      const fragment = {
        number: store.nextNumber.toString(),
        ordinal: store.fragments.length,
        producerMs,
        serverMs: producerMs + SERVER_LAG_MS,
        durationMs: part.durationMs,
        sizeInBytes: part.mkvSize,
        part, // the clip's fragment: its fMP4, Matroska, TS and images
      };
      store.fragments.push(fragment);
      store.byNumber.set(fragment.number, fragment);
      added.push(fragment);
      producerMs += part.durationMs;
    }
  }
  return added;
}

/** The fragments still within the stream's retention period (a stream with 0 hours keeps all it was given). */
export function retained(stream, nowMs) {
  const { fragments } = storeOf(stream);
  const hours = stream.dataRetentionInHours;
  if (!hours) return fragments;
  const oldest = nowMs - hours * HOUR_MS;
  return fragments.filter((fragment) => fragment.serverMs >= oldest);
}

export function timestampOf(fragment, selectorType) {
  return selectorType === "PRODUCER_TIMESTAMP" ? fragment.producerMs : fragment.serverMs;
}

/** Orders by the selected timestamp, then ingestion. */
export function byTimestamp(selectorType) {
  return (a, b) => timestampOf(a, selectorType) - timestampOf(b, selectorType) || a.ordinal - b.ordinal;
}

/** Retained fragments whose start lies in [startMs, endMs], in timestamp order. */
export function fragmentsInRange(stream, nowMs, selectorType, startMs, endMs) {
  return retained(stream, nowMs)
    .filter((fragment) => {
      const at = timestampOf(fragment, selectorType);
      return at >= startMs && at <= endMs;
    })
    .sort(byTimestamp(selectorType));
}

/**
 * Fragments with the same producer timestamp are one fragment sent twice: keep the oldest or the
 * newest ingested copy (the documentation says GetClip keeps the oldest, HLS and DASH the newest).
 */
export function withoutDuplicates(fragments, selectorType, keep) {
  if (selectorType !== "PRODUCER_TIMESTAMP") return fragments;
  const chosen = new Map();
  for (const fragment of fragments) {
    const current = chosen.get(fragment.producerMs);
    if (!current || (keep === "newest" ? fragment.ordinal > current.ordinal : fragment.ordinal < current.ordinal)) {
      chosen.set(fragment.producerMs, fragment);
    }
  }
  return fragments.filter((fragment) => chosen.get(fragment.producerMs) === fragment);
}

/**
 * Epoch milliseconds from a request's timestamp: rest-json sends epoch seconds (a number, maybe
 * with a fraction); ISO 8601 strings and numeric strings are accepted too.
 */
export function parseTimestamp(value, name) {
  let ms = NaN;
  if (typeof value === "number") ms = value * 1000;
  else if (typeof value === "string") ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) fail("InvalidArgumentException", `${name} is not a valid timestamp: ${JSON.stringify(value)}.`);
  return Math.round(ms);
}

/** A fragment as the Fragment shape of the archived-media model. */
export function fragmentOutput(fragment) {
  return {
    FragmentNumber: fragment.number,
    FragmentSizeInBytes: fragment.sizeInBytes,
    ProducerTimestamp: new Date(fragment.producerMs),
    ServerTimestamp: new Date(fragment.serverMs),
    FragmentLengthInMilliseconds: fragment.durationMs,
  };
}

/** Seconds with milliseconds, as the service writes timestamps in Matroska tags. */
export function tagSeconds(ms) {
  return (ms / 1000).toFixed(3);
}

/** Opaque page tokens (standard base64, as the model's pattern wants), tied to an operation and stream. */
export function encodeToken(operation, streamArn, state) {
  return Buffer.from(JSON.stringify({ operation, streamArn, ...state })).toString("base64");
}

export function decodeToken(token, operation, streamArn) {
  let decoded;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    decoded = null;
  }
  if (!decoded || decoded.operation !== operation || decoded.streamArn !== streamArn) {
    fail("InvalidArgumentException", "The NextToken is not valid.");
  }
  return decoded;
}
