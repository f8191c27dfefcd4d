// Differential test: our signRequest/presignUrl against @smithy/signature-v4 (the AWS SDK for
// JavaScript's signer, with @aws-crypto/sha256-js) on generated requests, same date and keys.
//
// Generated: every HTTP method; http/https/ws/wss URLs with and without ports; paths with
// unreserved, reserved, percent-encoded (upper- and lowercase hex), UTF-8 and space characters,
// empty, `.` and `..` segments and trailing slashes; queries with repeated, unsorted, raw and
// percent-encoded keys and values (and keys without `=`); headers with mixed-case and repeated
// names, runs of spaces and tabs, folded lines, empty values, the headers SigV4 leaves unsigned;
// empty, text (any Unicode) and binary bodies (also a view into a larger buffer); with and without
// a session token; random dates (with milliseconds), regions, services, expiries, signBody.
//
// How a URL as written maps to smithy's inputs is in support/smithy-reference.mjs.
//
// Where smithy cannot be the reference, this file says why and shows it with the suite:
// - normalizePath: false. smithy either normalizes and escapes the path (uriEscapePath: true) or
//   does neither (false, meant for S3). The suite's *-unnormalized cases expect an escaped but
//   not normalized path, so smithy fails them either way (asserted below); generated requests
//   with normalizePath: false are compared only when normalizing would not change the path.
// - smithy never signs cache-control, connection, from, keep-alive, max-forwards, pragma,
//   referer, te, trailer, transfer-encoding, upgrade, proxy-* and sec-*; our contract leaves only
//   authorization, user-agent, x-amzn-trace-id and expect unsigned. The listed names are passed to
//   smithy as signableHeaders, so they are generated and compared like any other header.
// - smithy deletes any `date` header before signing, and signs a given x-amz-content-sha256 as
//   the payload hash; neither is part of our contract, so the generator does not produce them
//   (nor host duplicates, x-amz-date or x-amz-security-token, which the signer sets itself).
//
// The seed is fixed and printed; override it with SIGV4_DIFF_SEED=<int>, the count with
// SIGV4_DIFF_RUNS=<n> (at least 2000 is enforced unless a seed is given for a replay).

import { test, before } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadSigner } from "./support/signer.mjs";
import {
  caseToContract,
  loadSuite,
  parseAuthorization,
  queryMultiset,
  splitUrl,
} from "./support/sigv4-suite.mjs";
import {
  SMITHY_EXTRA_UNSIGNABLE,
  smithyPresign,
  smithyQueryMultiset,
  smithySignRequest,
} from "./support/smithy-reference.mjs";

const SEED = process.env.SIGV4_DIFF_SEED !== undefined ? Number(process.env.SIGV4_DIFF_SEED) : 20150830;
const RUNS = process.env.SIGV4_DIFF_RUNS !== undefined ? Number(process.env.SIGV4_DIFF_RUNS) : 2500;
const MIN_RUNS = 2000;

let signer;
before(async () => {
  signer = await loadSigner();
});

// ---------------------------------------------------------------------------------------------
// Generators

const hex = (b, lower) => {
  const h = b.toString(16).padStart(2, "0");
  return lower ? h : h.toUpperCase();
};
const pctEncodeChar = (ch, lower) =>
  Array.from(new TextEncoder().encode(ch), (b) => "%" + hex(b, lower)).join("");

const UNRESERVED = [..."ABCMXZabcmxz0189-._~"];
const SUB_DELIMS_AND_COLON_AT = [..."!$&'()*+,;=:@"];
const NON_ASCII = ["é", "ß", "ñ", "Ω", "ሴ", "中", "文", "€", "😀", "𝄞", "\u00a0", "\u200b"];

const unreservedChar = fc.constantFrom(...UNRESERVED);
const nonAsciiChar = fc.oneof(
  fc.constantFrom(...NON_ASCII),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }).filter((s) => /[^\x00-\x7f]/.test(s)),
);
const pctTriplet = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.boolean())
  .map(([b, lower]) => "%" + hex(b, lower));

