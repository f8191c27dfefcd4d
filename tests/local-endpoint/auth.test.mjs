// Signature checks: requests and presigned WebSocket URLs are verified, and refused the way the
// service refuses them (status, x-amzn-ErrorType, lowercase `message`).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SigV4RequestSigner } from "amazon-kinesis-video-streams-webrtc";
import { credentialsOf, errorName, openSignaling, presignSignalingUrl, rawHttp, signedRequest, startTestEndpoint, waitUntil } from "./helpers.mjs";

const MISMATCH = /^The request signature we calculated does not match the signature you provided\. /;
const AMZ_DATE = "\\d{8}T\\d{6}Z";

let endpoint;
let credentials;
let channelArn;
let endpoints; // WSS endpoints by role
before(async () => {
  endpoint = await startTestEndpoint();
  credentials = credentialsOf(endpoint);
  channelArn = (await signedRequest(`${endpoint.url}/createSignalingChannel`, { credentials, body: { ChannelName: "auth-1" } })).json.ChannelARN;
  await waitUntil(async () => {
    const response = await signedRequest(`${endpoint.url}/describeSignalingChannel`, { credentials, body: { ChannelARN: channelArn } });
    return response.json.ChannelInfo.ChannelStatus === "ACTIVE";
  });
  endpoints = {};
  for (const Role of ["MASTER", "VIEWER"]) {
    const response = await signedRequest(`${endpoint.url}/getSignalingChannelEndpoint`, {
      credentials,
      body: { ChannelARN: channelArn, SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS"], Role } },
    });
    endpoints[Role] = response.json.ResourceEndpointList[0].ResourceEndpoint;
  }
}, { timeout: 10000 });
after(() => endpoint.close());

function assertRefused(response, status, name, message) {
  assert.equal(response.status, status, response.text);
  assert.equal(errorName(response), name);
  assert.match(response.headers["x-amzn-requestid"], /^[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(response.json), ["message"], "auth failures carry a lowercase message");
  assert.match(response.json.message, message);
}

const listStreams = (options) => signedRequest(`${endpoint.url}/listStreams`, { credentials, ...options });

test("a correctly signed request is accepted, with or without a session token", { timeout: 10000 }, async () => {
  assert.equal((await listStreams()).status, 200);
  const withToken = await listStreams({ credentials: { ...credentials, sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN//+=" } });
  assert.equal(withToken.status, 200, withToken.text);
});

test("a tampered body is refused", { timeout: 10000 }, async () => {
  const response = await listStreams({ body: { MaxResults: 5 }, tamper: (req) => (req.body = JSON.stringify({ MaxResults: 6 })) });
  assertRefused(response, 403, "InvalidSignatureException", MISMATCH);
});

test("a tampered signed header or a signed payload hash that lies about the body is refused", { timeout: 10000 }, async () => {
  const header = await listStreams({ tamper: (req) => (req.headers["content-type"] = "application/x-amz-json-1.1") });
  assertRefused(header, 403, "InvalidSignatureException", MISMATCH);
  const hash = await listStreams({
    body: { MaxResults: 5 },
    tamper: (req) => {
      req.headers["x-amz-content-sha256"] = "0".repeat(64);
      req.body = JSON.stringify({ MaxResults: 6 });
    },
  });
  assertRefused(hash, 403, "InvalidSignatureException", MISMATCH);
});

test("a wrong secret is refused; an unknown key is unrecognized", { timeout: 10000 }, async () => {
  assertRefused(await listStreams({ credentials: { ...credentials, secretAccessKey: "not-the-secret" } }), 403, "InvalidSignatureException", MISMATCH);
  assertRefused(
    await listStreams({ credentials: { accessKeyId: "AKIANOBODY0000000000", secretAccessKey: "x" } }),
    403,
    "UnrecognizedClientException",
    /^The security token included in the request is invalid\.$/,
  );
});

test("a date more than 5 minutes off the server clock is refused in the service's words", { timeout: 10000 }, async () => {
  const past = await listStreams({ signingDate: new Date(Date.now() - 6 * 60 * 1000) });
  assertRefused(past, 403, "InvalidSignatureException", new RegExp(`^Signature expired: ${AMZ_DATE} is now earlier than ${AMZ_DATE} \\(${AMZ_DATE} - 5 min\\.\\)$`));
  const future = await listStreams({ signingDate: new Date(Date.now() + 6 * 60 * 1000) });
  assertRefused(future, 403, "InvalidSignatureException", new RegExp(`^Signature not yet current: ${AMZ_DATE} is still later than ${AMZ_DATE} \\(${AMZ_DATE} \\+ 5 min\\.\\)$`));
  assert.equal((await listStreams({ signingDate: new Date(Date.now() - 4 * 60 * 1000) })).status, 200, "4 minutes is within the window");
});

test("the server clock and credentials can be injected", { timeout: 10000 }, async () => {
  const fixed = Date.UTC(2024, 0, 17, 11, 23, 56);
  const other = await startTestEndpoint({ now: () => fixed, credentials: { AKIATESTKEY000000001: "test-secret" } });
  try {
    const creds = { accessKeyId: "AKIATESTKEY000000001", secretAccessKey: "test-secret" };
    const ok = await signedRequest(`${other.url}/createStream`, { credentials: creds, signingDate: new Date(fixed), body: { StreamName: "clocked" } });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.json.StreamARN, new RegExp(`/clocked/${fixed}$`));
    // Signed now, which is years after the injected clock.
    assertRefused(await signedRequest(`${other.url}/listStreams`, { credentials: creds }), 403, "InvalidSignatureException", /^Signature not yet current/);
    assertRefused(await signedRequest(`${other.url}/listStreams`, { credentials, signingDate: new Date(fixed) }), 403, "UnrecognizedClientException", /invalid/);
  } finally {
    await other.close();
  }
});

test("missing or malformed authentication and a scope for another service are refused", { timeout: 10000 }, async () => {
  assertRefused(await rawHttp(`${endpoint.url}/listStreams`, { body: "{}" }), 403, "MissingAuthenticationTokenException", /^Missing Authentication Token$/);
  const malformed = await rawHttp(`${endpoint.url}/listStreams`, { body: "{}", headers: { authorization: "AWS4-HMAC-SHA256 Credential=x", "x-amz-date": "20240101T000000Z" } });
  assertRefused(malformed, 400, "IncompleteSignatureException", /requires 'SignedHeaders' parameter/);
  const otherService = await listStreams({
    tamper: (req) => (req.headers.authorization = req.headers.authorization.replace("/kinesisvideo/", "/s3/")),
  });
  assertRefused(otherService, 403, "InvalidSignatureException", /^Credential should be scoped to correct service: 'kinesisvideo'/);
});

// ---- the signaling WebSocket ------------------------------------------------------------------

/** The refusal of an upgrade that must not succeed. */
async function refusal(url) {
  const error = await openSignaling(url).then(
    async (connection) => {
      await connection.close();
      assert.fail(`the upgrade of ${url} was accepted`);
    },
    (failure) => failure,
  );
  assert.ok(error.status, error.message);
  return error;
}

test("a presigned WebSocket URL that verifies is accepted (smithy presign and the KVS WebRTC SDK's signer)", { timeout: 10000 }, async () => {
  const master = await openSignaling(await presignSignalingUrl(endpoints.MASTER, { channelArn, credentials }));
  await master.close();
  // The WebRTC SDK's signer insists on wss://; the signature covers host, path and query, not the scheme.
  const signer = new SigV4RequestSigner("us-west-2", { ...credentials, sessionToken: "session-token-value" });
  const signed = await signer.getSignedURL(endpoints.VIEWER.replace(/^ws:/, "wss:"), { "X-Amz-ChannelARN": channelArn, "X-Amz-ClientId": "viewer-1" });
  const viewer = await openSignaling(signed.replace(/^wss:/, "ws:"));
  await viewer.close();
});

test("a bad, tampered or expired presigned URL is refused with 403", { timeout: 10000 }, async () => {
  const good = await presignSignalingUrl(endpoints.VIEWER, { channelArn, clientId: "viewer-1", credentials });
  const badSignature = good.replace(/X-Amz-Signature=([0-9a-f])/, (_, c) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`);
  const tampered = good.replace("X-Amz-ClientId=viewer-1", "X-Amz-ClientId=viewer-2");
  const expired = await presignSignalingUrl(endpoints.VIEWER, { channelArn, clientId: "viewer-1", credentials, signingDate: new Date(Date.now() - 600 * 1000) });
  const stranger = await presignSignalingUrl(endpoints.VIEWER, { channelArn, clientId: "viewer-1", credentials: { accessKeyId: "AKIANOBODY0000000000", secretAccessKey: "x" } });
  const unsigned = `${endpoints.VIEWER}?X-Amz-ChannelARN=${encodeURIComponent(channelArn)}&X-Amz-ClientId=viewer-1`;
  for (const [what, url, message] of [
    ["bad signature", badSignature, MISMATCH],
    ["tampered query", tampered, MISMATCH],
    ["expired", expired, new RegExp(`^Signature expired: ${AMZ_DATE} is now earlier than`)],
    ["unknown key", stranger, /security token included in the request is invalid/],
    ["unsigned", unsigned, /Missing Authentication Token/],
  ]) {
    const error = await refusal(url);
    assert.equal(error.status, 403, what);
    assert.equal(error.errorType, "AccessDeniedException", what);
    assert.match(error.body.message, message, what);
  }
});

test("a presigned URL without the channel or client it needs is refused with 400, an unknown channel with 404", { timeout: 10000 }, async () => {
  const cases = [
    ["no channel", await presignSignalingUrl(endpoints.MASTER, { credentials }), 400, "InvalidArgumentException"],
    ["viewer without ClientId", await presignSignalingUrl(endpoints.VIEWER, { channelArn, credentials }), 400, "InvalidArgumentException"],
    ["ClientId starting with AWS_", await presignSignalingUrl(endpoints.VIEWER, { channelArn, clientId: "AWS_viewer", credentials }), 400, "InvalidArgumentException"],
    ["unknown channel", await presignSignalingUrl(endpoints.MASTER, { channelArn: channelArn.replace("auth-1", "auth-9"), credentials }), 404, "ResourceNotFoundException"],
    ["another channel's endpoint", await presignSignalingUrl(endpoints.MASTER.replace(/m-[0-9a-f]{8}/, "m-00000000"), { channelArn, credentials }), 400, "InvalidArgumentException"],
    ["not a signaling path", await presignSignalingUrl(`${endpoint.url.replace("http", "ws")}/elsewhere`, { channelArn, credentials }), 404, "ResourceNotFoundException"],
  ];
  for (const [what, url, status, name] of cases) {
    const error = await refusal(url);
    assert.equal(error.status, status, what);
    assert.equal(error.errorType, name, what);
    assert.equal(typeof error.body.Message, "string", what);
  }
});
