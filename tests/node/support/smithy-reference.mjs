// The reference signer for differential tests: @smithy/signature-v4 (the AWS SDK for JavaScript's
// signer) with @aws-crypto/sha256-js, driven with the SAME wire request as our package.
//
// Our contract takes a URL as written; smithy takes an HttpRequest split into parts. The mapping:
// - path: passed as written. With `uriEscapePath: true` smithy normalizes it (drops empty, `.`
//   and `..` segments) and escapes it once, so `%2F` as written is signed as `%252F`, a raw space
//   as `%20` and raw UTF-8 as its %XX bytes: what SigV4 specifies for every service but S3.
// - query: smithy re-encodes keys and values itself, so it gets them percent-decoded (RFC 3986:
//   `+` is a plus sign, not a space); repeated keys become arrays. A key without `=` has the value
//   "" (smithy drops keys whose value is null).
// - headers: smithy's headers are a plain object, so repeated names are joined here with `,`
//   after trimming and folding each value, which is what SigV4 signs for repeated headers.
//   `host` is added (from the URL's authority) when the request has none.
// - signSessionToken: false: smithy has no such option; it is emulated by signing without the
//   token and adding X-Amz-Security-Token afterwards, as the suite's post-sts-header-after does.

import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { percentDecode, splitQuery, splitUrl } from "./sigv4-suite.mjs";

/** Headers smithy never signs on its own, but our contract does (only authorization, user-agent,
 * x-amzn-trace-id and expect are unsigned): they are passed to smithy as `signableHeaders`. */
export const SMITHY_EXTRA_UNSIGNABLE = [
  "cache-control",
  "connection",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

function foldValue(v) {
  return v.replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").replace(/^ | $/g, "");
}

export class Unrepresentable extends Error {}

/**
 * Converts a request of our contract into smithy's HttpRequest shape.
 * Throws Unrepresentable when the query has bytes that are not UTF-8 once decoded (smithy's
 * query values are strings).
 */
export function toSmithyRequest(request) {
  const { scheme, authority, path, query } = splitUrl(request.url);
  const q = {};
  for (const [rk, rv] of splitQuery(query)) {
    const k = percentDecode(rk);
    const v = percentDecode(rv);
    if (k === null || v === null) throw new Unrepresentable(`query item ${rk}=${rv} is not UTF-8 once decoded`);
    if (Object.hasOwn(q, k)) q[k] = [].concat(q[k], v);
    else q[k] = v;
  }
  const pairs = Array.isArray(request.headers)
    ? request.headers
    : Object.entries(request.headers ?? {});
  const grouped = new Map();
  for (const [n, v] of pairs) {
    const lower = n.toLowerCase();
    if (!grouped.has(lower)) grouped.set(lower, []);
    grouped.get(lower).push(v);
  }
  const headers = {};
  for (const [n, values] of grouped) {
    headers[n] = values.length === 1 ? values[0] : values.map(foldValue).join(",");
  }
  if (!grouped.has("host")) headers.host = authority;
  return {
    method: request.method ?? "GET",
    protocol: scheme.toLowerCase() + ":",
    hostname: authority.replace(/:\d+$/, ""),
    path: path === "" ? "/" : path,
    query: q,
    headers,
    body: request.body,
  };
}

/** Remembers the last canonical request, to show it when a differential case fails. */
class RecordingSignatureV4 extends SignatureV4 {
  lastCanonicalRequest = undefined;
  createCanonicalRequest(...args) {
    this.lastCanonicalRequest = super.createCanonicalRequest(...args);
    return this.lastCanonicalRequest;
  }
}

function signerFor(options, { uriEscapePath = true, withToken = true } = {}) {
  const c = options.credentials;
  const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  if (withToken && c.sessionToken !== undefined) credentials.sessionToken = c.sessionToken;
  return new RecordingSignatureV4({
    credentials,
    region: options.region,
    service: options.service,
    sha256: Sha256,
    uriEscapePath,
    applyChecksum: options.signBody === true,
  });
}

const signableHeaders = new Set(SMITHY_EXTRA_UNSIGNABLE);

/** Signs with smithy; returns its headers (lowercase names as smithy sets them) and canonical request. */
export async function smithySignRequest(request, options, { uriEscapePath = true } = {}) {
  const appendToken = options.signSessionToken === false && options.credentials.sessionToken !== undefined;
  const signer = signerFor(options, { uriEscapePath, withToken: !appendToken });
  const req = toSmithyRequest(request);
  const signed = await signer.sign(req, { signingDate: options.signingDate, signableHeaders });
  const headers = { ...signed.headers };
  if (appendToken) headers["x-amz-security-token"] = options.credentials.sessionToken;
  return { headers, canonicalRequest: signer.lastCanonicalRequest };
}

/** Presigns with smithy; returns its query object (decoded values, with X-Amz-Signature) and canonical request. */
export async function smithyPresign(request, options, { uriEscapePath = true } = {}) {
  const appendToken = options.signSessionToken === false && options.credentials.sessionToken !== undefined;
  const signer = signerFor(options, { uriEscapePath, withToken: !appendToken });
  const req = toSmithyRequest(request);
  // Our presignUrl signs the given headers as headers; smithy would move x-amz-* ones into the
  // query unless told not to.
  const unhoistableHeaders = new Set(Object.keys(req.headers).filter((n) => n.startsWith("x-amz-")));
  const presigned = await signer.presign(req, {
    signingDate: options.signingDate,
    expiresIn: options.expiresIn ?? 900,
    unhoistableHeaders,
    signableHeaders,
  });
  const query = { ...presigned.query };
  if (appendToken) query["X-Amz-Security-Token"] = options.credentials.sessionToken;
  return { query, canonicalRequest: signer.lastCanonicalRequest };
}

/** Expands a smithy query object to a sorted multiset of "key=value" strings. */
export function smithyQueryMultiset(query) {
  const out = [];
  for (const [k, v] of Object.entries(query)) {
    for (const one of [].concat(v)) out.push(`${k}=${one}`);
  }
  return out.sort();
}
