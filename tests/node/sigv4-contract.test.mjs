// Behaviour of the JS contract of signRequest/presignUrl beyond the signature itself: returned
// headers, unsigned headers, session-token modes, presigned URL parameters, and bad input (an
// Error naming the field, never a wasm trap, no secret in any message, module still usable).

import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { loadSigner } from "./support/signer.mjs";
import { parseAuthorization, percentDecode, splitQuery, splitUrl } from "./support/sigv4-suite.mjs";
import { smithyPresign, smithySignRequest } from "./support/smithy-reference.mjs";

let signer;
before(async () => {
  signer = await loadSigner();
});

// Distinctive values, so that any echo of them in an error message is found.
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY9";
const TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDPs3cr3tT0k3nValue+/=";
const creds = () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET, sessionToken: TOKEN });
const DATE = new Date("2024-05-06T07:08:09Z");
const baseOptions = () => ({ credentials: creds(), region: "us-west-2", service: "kinesisvideo", signingDate: DATE });
const KVS = "https://kinesisvideo.us-west-2.amazonaws.com/describeStream";
const goodRequest = () => ({
  method: "POST",
  url: KVS,
  headers: { "Content-Type": "application/json" },
  body: '{"StreamName":"my-stream"}',
});

function signedHeaderList(headers) {
  const a = parseAuthorization(headers.authorization);
  assert.ok(a, `well-formed authorization: ${headers.authorization}`);
  return a.signedHeaders.split(";");
}

function urlParams(url) {
  return splitQuery(splitUrl(url).query).map(([k, v]) => [percentDecode(k), percentDecode(v)]);
}
function param(url, name) {
  const found = urlParams(url).filter(([k]) => k === name);
  assert.ok(found.length <= 1, `${name} at most once in ${url}`);
  return found[0]?.[1];
}

