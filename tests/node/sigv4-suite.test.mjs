// All 38 cases of the AWS SigV4 test suite through the built package's JS API.
//
// Each case's request.txt is parsed as written and passed as
//   signRequest({ method, url: "https://" + host + pathAndQuery, headers, body }, options)
// with repeated headers as [name, value] pairs and folded lines attached to their header.
// Header variant: the Authorization value (whole, and its signature) and the X-Amz-Date,
// X-Amz-Security-Token and x-amz-content-sha256 headers of header-signed-request.txt.
// Query variant: presignUrl(...) gives a URL whose path is byte-for-byte the suite's, whose
// X-Amz-Signature is query-signature.txt and whose parameters are those of
// query-signed-request.txt (as a multiset, in any order).
//
// Run: node --test tests/node/sigv4-suite.test.mjs   (after `make pkg`)

import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import {
  SUITE_CASE_COUNT,
  SUITE_DIR,
  caseToContract,
  headerValues,
  loadSuite,
  parseAuthorization,
  percentDecode,
  queryMultiset,
  splitQuery,
  splitUrl,
} from "./support/sigv4-suite.mjs";
import { loadSigner } from "./support/signer.mjs";

// Loaded at module level so that a missing suite fails the run instead of skipping anything.
const cases = loadSuite();

let signer;
before(async () => {
  signer = await loadSigner();
});

test(`the suite at ${SUITE_DIR} has all ${SUITE_CASE_COUNT} cases`, () => {
  assert.equal(cases.length, SUITE_CASE_COUNT);
  for (const c of cases) {
    for (const key of ["header", "query"]) {
      assert.match(c[key].signature, /^[0-9a-f]{64}$/, `${c.name}: ${key}-signature.txt`);
    }
  }
});

function expectedHeader(c, name) {
  const values = headerValues(c.header.signed.headers, name);
  assert.ok(values.length <= 1, `${c.name}: ${name} appears more than once in header-signed-request.txt`);
  return values[0];
}

function describeCanonical(c, variant) {
  return `\n--- expected ${variant} canonical request of ${c.name} ---\n${c[variant].canonicalRequest}\n---`;
}

describe("header signing (signRequest)", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { request, options } = caseToContract(c);
      const out = await signer.signRequest(request, options);
      assert.equal(typeof out, "object");
      assert.equal(out.method, c.request.method, "method is returned");
      assert.equal(out.url, request.url, "url is returned as given");
      const headers = out.headers;
      for (const name of Object.keys(headers)) {
        assert.equal(name, name.toLowerCase(), `header name ${name} is lowercase`);
      }

      const wantAuth = expectedHeader(c, "Authorization");
      const gotAuth = headers.authorization;
      const got = parseAuthorization(gotAuth);
      assert.ok(got, `authorization is well formed: ${gotAuth}`);
      assert.equal(
        got.signature,
        c.header.signature,
        `${c.name}: signature (header-signature.txt); signed headers got ${got.signedHeaders}, want ${parseAuthorization(wantAuth).signedHeaders}${describeCanonical(c, "header")}`,
      );
      assert.equal(gotAuth, wantAuth, `${c.name}: whole Authorization value`);

      assert.equal(headers["x-amz-date"], expectedHeader(c, "X-Amz-Date"), "x-amz-date");
      assert.equal(headers.host, c.host, "host");

      const token = expectedHeader(c, "X-Amz-Security-Token");
      if (token !== undefined) {
        assert.equal(headers["x-amz-security-token"], token, "x-amz-security-token");
      } else {
        assert.equal(headers["x-amz-security-token"], undefined, "no x-amz-security-token without a token");
      }
      const sha = expectedHeader(c, "x-amz-content-sha256");
      if (sha !== undefined) {
        assert.equal(headers["x-amz-content-sha256"], sha, "x-amz-content-sha256");
      } else {
        assert.equal(headers["x-amz-content-sha256"], undefined, "no x-amz-content-sha256 without signBody");
      }

      // Every input header is returned (repeated ones merged into one value).
      for (const [name] of c.request.headers) {
        assert.ok(name.toLowerCase() in headers, `input header ${name} is returned`);
      }
    });
  }
});

describe("query presigning (presignUrl)", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { request, options } = caseToContract(c, { presign: true });
      const url = await signer.presignUrl(request, options);
      assert.equal(typeof url, "string");
      const got = splitUrl(url);
      const want = { path: c.query.signed.path, query: c.query.signed.query };

      assert.equal(got.scheme, "https");
      assert.equal(got.authority, c.host, "authority");
      assert.equal(got.path, want.path, `${c.name}: path byte-for-byte`);

      const gotParams = splitQuery(got.query);
      const sig = gotParams.filter(([k]) => k === "X-Amz-Signature");
      assert.equal(sig.length, 1, `exactly one X-Amz-Signature in ${url}`);
      assert.equal(sig[0][1], c.query.signature, `${c.name}: X-Amz-Signature (query-signature.txt)${describeCanonical(c, "query")}`);

      assert.deepEqual(queryMultiset(got.query), queryMultiset(want.query), `${c.name}: query parameters (decoded, any order)`);

      // The parameters the signer adds must be strictly encoded on the wire (a raw `+` or `/`
      // in the credential or token would be read differently by the service): compare them raw.
      const rawAdded = (params) =>
        params.filter(([k]) => k.startsWith("X-Amz-")).map(([k, v]) => `${k}=${v}`).sort();
      assert.deepEqual(rawAdded(gotParams), rawAdded(splitQuery(want.query)), `${c.name}: X-Amz-* parameters as written`);

      // The request's own parameters keep their written form.
      const rawOwn = (params) =>
        params.filter(([k]) => !k.startsWith("X-Amz-")).map(([k, v]) => `${percentDecode(k)}=${percentDecode(v)}`);
      assert.deepEqual(rawOwn(gotParams).sort(), rawOwn(splitQuery(c.request.query)).sort(), "own parameters kept");
    });
  }
});