// A path segment as written.
const pathPiece = fc.oneof(
  { weight: 6, arbitrary: unreservedChar },
  { weight: 2, arbitrary: fc.constantFrom(...SUB_DELIMS_AND_COLON_AT) },
  { weight: 2, arbitrary: pctTriplet },
  { weight: 1, arbitrary: fc.constantFrom("%2F", "%2f", "%20", "%25", "%2E", "%", "%zz") },
  { weight: 2, arbitrary: nonAsciiChar },
  { weight: 1, arbitrary: fc.constantFrom(" ", "  ") },
);
const pathSegment = fc.oneof(
  { weight: 8, arbitrary: fc.array(pathPiece, { minLength: 1, maxLength: 8 }).map((a) => a.join("")) },
  { weight: 2, arbitrary: fc.constantFrom("", ".", "..", "...", ".a", "..b") },
);
const pathArb = fc
  .tuple(fc.array(pathSegment, { maxLength: 6 }), fc.boolean(), fc.integer({ min: 0, max: 19 }))
  .map(([segments, trailingSlash, r]) => {
    if (segments.length === 0) return r === 0 ? "" : "/";
    return "/" + segments.join("/") + (trailingSlash ? "/" : "");
  });

// Decoded query keys and values, then written with random raw/percent-encoded characters.
const queryChar = fc.oneof(
  { weight: 6, arbitrary: unreservedChar },
  { weight: 3, arbitrary: fc.constantFrom(..." !$'()*,;:@/?+=&#%\"<>[]{}|\\^`") },
  { weight: 2, arbitrary: nonAsciiChar },
);
const decodedText = (minLength) => fc.array(queryChar, { minLength, maxLength: 10 }).map((a) => a.join(""));
const RESERVED_QUERY_KEYS = new Set(
  ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
    "X-Amz-Security-Token", "X-Amz-Signature"].map((k) => k.toLowerCase()),
);
const queryKey = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom("Param", "param", "a", "b", "X-Amz-ChannelARN", "X-Amz-ClientId", "ሴ", "a b", "k+", "list[]") },
    { weight: 2, arbitrary: decodedText(1) },
  )
  .filter((k) => !RESERVED_QUERY_KEYS.has(k.toLowerCase()));

// `&`, `#` and `%` must be encoded to keep their meaning, `=` too in keys; a raw `+` is a plus
// sign (RFC 3986 decoding) and so is written either way.
function writeQueryPart(text, choices, isKey) {
  let out = "";
  let i = 0;
  for (const ch of text) {
    const c = choices[i++ % choices.length];
    const mustEncode = ch === "&" || ch === "#" || ch === "%" || (isKey && ch === "=") || ch === " " && c % 5 !== 0;
    const canBeRaw = !mustEncode && (/^[\x21-\x7e]$/.test(ch) || ch === " " || /[^\x00-\x7f]/.test(ch));
    if (canBeRaw && c % 3 !== 0) out += ch;
    else out += pctEncodeChar(ch, c % 2 === 0);
  }
  return out;
}
const queryItem = fc
  .record({
    key: queryKey,
    value: fc.option(decodedText(0), { nil: null, freq: 6 }),
    keyChoices: fc.array(fc.nat(29), { minLength: 1, maxLength: 4 }),
    valueChoices: fc.array(fc.nat(29), { minLength: 1, maxLength: 4 }),
  })
  .map(({ key, value, keyChoices, valueChoices }) => {
    const k = writeQueryPart(key, keyChoices, true);
    return value === null ? k : `${k}=${writeQueryPart(value, valueChoices, false)}`;
  });
const queryArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 6, arbitrary: fc.array(queryItem, { minLength: 1, maxLength: 7 }).map((items) => items.join("&")) },
  // A repeated key with values in random order.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("a", "Param", "X-Amz-ClientId"), fc.array(fc.constantFrom("1", "2", "10", "", "b", "B", "%2B"), { minLength: 2, maxLength: 5 }))
      .map(([k, vs]) => vs.map((v) => `${k}=${v}`).join("&")),
  },
);

// Header names: mixed case, repeated, and the ones a signer must leave unsigned.
const headerName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("My-Header", "my-header", "MY-HEADER", "X-Custom", "x-custom", "Content-Type", "content-length", "Accept", "X-Amz-Target", "x-amz-meta-Foo", "X-Amz-Meta-foo", "x-amz-user-agent", "Amz-Sdk-Invocation-Id") },
  { weight: 1, arbitrary: fc.constantFrom("User-Agent", "X-Amzn-Trace-Id", "Expect", "Authorization", "user-agent") },
  { weight: 1, arbitrary: fc.constantFrom(...SMITHY_EXTRA_UNSIGNABLE, "Cache-Control", "Pragma") },
  {
    weight: 2,
    arbitrary: fc
      .stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,15}$/)
      .filter((n) => !/^(host|date|x-amz-date|x-amz-security-token|x-amz-content-sha256|authorization|proxy-.*|sec-.*)$/i.test(n)),
  },
);
const headerValuePiece = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,6}$/) },
  { weight: 3, arbitrary: fc.constantFrom(" ", "  ", "\t", " \t ", "   ") },
  { weight: 1, arbitrary: fc.constantFrom("\n ", "\n\t", "\r\n  ") },
);
const headerValue = fc.oneof(
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom(" ", "\t ") },
  { weight: 8, arbitrary: fc.array(headerValuePiece, { minLength: 1, maxLength: 8 }).map((a) => a.join("")) },
);
const headersArb = fc.record({
  // Up to 16: the signer keeps a dozen headers on the stack, and more must work the same.
  pairs: fc.array(fc.tuple(headerName, headerValue), { maxLength: 16 }),
  host: fc.constantFrom(null, null, "Host", "host", "HOST"),
  hostPosition: fc.nat(16),
  asRecord: fc.boolean(),
});

const bodyArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('{"StreamName":"my-stream"}', "Param1=value1") },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 600 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.uint8Array({ minLength: 8, maxLength: 200 }), fc.nat(7))
      .map(([bytes, cut]) => bytes.subarray(cut, bytes.length - (cut % 3))),
  },
);

const credentialsArb = fc.record(
  {
    accessKeyId: fc.stringMatching(/^(AKIA|ASIA)[A-Z0-9]{16}$/),
    secretAccessKey: fc.stringMatching(/^[A-Za-z0-9+/]{40}$/),
    sessionToken: fc.stringMatching(/^[A-Za-z0-9+/]{16,300}={0,2}$/),
  },
  { requiredKeys: ["accessKeyId", "secretAccessKey"] },
);

const regionArb = fc.oneof(
  fc.constantFrom("us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1", "cn-north-1", "us-gov-west-1", "il-central-1"),
  fc.stringMatching(/^[a-z]{2}(-[a-z]{2,10}){1,2}-[0-9]{1,2}$/),
);
const serviceArb = fc.oneof(
  fc.constantFrom("kinesisvideo", "service", "execute-api", "sts", "s3-outposts"),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,19}$/),
);

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"];