describe("signRequest output", () => {
  test("is synchronous and returns method, url and a plain record of lowercase headers", async () => {
    const req = goodRequest();
    const out = signer.signRequest(req, baseOptions());
    if (signer.name === "kinesis-video-wasm") {
      assert.ok(!(out instanceof Promise), "signRequest returns a value, not a promise");
      assert.equal(typeof signer.presignUrl({ url: KVS }, baseOptions()), "string", "presignUrl returns a string");
    }
    const { method, url, headers } = await out;
    assert.equal(method, "POST");
    assert.equal(url, KVS);
    assert.equal(Object.getPrototypeOf(headers) === Object.prototype || Object.getPrototypeOf(headers) === null, true);
    for (const [k, v] of Object.entries(headers)) {
      assert.equal(k, k.toLowerCase(), `name ${k} is lowercase`);
      assert.equal(typeof v, "string", `value of ${k} is a string`);
    }
  });

  test("holds every input header plus host, x-amz-date, x-amz-security-token, x-amz-content-sha256 and authorization", async () => {
    const input = [
      ["Content-Type", "application/json"],
      ["X-Amz-Target", "KinesisVideo_20170930.DescribeStream"],
      ["x-custom", "a"],
      ["Accept", "*/*"],
    ];
    const { headers } = await signer.signRequest(
      { method: "POST", url: KVS, headers: input, body: '{"StreamName":"my-stream"}' },
      { ...baseOptions(), signBody: true },
    );
    for (const [name, value] of input) assert.equal(headers[name.toLowerCase()], value, name);
    assert.equal(headers.host, "kinesisvideo.us-west-2.amazonaws.com");
    assert.equal(headers["x-amz-date"], "20240506T070809Z");
    assert.equal(headers["x-amz-security-token"], TOKEN);
    assert.equal(headers["x-amz-content-sha256"], createHash("sha256").update('{"StreamName":"my-stream"}').digest("hex"));
    const expectedNames = [...input.map(([n]) => n.toLowerCase()), "host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "authorization"];
    assert.deepEqual(Object.keys(headers).sort(), expectedNames.sort());
    assert.deepEqual(
      signedHeaderList(headers),
      ["accept", "content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token", "x-amz-target", "x-custom"],
    );
    // Cross-check the whole value with the reference signer.
    const ref = await smithySignRequest({ method: "POST", url: KVS, headers: input, body: '{"StreamName":"my-stream"}' }, { ...baseOptions(), signBody: true });
    assert.equal(headers.authorization, ref.headers.authorization);
    assert.equal(headers["x-amz-content-sha256"], ref.headers["x-amz-content-sha256"]);
  });

  test("without a token or signBody there is no x-amz-security-token or x-amz-content-sha256", async () => {
    const options = baseOptions();
    delete options.credentials.sessionToken;
    const { headers } = await signer.signRequest(goodRequest(), options);
    assert.deepEqual(Object.keys(headers).sort(), ["authorization", "content-type", "host", "x-amz-date"]);
    assert.deepEqual(signedHeaderList(headers), ["content-type", "host", "x-amz-date"]);
    const empty = await signer.signRequest(goodRequest(), { ...options, credentials: { ...options.credentials, sessionToken: "" } });
    assert.equal(empty.headers.authorization, headers.authorization, "an empty sessionToken is no token");
  });

  test("keeps a given host header instead of adding one", async () => {
    const { headers } = await signer.signRequest(
      { method: "GET", url: "https://10.0.0.1:8443/x", headers: [["Host", "kinesisvideo.us-west-2.amazonaws.com"]] },
      baseOptions(),
    );
    assert.equal(headers.host, "kinesisvideo.us-west-2.amazonaws.com");
    assert.equal(Object.keys(headers).filter((k) => k === "host").length, 1);
  });

  test("adds host with the port of a non-default-port URL", async () => {
    const { headers } = await signer.signRequest({ method: "GET", url: "http://localhost:4566/x" }, baseOptions());
    assert.equal(headers.host, "localhost:4566");
  });

  test("authorization, user-agent, x-amzn-trace-id and expect pass through unsigned", async () => {
    const plain = await signer.signRequest(goodRequest(), baseOptions());
    const extra = {
      "User-Agent": "my-app/1.0",
      "X-Amzn-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793",
      Expect: "100-continue",
      Authorization: "Bearer stale",
    };
    const req = goodRequest();
    req.headers = { ...req.headers, ...extra };
    const { headers } = await signer.signRequest(req, baseOptions());
    assert.equal(headers["user-agent"], "my-app/1.0");
    assert.equal(headers["x-amzn-trace-id"], extra["X-Amzn-Trace-Id"]);
    assert.equal(headers.expect, "100-continue");
    assert.notEqual(headers.authorization, "Bearer stale", "the given authorization is replaced by the signature");
    assert.deepEqual(signedHeaderList(headers), ["content-type", "host", "x-amz-date", "x-amz-security-token"]);
    assert.equal(headers.authorization, plain.headers.authorization, "same signature as without those headers");
  });

  test("repeated headers are returned once with their signed, joined value", async () => {
    const { headers } = await signer.signRequest(
      { method: "GET", url: "https://example.amazonaws.com/", headers: [["My-Header1", "value2"], ["my-header1", " value1  x "]] },
      baseOptions(),
    );
    assert.equal(headers["my-header1"], "value2,value1 x");
  });

  test("signSessionToken: false adds X-Amz-Security-Token after signing", async () => {
    const withToken = await signer.signRequest(goodRequest(), baseOptions());
    const after = await signer.signRequest(goodRequest(), { ...baseOptions(), signSessionToken: false });
    const noTokenOptions = baseOptions();
    delete noTokenOptions.credentials.sessionToken;
    const none = await signer.signRequest(goodRequest(), noTokenOptions);
    assert.equal(after.headers["x-amz-security-token"], TOKEN);
    assert.equal(after.headers.authorization, none.headers.authorization, "signed as if there were no token");
    assert.notEqual(after.headers.authorization, withToken.headers.authorization);
    assert.ok(signedHeaderList(withToken.headers).includes("x-amz-security-token"));
    assert.ok(!signedHeaderList(after.headers).includes("x-amz-security-token"));
  });

  test("signingDate defaults to now", async () => {
    const options = baseOptions();
    delete options.signingDate;
    const before = Date.now();
    const { headers } = await signer.signRequest(goodRequest(), options);
    const after = Date.now();
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(headers["x-amz-date"]);
    assert.ok(m, headers["x-amz-date"]);
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    assert.ok(t >= Math.floor(before / 1000) * 1000 && t <= after, `${headers["x-amz-date"]} is now`);
  });

  test("a 1 MiB binary body and 200 headers sign like the reference", async () => {
    const body = new Uint8Array(1 << 20);
    for (let i = 0; i < body.length; i++) body[i] = (i * 2654435761) >>> 24;
    const headers = Array.from({ length: 200 }, (_, i) => [`X-H-${i % 150}`, `v${i}  \t x`]);
    const req = { method: "PUT", url: "https://example.amazonaws.com/big", headers, body };
    const options = { ...baseOptions(), signBody: true };
    const ours = await signer.signRequest(req, options);
    const ref = await smithySignRequest(req, options);
    assert.equal(ours.headers.authorization, ref.headers.authorization);
    assert.equal(ours.headers["x-amz-content-sha256"], ref.headers["x-amz-content-sha256"]);
  });
});

describe("presignUrl output", () => {
  const wss = "wss://m-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/?X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo%3Aus-west-2%3A123456789012%3Achannel%2Fdemo%2F1234567890123&X-Amz-ClientId=viewer-1";

  test("carries X-Amz-Expires (default 900), the signed-in session token and the request's parameters", async () => {
    const url = await signer.presignUrl({ url: wss }, baseOptions());
    assert.ok(url.startsWith("wss://m-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/?"), url);
    assert.equal(param(url, "X-Amz-Expires"), "900");
    assert.equal(param(url, "X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
    assert.equal(param(url, "X-Amz-Credential"), "AKIDEXAMPLE/20240506/us-west-2/kinesisvideo/aws4_request");
    assert.equal(param(url, "X-Amz-Date"), "20240506T070809Z");
    assert.equal(param(url, "X-Amz-SignedHeaders"), "host");
    assert.equal(param(url, "X-Amz-Security-Token"), TOKEN);
    assert.equal(param(url, "X-Amz-ChannelARN"), "arn:aws:kinesisvideo:us-west-2:123456789012:channel/demo/1234567890123");
    assert.equal(param(url, "X-Amz-ClientId"), "viewer-1");
    // The token is part of the signature: the reference signs it in too.
    const ref = await smithyPresign({ method: "GET", url: wss }, { ...baseOptions(), expiresIn: 900 });
    assert.equal(param(url, "X-Amz-Signature"), ref.query["X-Amz-Signature"]);
    // Strictly encoded on the wire: the token's `/`, `+` and `=` are escaped.
    const rawToken = splitQuery(splitUrl(url).query).find(([k]) => k === "X-Amz-Security-Token")[1];
    assert.doesNotMatch(rawToken, /[/+=]/);
  });

  test("expiresIn 1 and 604800 are accepted and written as given", async () => {
    for (const expiresIn of [1, 299, 604800]) {
      const url = await signer.presignUrl({ url: wss }, { ...baseOptions(), expiresIn });
      assert.equal(param(url, "X-Amz-Expires"), String(expiresIn));
      const ref = await smithyPresign({ method: "GET", url: wss }, { ...baseOptions(), expiresIn });
      assert.equal(param(url, "X-Amz-Signature"), ref.query["X-Amz-Signature"]);
    }
  });

  test("method defaults to GET", async () => {
    const implicit = await signer.presignUrl({ url: wss }, baseOptions());
    const explicit = await signer.presignUrl({ method: "GET", url: wss }, baseOptions());
    const post = await signer.presignUrl({ method: "POST", url: wss }, baseOptions());
    assert.equal(implicit, explicit);
    assert.notEqual(param(post, "X-Amz-Signature"), param(implicit, "X-Amz-Signature"));
  });

  test("signSessionToken: false appends X-Amz-Security-Token after signing", async () => {
    const after = await signer.presignUrl({ url: wss }, { ...baseOptions(), signSessionToken: false });
    const noTokenOptions = baseOptions();
    delete noTokenOptions.credentials.sessionToken;
    const none = await signer.presignUrl({ url: wss }, noTokenOptions);
    assert.equal(param(after, "X-Amz-Security-Token"), TOKEN);
    assert.equal(param(none, "X-Amz-Security-Token"), undefined);
    assert.equal(param(after, "X-Amz-Signature"), param(none, "X-Amz-Signature"), "signed as if there were no token");
  });

  test("signs the given headers and the body's hash", async () => {
    const req = { method: "PUT", url: "https://example.amazonaws.com/o", headers: { "Content-Type": "text/plain", "x-amz-meta-a": "1" }, body: "hello" };
    const url = await signer.presignUrl(req, baseOptions());
    assert.equal(param(url, "X-Amz-SignedHeaders"), "content-type;host;x-amz-meta-a");
    const ref = await smithyPresign(req, { ...baseOptions(), expiresIn: 900 });
    assert.equal(param(url, "X-Amz-Signature"), ref.query["X-Amz-Signature"]);
    const otherBody = await signer.presignUrl({ ...req, body: "hellO" }, baseOptions());
    assert.notEqual(param(otherBody, "X-Amz-Signature"), param(url, "X-Amz-Signature"));
  });
});

describe("bad input", () => {
  let baseline;
  before(async () => {
    baseline = (await signer.signRequest(goodRequest(), baseOptions())).headers.authorization;
  });

  const sign = (mutate) => () => {
    const req = goodRequest();
    const options = baseOptions();
    const r = mutate(req, options);
    return r === undefined ? signer.signRequest(req, options) : signer.signRequest(r.request, r.options);
  };
  const presign = (mutate) => () => {
    const req = { url: "wss://m-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/?X-Amz-ChannelARN=x" };
    const options = baseOptions();
    const r = mutate(req, options);
    return r === undefined ? signer.presignUrl(req, options) : signer.presignUrl(r.request, r.options);
  };

  const cases = [
    ["no options", sign((req) => ({ request: req, options: undefined })), /options/],
    ["options is a string", sign((req) => ({ request: req, options: "us-west-2" })), /options/],
    ["no request", sign((req, options) => ({ request: undefined, options })), /request/],
    ["request is null", sign((req, options) => ({ request: null, options })), /request/],
    ["request is a string", sign((req, options) => ({ request: KVS, options })), /request/],
    ["missing credentials", sign((req, o) => void delete o.credentials), /credentials/],
    ["credentials is null", sign((req, o) => void (o.credentials = null)), /credentials/],
    ["credentials is the secret as a string", sign((req, o) => void (o.credentials = SECRET)), /credentials/],
    ["missing accessKeyId", sign((req, o) => void delete o.credentials.accessKeyId), /accessKeyId/],
    ["empty accessKeyId", sign((req, o) => void (o.credentials.accessKeyId = "")), /accessKeyId/],
    ["accessKeyId is a number", sign((req, o) => void (o.credentials.accessKeyId = 42)), /accessKeyId/],
    ["missing secretAccessKey", sign((req, o) => void delete o.credentials.secretAccessKey), /secretAccessKey/],
    ["secretAccessKey is a number", sign((req, o) => void (o.credentials.secretAccessKey = 12345)), /secretAccessKey/],
    ["secretAccessKey is an object", sign((req, o) => void (o.credentials.secretAccessKey = { SECRET })), /secretAccessKey/],
    ["sessionToken is a number", sign((req, o) => void (o.credentials.sessionToken = 7)), /sessionToken/],
    ["missing region", sign((req, o) => void delete o.region), /region/],
    ["region is a number", sign((req, o) => void (o.region = 1)), /region/],
    ["missing service", sign((req, o) => void delete o.service), /service/],
    ["service is an array", sign((req, o) => void (o.service = ["kinesisvideo"])), /service/],
    ["signingDate is a string", sign((req, o) => void (o.signingDate = "2024-05-06T07:08:09Z")), /signingDate/],
    ["signingDate is an invalid Date", sign((req, o) => void (o.signingDate = new Date(NaN))), /signingDate/],
    ["normalizePath is a string", sign((req, o) => void (o.normalizePath = "false")), /normalizePath/],
    ["signBody is a number", sign((req, o) => void (o.signBody = 1)), /signBody/],
    ["signSessionToken is a string", sign((req, o) => void (o.signSessionToken = "no")), /signSessionToken/],
    ["missing url", sign((req) => void delete req.url), /url/],
    ["url is a number", sign((req) => void (req.url = 42)), /url/],
    ["ftp url", sign((req) => void (req.url = "ftp://kinesisvideo.us-west-2.amazonaws.com/")), /url/],
    ["file url", sign((req) => void (req.url = "file:///etc/passwd")), /url/],
    ["relative url", sign((req) => void (req.url = "/describeStream")), /url/],
    ["url without host", sign((req) => void (req.url = "https:///describeStream")), /url/],
    ["url with no scheme separator", sign((req) => void (req.url = "kinesisvideo.us-west-2.amazonaws.com/describeStream")), /url/],
    ["javascript url", sign((req) => void (req.url = "javascript:alert(1)")), /url/],
    ["missing method", sign((req) => void delete req.method), /method/],
    ["method is a number", sign((req) => void (req.method = 1)), /method/],
    ["method with a space", sign((req) => void (req.method = "GET /")), /method/],
    ["headers is a string", sign((req) => void (req.headers = "content-type: a")), /headers/],
    ["headers pair of one", sign((req) => void (req.headers = [["content-type"]])), /headers/],
    ["headers value is an object", sign((req) => void (req.headers = { a: { b: 1 } })), /headers/],
    ["body is a number", sign((req) => void (req.body = 42)), /body/],
    ["body is a plain object", sign((req) => void (req.body = { StreamName: "x" })), /body/],
    ["presign: expiresIn 0", presign((req, o) => void (o.expiresIn = 0)), /expiresIn/],
    ["presign: expiresIn 604801", presign((req, o) => void (o.expiresIn = 604801)), /expiresIn/],
    ["presign: expiresIn 1.5", presign((req, o) => void (o.expiresIn = 1.5)), /expiresIn/],
    ["presign: expiresIn -1", presign((req, o) => void (o.expiresIn = -1)), /expiresIn/],
    ["presign: expiresIn NaN", presign((req, o) => void (o.expiresIn = NaN)), /expiresIn/],
    ["presign: expiresIn Infinity", presign((req, o) => void (o.expiresIn = Infinity)), /expiresIn/],
    ["presign: expiresIn a string", presign((req, o) => void (o.expiresIn = "900")), /expiresIn/],
    ["presign: http url", presign((req) => void (req.url = "mailto:someone@example.com")), /url/],
    ["presign: missing url", presign((req) => void delete req.url), /url/],
    ["presign: missing credentials", presign((req, o) => void delete o.credentials), /credentials/],
    ["presign: secretAccessKey missing, token given", presign((req, o) => void delete o.credentials.secretAccessKey), /secretAccessKey/],
    ["presign: method is a number", presign((req) => void (req.method = 5)), /method/],
  ];

  for (const [name, call, field] of cases) {
    test(`${name}: throws an Error naming the field, without secrets, and the module keeps working`, async () => {
      let error;
      try {
        await call();
      } catch (e) {
        error = e;
      }
      assert.ok(error !== undefined, "it throws");
      assert.ok(error instanceof Error, `an Error, got ${Object.prototype.toString.call(error)}: ${String(error)}`);
      assert.ok(!(error instanceof WebAssembly.RuntimeError), `not a wasm trap: ${error.message}`);
      assert.match(error.message, field, `message names the field: ${error.message}`);
      const everything = [String(error), error.message, error.stack ?? "", JSON.stringify(error, Object.getOwnPropertyNames(error))].join("\n");
      assert.ok(!everything.includes(SECRET), `the secret key is not in the error: ${everything}`);
      assert.ok(!everything.includes(TOKEN), `the session token is not in the error: ${everything}`);
      assert.ok(!everything.includes("SECRETKEY9"), "no part of the secret key");

      const after = await signer.signRequest(goodRequest(), baseOptions());
      assert.equal(after.headers.authorization, baseline, "a good request signs the same afterwards");
    });
  }

  test("every call above, back to back, then good requests still sign and presign", async () => {
    for (let round = 0; round < 3; round++) {
      for (const [, call] of cases) {
        await assert.rejects(async () => call());
      }
    }
    assert.equal((await signer.signRequest(goodRequest(), baseOptions())).headers.authorization, baseline);
    const url = await signer.presignUrl({ url: KVS }, baseOptions());
    assert.match(url, /X-Amz-Signature=[0-9a-f]{64}/);
  });

  test("unusual but valid input is accepted", async () => {
    const ok = [
      { method: "GET", url: "HTTPS://EXAMPLE.amazonaws.com" },
      { method: "GET", url: "ws://localhost:8080" },
      { method: "GET", url: "https://user:pw@example.amazonaws.com/p" },
      { method: "GET", url: "https://example.amazonaws.com/p#fragment" },
      { method: "POST", url: KVS, headers: [], body: new Uint8Array(0) },
      { method: "POST", url: KVS, headers: {}, body: "" },
    ];
    for (const req of ok) {
      const out = await signer.signRequest(req, baseOptions());
      assert.match(out.headers.authorization, /^AWS4-HMAC-SHA256 /, req.url);
    }
  });
});
