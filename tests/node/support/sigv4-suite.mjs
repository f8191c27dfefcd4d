// Loader and parsers for the AWS SigV4 test suite (the `v4/` directory of aws-sig-v4-test-suite),
// kept next to this repository at ../shared/reference/sigv4-testsuite/v4.
//
// Every case directory holds context.json, request.txt and, for the header ("header-") and the
// presigned ("query-") variants, the canonical request, the string to sign, the signature and
// the signed request. The raw requests are parsed here byte for byte: the request target is kept
// exactly as written (raw spaces, raw UTF-8, dot segments), repeated headers stay separate, and
// folded continuation lines stay attached to the header they continue.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, "..", "..", "..");
export const SUITE_DIR = resolve(REPO_ROOT, "..", "shared", "reference", "sigv4-testsuite", "v4");
export const SUITE_CASE_COUNT = 38;

/**
 * Parses a raw HTTP/1.1 request as the suite writes it (LF line ends).
 * The request target may contain spaces, so the method is the text before the first space and
 * the protocol the text after the last one.
 * Header lines are `Name:value`; a line starting with a space or tab continues the previous
 * value (obs-fold), and is kept with its line break so the signer has to fold it itself.
 */
export function parseHttpRequest(text) {
  const lines = text.split("\n");
  const requestLine = lines[0];
  const firstSpace = requestLine.indexOf(" ");
  const lastSpace = requestLine.lastIndexOf(" ");
  if (firstSpace < 0 || lastSpace <= firstSpace || !requestLine.slice(lastSpace + 1).startsWith("HTTP/")) {
    throw new Error(`malformed request line: ${JSON.stringify(requestLine)}`);
  }
  const method = requestLine.slice(0, firstSpace);
  const target = requestLine.slice(firstSpace + 1, lastSpace);
  const headers = [];
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") break;
    if (line[0] === " " || line[0] === "\t") {
      if (headers.length === 0) throw new Error(`continuation line before any header: ${JSON.stringify(line)}`);
      headers[headers.length - 1][1] += "\n" + line;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`malformed header line: ${JSON.stringify(line)}`);
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  // A blank line separates the body; without one there is no body. A file's final newline
  // ends the last header line and is not a body.
  const body = i < lines.length - 1 ? lines.slice(i + 1).join("\n") : undefined;
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? null : target.slice(q + 1);
  return { method, target, path, query, headers, body: body === "" ? undefined : body };
}

/** Values of the (case-insensitively) named header, in order. */
export function headerValues(headers, name) {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Splits a query string as written into [rawKey, rawValue] pairs (value "" when there is no `=`). */
export function splitQuery(query) {
  if (query == null || query === "") return [];
  return query
    .split("&")
    .filter((item) => item !== "")
    .map((item) => {
      const eq = item.indexOf("=");
      return eq < 0 ? [item, ""] : [item.slice(0, eq), item.slice(eq + 1)];
    });
}

/**
 * RFC 3986 percent-decoding to a string: `%XX` becomes a byte, `+` stays a plus sign.
 * Returns null when the bytes are not valid UTF-8.
 */
export function percentDecode(s) {
  const bytes = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < s.length; ) {
    if (s[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const cp = s.codePointAt(i);
      const ch = String.fromCodePoint(cp);
      for (const b of utf8.encode(ch)) bytes.push(b);
      i += ch.length;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** Strict SigV4 encoding: everything but A-Z a-z 0-9 - _ . ~ as uppercase %XX of its UTF-8 bytes. */
export function strictEncode(s) {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Decoded query parameters as a sorted multiset (array of "key=value" strings). */
export function queryMultiset(query) {
  return splitQuery(query)
    .map(([k, v]) => `${percentDecode(k)}=${percentDecode(v)}`)
    .sort();
}

/**
 * Splits an absolute URL as written (no `new URL()`, which would re-encode and normalize):
 * scheme, authority, path, query (without `?`, null when absent). The fragment is dropped.
 */
export function splitUrl(url) {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/s.exec(url);
  if (!m) throw new Error(`not an absolute URL: ${JSON.stringify(url)}`);
  return { scheme: m[1], authority: m[2], path: m[3], query: m[4] ?? null };
}

function readText(dir, file) {
  return readFileSync(join(dir, file), "utf8");
}

/** Loads every case; throws (never skips) when the suite is missing or incomplete. */
export function loadSuite() {
  if (!existsSync(SUITE_DIR) || !statSync(SUITE_DIR).isDirectory()) {
    throw new Error(
      `SigV4 test suite not found at ${SUITE_DIR} (expected ../shared/reference/sigv4-testsuite/v4 next to the repository)`,
    );
  }
  const names = readdirSync(SUITE_DIR)
    .filter((n) => statSync(join(SUITE_DIR, n)).isDirectory())
    .sort();
  if (names.length !== SUITE_CASE_COUNT) {
    throw new Error(`SigV4 test suite at ${SUITE_DIR} has ${names.length} cases, expected ${SUITE_CASE_COUNT}`);
  }
  return names.map((name) => {
    const dir = join(SUITE_DIR, name);
    const ctx = JSON.parse(readText(dir, "context.json"));
    const request = parseHttpRequest(readText(dir, "request.txt"));
    const hosts = headerValues(request.headers, "host");
    if (hosts.length !== 1) throw new Error(`${name}: expected exactly one Host header`);
    const host = hosts[0].trim();
    return {
      name,
      context: ctx,
      request,
      host,
      url: "https://" + host + request.target,
      header: {
        canonicalRequest: readText(dir, "header-canonical-request.txt"),
        stringToSign: readText(dir, "header-string-to-sign.txt"),
        signature: readText(dir, "header-signature.txt").trim(),
        signed: parseHttpRequest(readText(dir, "header-signed-request.txt")),
      },
      query: {
        canonicalRequest: readText(dir, "query-canonical-request.txt"),
        stringToSign: readText(dir, "query-string-to-sign.txt"),
        signature: readText(dir, "query-signature.txt").trim(),
        signed: parseHttpRequest(readText(dir, "query-signed-request.txt")),
      },
    };
  });
}

/** The request and options of a case, in the package's JS contract. */
export function caseToContract(c, { presign = false } = {}) {
  const ctx = c.context;
  const credentials = {
    accessKeyId: ctx.credentials.access_key_id,
    secretAccessKey: ctx.credentials.secret_access_key,
  };
  if (ctx.credentials.token !== undefined) credentials.sessionToken = ctx.credentials.token;
  const request = {
    method: c.request.method,
    url: c.url,
    headers: c.request.headers.map(([n, v]) => [n, v]),
  };
  if (c.request.body !== undefined) request.body = c.request.body;
  const options = {
    credentials,
    region: ctx.region,
    service: ctx.service,
    signingDate: new Date(ctx.timestamp),
    normalizePath: ctx.normalize,
    signBody: ctx.sign_body,
    signSessionToken: !ctx.omit_session_token,
  };
  if (presign) options.expiresIn = ctx.expiration_in_seconds;
  return { request, options };
}

/** `Credential=..., SignedHeaders=..., Signature=...` of an Authorization value, as an object. */
export function parseAuthorization(value) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]*), SignedHeaders=([^,]*), Signature=([0-9a-f]{64})$/.exec(value ?? "");
  if (!m) return null;
  return { credential: m[1], signedHeaders: m[2], signature: m[3] };
}