const caseArb = fc.record({
  method: fc.constantFrom(...METHODS),
  scheme: fc.constantFrom("https", "https", "http", "wss", "ws"),
  authority: fc.constantFrom(
    "kinesisvideo.us-west-2.amazonaws.com",
    "example.amazonaws.com",
    "m-1a2b3c4d.kinesisvideo.eu-west-1.amazonaws.com",
    "r-0f0f0f0f.kinesisvideo.ap-northeast-1.amazonaws.com.cn",
    "localhost:4566",
    "127.0.0.1:8443",
    "[::1]:8080",
  ),
  path: pathArb,
  query: queryArb,
  fragment: fc.constantFrom(null, null, null, null, "", "frag", "a=b&c"),
  headers: headersArb,
  body: bodyArb,
  credentials: credentialsArb,
  signingDate: fc.date({
    min: new Date("2000-01-01T00:00:00.000Z"),
    max: new Date("2099-12-31T23:59:59.999Z"),
    noInvalidDate: true,
  }),
  region: regionArb,
  service: serviceArb,
  signBody: fc.boolean(),
  normalizePath: fc.constantFrom(true, true, true, undefined, false),
  expiresIn: fc.oneof(fc.integer({ min: 1, max: 604800 }), fc.constantFrom(1, 299, 900, 3600, 604800)),
  omitMethodForPresign: fc.boolean(),
});

function buildRequest(g) {
  const url =
    `${g.scheme}://${g.authority}${g.path}` +
    (g.query === null ? "" : `?${g.query}`) +
    (g.fragment === null ? "" : `#${g.fragment}`);
  const pairs = g.headers.pairs.map(([n, v]) => [n, v]);
  if (g.headers.host !== null) {
    pairs.splice(Math.min(g.headers.hostPosition, pairs.length), 0, [g.headers.host, g.authority]);
  }
  let headers = pairs;
  // As a record when that loses nothing (distinct spellings are distinct record keys).
  if (g.headers.asRecord && new Set(pairs.map(([n]) => n)).size === pairs.length) {
    headers = Object.fromEntries(pairs);
  }
  const request = { method: g.method, url, headers };
  if (g.body !== undefined) request.body = g.body;
  const options = {
    credentials: g.credentials,
    region: g.region,
    service: g.service,
    signingDate: g.signingDate,
    signBody: g.signBody,
  };
  if (g.normalizePath !== undefined) options.normalizePath = g.normalizePath;
  return { request, options };
}

// Normalization as the suite defines it: empty, "." and ".." segments removed.
function normalizationChangesPath(path) {
  if (path === "") return false;
  return path.slice(1).split("/").some((s, i, all) => s === "." || s === ".." || (s === "" && i !== all.length - 1));
}

function describeCase(request, options) {
  const show = (v) =>
    v instanceof Uint8Array ? `Uint8Array(${v.length}) [${Array.from(v.subarray(0, 24)).join(",")}${v.length > 24 ? ",..." : ""}]` : JSON.stringify(v);
  return [
    `method ${show(request.method)}`,
    `url ${show(request.url)}`,
    `headers ${show(request.headers)}`,
    `body ${show(request.body)}`,
    `region ${show(options.region)} service ${show(options.service)} date ${options.signingDate.toISOString()}`,
    `normalizePath ${options.normalizePath} signBody ${options.signBody} token ${options.credentials.sessionToken !== undefined} expiresIn ${options.expiresIn}`,
  ].join("\n  ");
}

// ---------------------------------------------------------------------------------------------
// The suite shows where smithy is not a usable reference.

test("smithy fails the suite's unnormalized cases, which is why normalizePath: false is compared only on paths normalization leaves alone", async () => {
  const cases = loadSuite();
  const unnormalized = cases.filter((c) => c.context.normalize === false);
  assert.deepEqual(
    unnormalized.map((c) => c.name),
    [
      "get-relative-relative-unnormalized",
      "get-relative-unnormalized",
      "get-slash-dot-slash-unnormalized",
      "get-slash-pointless-dot-unnormalized",
      "get-slash-unnormalized",
      "get-slashes-unnormalized",
      "get-space-unnormalized",
    ],
  );
  for (const c of unnormalized) {
    const { request, options } = caseToContract(c);
    const ours = parseAuthorization((await signer.signRequest(request, options)).headers.authorization);
    assert.equal(ours.signature, c.header.signature, `${c.name}: ours matches the suite`);

    const escaped = parseAuthorization((await smithySignRequest(request, options)).headers.authorization);
    const raw = parseAuthorization((await smithySignRequest(request, options, { uriEscapePath: false })).headers.authorization);
    if (c.name === "get-space-unnormalized") {
      // Nothing to normalize: smithy's escaping mode is right, its S3 mode does not escape the space.
      assert.equal(escaped.signature, c.header.signature, `${c.name}: smithy (uriEscapePath: true) matches`);
      assert.notEqual(raw.signature, c.header.signature, `${c.name}: smithy (uriEscapePath: false) signs "/example space/" unescaped`);
    } else {
      // smithy normalizes although the suite says not to; its S3 mode (no escaping, no
      // normalization) matches here only because these paths hold nothing to escape.
      assert.notEqual(escaped.signature, c.header.signature, `${c.name}: smithy (uriEscapePath: true) normalizes the path`);
      assert.equal(raw.signature, c.header.signature, `${c.name}: smithy (uriEscapePath: false) matches`);
      assert.equal(normalizationChangesPath(c.request.path), true, `${c.name}: normalization changes the path`);
    }
  }
});

test("smithy has no option to append the session token after signing; emulated, it agrees with the suite's post-sts-header-after", async () => {
  const c = loadSuite().find((x) => x.name === "post-sts-header-after");
  const { request, options } = caseToContract(c);
  assert.equal(options.signSessionToken, false);
  const ours = (await signer.signRequest(request, options)).headers;
  const ref = (await smithySignRequest(request, options)).headers;
  assert.equal(ours.authorization, ref.authorization);
  assert.equal(parseAuthorization(ours.authorization).signature, c.header.signature);
  assert.equal(ours["x-amz-security-token"], c.context.credentials.token, "token header appended, not signed");
  assert.doesNotMatch(parseAuthorization(ours.authorization).signedHeaders, /x-amz-security-token/);
});

// ---------------------------------------------------------------------------------------------
// The differential run.

test(`signRequest and presignUrl agree with @smithy/signature-v4 on generated requests (seed ${SEED})`, async () => {
  if (process.env.SIGV4_DIFF_SEED === undefined) assert.ok(RUNS >= MIN_RUNS, `at least ${MIN_RUNS} runs`);
  console.log(`sigv4 differential: fast-check seed ${SEED}, ${RUNS} runs (replay with SIGV4_DIFF_SEED=${SEED})`);
  const stats = {
    runs: 0, compared: 0, unnormalizedSkipped: 0, withToken: 0, binaryBody: 0, textBody: 0, noBody: 0,
    duplicateHeaders: 0, repeatedQueryKeys: 0, unsignedHeaders: 0, methods: new Set(),
  };

  await fc.assert(
    fc.asyncProperty(caseArb, async (g) => {
      stats.runs++;
      const { request, options } = buildRequest(g);
      const { path } = splitUrl(request.url);
      if (options.normalizePath === false && normalizationChangesPath(path)) {
        // smithy always normalizes (see the suite test above); sign with ours only, for errors.
        await signer.signRequest(request, options);
        stats.unnormalizedSkipped++;
        return;
      }
      stats.compared++;
      stats.methods.add(request.method);
      if (options.credentials.sessionToken !== undefined) stats.withToken++;
      if (request.body === undefined) stats.noBody++;
      else if (typeof request.body === "string") stats.textBody++;
      else stats.binaryBody++;
      const names = (Array.isArray(request.headers) ? request.headers : Object.entries(request.headers)).map(([n]) => n.toLowerCase());
      if (new Set(names).size !== names.length) stats.duplicateHeaders++;
      if (names.some((n) => ["authorization", "user-agent", "x-amzn-trace-id", "expect"].includes(n))) stats.unsignedHeaders++;
      const keys = (g.query ?? "").split("&").filter(Boolean).map((i) => i.split("=")[0]);
      if (new Set(keys).size !== keys.length) stats.repeatedQueryKeys++;

      // Header signing.
      const ours = await signer.signRequest(request, options);
      const ref = await smithySignRequest(request, options);
      const context = () => `\n  ${describeCase(request, options)}\n  smithy's canonical request:\n${ref.canonicalRequest}`;
      assert.equal(ours.headers.authorization, ref.headers.authorization, `authorization differs${context()}`);
      for (const h of ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]) {
        assert.equal(ours.headers[h], ref.headers[h], `${h} differs${context()}`);
      }
      for (const n of names) assert.ok(n in ours.headers, `input header ${n} returned${context()}`);

      // Presigning (method may be omitted: GET).
      const presignRequest = { ...request };
      if (g.omitMethodForPresign) {
        delete presignRequest.method;
      }
      const presignOptions = { ...options, expiresIn: g.expiresIn };
      delete presignOptions.signBody;
      const refMethod = g.omitMethodForPresign ? "GET" : request.method;
      const url = await signer.presignUrl(presignRequest, presignOptions);
      const refQ = await smithyPresign({ ...presignRequest, method: refMethod }, presignOptions);
      const pcontext = () =>
        `\n  ${describeCase(presignRequest, presignOptions)}\n  ours: ${url}\n  smithy's canonical request:\n${refQ.canonicalRequest}`;
      const got = splitUrl(url);
      const sig = (got.query ?? "").split("&").filter((i) => i.startsWith("X-Amz-Signature="));
      assert.equal(sig.length, 1, `one X-Amz-Signature${pcontext()}`);
      assert.equal(sig[0].slice("X-Amz-Signature=".length), refQ.query["X-Amz-Signature"], `presigned signature differs${pcontext()}`);
      assert.deepEqual(queryMultiset(got.query), smithyQueryMultiset(refQ.query), `presigned query parameters differ${pcontext()}`);
      if (path !== "") assert.equal(got.path, path, `presigned path kept as written${pcontext()}`);
      assert.ok(got.authority === g.authority, `authority kept${pcontext()}`);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: false },
  );

  const summary = { ...stats, methods: [...stats.methods].sort().join(",") };
  console.log(`sigv4 differential: ${JSON.stringify(summary)}`);
  assert.equal(stats.runs, RUNS);
  if (process.env.SIGV4_DIFF_SEED === undefined) {
    assert.ok(stats.compared >= MIN_RUNS, `${stats.compared} requests compared, want at least ${MIN_RUNS}`);
    assert.equal(stats.methods.size, METHODS.length, "every method generated");
    for (const k of ["withToken", "binaryBody", "textBody", "noBody", "duplicateHeaders", "repeatedQueryKeys", "unsignedHeaders"]) {
      assert.ok(stats[k] > 50, `the generator covers ${k} (${stats[k]})`);
    }
  }
});

test("normalizePath: false agrees with smithy wherever normalization is a no-op, and differs where it is not", async () => {
  const url = "https://example.amazonaws.com/a%2Fb/c d/ሴ/";
  const options = {
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    region: "us-east-1", service: "service", signingDate: new Date("2015-08-30T12:36:00Z"),
  };
  const plain = (await signer.signRequest({ method: "GET", url }, { ...options, normalizePath: false })).headers.authorization;
  assert.equal(plain, (await smithySignRequest({ method: "GET", url }, options)).headers.authorization);
  const dotted = { method: "GET", url: "https://example.amazonaws.com/a/./b//c/../d" };
  const unnormalized = (await signer.signRequest(dotted, { ...options, normalizePath: false })).headers.authorization;
  const normalized = (await signer.signRequest(dotted, options)).headers.authorization;
  assert.notEqual(unnormalized, normalized);
  assert.equal(normalized, (await smithySignRequest(dotted, options)).headers.authorization);
  assert.equal(normalized, (await smithySignRequest({ method: "GET", url: "https://example.amazonaws.com/a/b/d" }, options)).headers.authorization);
});
