// Cognito Identity guest credentials: GetId and GetCredentialsForIdentity over JSON 1.1 without a
// signature, their errors, and the temporary credentials they give being accepted by the SigV4
// verifier only with their session token and only until they expire.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { KinesisVideoClient, ListStreamsCommand } from "@aws-sdk/client-kinesis-video";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { DEFAULT_IDENTITY_POOL_ID } from "./server.mjs";
import { errorName, openSignaling, presignSignalingUrl, rawHttp, REGION, signedRequest, startTestEndpoint, testClock, waitUntil } from "./helpers.mjs";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const IDENTITY_ID = new RegExp(`^us-west-2:${UUID}$`);
const INVALID_TOKEN = "The security token included in the request is invalid.";
const EXPIRED_TOKEN = "The security token included in the request is expired";
const EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";

let endpoint;
before(async () => {
  endpoint = await startTestEndpoint();
}, { timeout: 10000 });
after(() => endpoint.close());

/** A Cognito call as a browser's fetch sends it: unsigned, JSON 1.1, the operation in X-Amz-Target. */
async function cognito(operation, input, { url = endpoint.url, target = `AWSCognitoIdentityService.${operation}`, body } = {}) {
  const response = await fetch(`${url}/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target },
    body: body ?? JSON.stringify(input),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

/** Guest credentials from the endpoint, in the form signers take. */
async function guestCredentials(url = endpoint.url, identityPoolId = DEFAULT_IDENTITY_POOL_ID) {
  const { IdentityId } = (await cognito("GetId", { IdentityPoolId: identityPoolId }, { url })).json;
  const { Credentials } = (await cognito("GetCredentialsForIdentity", { IdentityId }, { url })).json;
  return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretKey, sessionToken: Credentials.SessionToken, expiration: Credentials.Expiration };
}

function assertCognitoError(response, name, message) {
  assert.equal(response.status, 400, JSON.stringify(response.json));
  assert.equal(response.headers.get("x-amzn-errortype"), name);
  assert.equal(response.headers.get("content-type"), "application/x-amz-json-1.1");
  assert.match(response.headers.get("x-amzn-requestid"), new RegExp(`^${UUID}$`));
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.deepEqual(Object.keys(response.json), ["__type", "message"]);
  assert.equal(response.json.__type, name);
  assert.match(response.json.message, message);
}

test("GetId and GetCredentialsForIdentity answer unsigned JSON 1.1 requests", { timeout: 10000 }, async () => {
  assert.equal(endpoint.identityPoolId, DEFAULT_IDENTITY_POOL_ID);
  const getId = await cognito("GetId", { IdentityPoolId: endpoint.identityPoolId, AccountId: "123456789012" });
  assert.equal(getId.status, 200);
  assert.equal(getId.headers.get("content-type"), "application/x-amz-json-1.1");
  assert.match(getId.headers.get("x-amzn-requestid"), new RegExp(`^${UUID}$`));
  assert.equal(getId.headers.get("access-control-allow-origin"), "*");
  assert.equal(getId.headers.get("access-control-expose-headers"), EXPOSED);
  assert.deepEqual(Object.keys(getId.json), ["IdentityId"]);
  assert.match(getId.json.IdentityId, IDENTITY_ID);

  const before = Math.floor(Date.now() / 1000);
  const got = await cognito("GetCredentialsForIdentity", { IdentityId: getId.json.IdentityId });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get("content-type"), "application/x-amz-json-1.1");
  assert.deepEqual(Object.keys(got.json).sort(), ["Credentials", "IdentityId"]);
  assert.equal(got.json.IdentityId, getId.json.IdentityId);
  const { AccessKeyId, SecretKey, SessionToken, Expiration } = got.json.Credentials;
  assert.deepEqual(Object.keys(got.json.Credentials).sort(), ["AccessKeyId", "Expiration", "SecretKey", "SessionToken"]);
  assert.match(AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.ok(typeof SecretKey === "string" && SecretKey.length >= 40, SecretKey);
  assert.ok(typeof SessionToken === "string" && SessionToken.length >= 100);
  assert.ok(Number.isInteger(Expiration), `Expiration is epoch seconds: ${Expiration}`);
  assert.ok(Expiration >= before + 3600 && Expiration <= Math.ceil(Date.now() / 1000) + 3600, `${Expiration} is an hour ahead`);

  // Every call gives fresh credentials for the same identity.
  const again = (await cognito("GetCredentialsForIdentity", { IdentityId: getId.json.IdentityId })).json.Credentials;
  assert.notEqual(again.AccessKeyId, AccessKeyId);
  assert.notEqual(again.SecretKey, SecretKey);
  assert.notEqual(again.SessionToken, SessionToken);
});

test("guests get a new identity per GetId; the same logins find the same identity", { timeout: 10000 }, async () => {
  const IdentityPoolId = endpoint.identityPoolId;
  const guestA = (await cognito("GetId", { IdentityPoolId })).json.IdentityId;
  const guestB = (await cognito("GetId", { IdentityPoolId, Logins: {} })).json.IdentityId;
  assert.notEqual(guestA, guestB);

  const Logins = { "accounts.google.com": "token-1", "cognito-idp.us-west-2.amazonaws.com/us-west-2_abc": "token-2" };
  const user = (await cognito("GetId", { IdentityPoolId, Logins })).json.IdentityId;
  assert.match(user, IDENTITY_ID);
  const reordered = Object.fromEntries(Object.entries(Logins).reverse());
  assert.equal((await cognito("GetId", { IdentityPoolId, Logins: reordered })).json.IdentityId, user);
  assert.notEqual((await cognito("GetId", { IdentityPoolId, Logins: { "accounts.google.com": "token-3" } })).json.IdentityId, user);

  // An identity made from logins needs them for its credentials.
  const withLogins = await cognito("GetCredentialsForIdentity", { IdentityId: user, Logins });
  assert.equal(withLogins.status, 200);
  assert.match(withLogins.json.Credentials.AccessKeyId, /^ASIA/);
  assertCognitoError(await cognito("GetCredentialsForIdentity", { IdentityId: user }), "NotAuthorizedException", /login/i);
  assertCognitoError(await cognito("GetId", { IdentityPoolId, Logins: { "accounts.google.com": "" } }), "ValidationException", /logins/);
});

test("Cognito errors are JSON 1.1: 400, __type and message, x-amzn-ErrorType", { timeout: 10000 }, async () => {
  const otherPool = "us-west-2:11111111-2222-4333-8444-555555555555";
  assertCognitoError(await cognito("GetId", { IdentityPoolId: otherPool }), "ResourceNotFoundException", /IdentityPool .* not found/);
  assertCognitoError(await cognito("GetId", { IdentityPoolId: "not a pool id" }), "ValidationException", /^1 validation error detected: .*identityPoolId/);
  assertCognitoError(await cognito("GetId", {}), "ValidationException", /identityPoolId.*must not be null/);
  assertCognitoError(await cognito("GetId", { IdentityPoolId: endpoint.identityPoolId, AccountId: "abc" }), "ValidationException", /accountId/);
  assertCognitoError(
    await cognito("GetCredentialsForIdentity", { IdentityId: "us-west-2:00000000-0000-4000-8000-000000000000" }),
    "ResourceNotFoundException",
    /Identity .* not found/,
  );
  assertCognitoError(await cognito("GetCredentialsForIdentity", { IdentityId: "nope" }), "ValidationException", /identityId/);
  assertCognitoError(await cognito("GetOpenIdToken", { IdentityId: "nope" }), "UnknownOperationException", /GetOpenIdToken/);
  assertCognitoError(await cognito(null, null, { target: "Kinesis_20131202.ListStreams", body: "{}" }), "UnknownOperationException", /ListStreams/);
  assertCognitoError(await cognito("GetId", null, { body: "{not json" }), "SerializationException", /JSON/);
});

test("a browser's preflight for Cognito allows x-amz-target and content-type", { timeout: 10000 }, async () => {
  const requested = "content-type,x-amz-target,x-amz-user-agent";
  const response = await rawHttp(`${endpoint.url}/`, {
    method: "OPTIONS",
    headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": requested },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers["access-control-allow-origin"], "*");
  assert.equal(response.headers["access-control-allow-methods"], "POST");
  assert.equal(response.headers["access-control-allow-headers"], requested);
});

test("guest credentials sign control-plane calls, only with their session token", { timeout: 10000 }, async () => {
  const guest = await guestCredentials();
  const listStreams = (credentials, options) => signedRequest(`${endpoint.url}/listStreams`, { credentials, ...options });
  const ok = await listStreams(guest);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json.StreamInfoList, []);

  const refused = (response, name, message) => {
    assert.equal(response.status, 403, response.text);
    assert.equal(errorName(response), name);
    assert.deepEqual(response.json, { message });
  };
  const { sessionToken, ...noToken } = guest;
  refused(await listStreams(noToken), "UnrecognizedClientException", INVALID_TOKEN);
  refused(await listStreams({ ...guest, sessionToken: sessionToken.slice(0, -4) + "AAAA" }), "UnrecognizedClientException", INVALID_TOKEN);
  const other = await guestCredentials();
  refused(await listStreams({ ...guest, sessionToken: other.sessionToken }), "UnrecognizedClientException", INVALID_TOKEN);
  // The right token, but added after signing: an unsigned token does not count.
  refused(
    await listStreams(noToken, { tamper: (request) => (request.headers["x-amz-security-token"] = sessionToken) }),
    "UnrecognizedClientException",
    INVALID_TOKEN,
  );
  // A wrong secret with the right token is a signature mismatch, as for any key.
  const wrongSecret = await listStreams({ ...guest, secretAccessKey: other.secretAccessKey });
  assert.equal(wrongSecret.status, 403);
  assert.equal(errorName(wrongSecret), "InvalidSignatureException");

  // The static local key still needs no token.
  assert.equal((await listStreams({ accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey })).status, 200);
});

test("guest credentials open the signaling WebSocket, only with their token and until they expire", { timeout: 15000 }, async () => {
  const clock = testClock();
  const local = await startTestEndpoint({ now: clock.now, cognitoCredentialSeconds: 900 });
  try {
    const guest = await guestCredentials(local.url);
    assert.ok(Math.abs(guest.expiration - (Date.now() / 1000 + 900)) < 5, "the lifetime follows cognitoCredentialSeconds");
    const call = (path, body, options) => signedRequest(`${local.url}/${path}`, { credentials: guest, body, ...options });
    const { ChannelARN } = (await call("createSignalingChannel", { ChannelName: "guest-channel" })).json;
    await waitUntil(async () => (await call("describeSignalingChannel", { ChannelARN })).json.ChannelInfo.ChannelStatus === "ACTIVE");
    const wss = (await call("getSignalingChannelEndpoint", {
      ChannelARN,
      SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS"], Role: "VIEWER" },
    })).json.ResourceEndpointList[0].ResourceEndpoint;
    const presign = (credentials, signingDate) => presignSignalingUrl(wss, { channelArn: ChannelARN, clientId: "guest-viewer", credentials, signingDate });

    const viewer = await openSignaling(await presign(guest));
    await viewer.close();
    const refusal = async (url, message) => {
      const error = await openSignaling(url).then(
        async (connection) => {
          await connection.close();
          assert.fail("the upgrade was accepted");
        },
        (failure) => failure,
      );
      assert.equal(error.status, 403, error.message);
      assert.equal(error.errorType, "AccessDeniedException");
      assert.equal(error.body.message, message);
    };
    const { sessionToken, ...noToken } = guest;
    await refusal(await presign(noToken), INVALID_TOKEN);
    await refusal(await presign({ ...guest, sessionToken: `${sessionToken}x` }), INVALID_TOKEN);

    // Past Expiration (the server clock moves 901 s ahead; requests are signed at that time).
    clock.advance(901 * 1000);
    const later = new Date(clock.now());
    await refusal(await presign(guest, later), EXPIRED_TOKEN);
    const expired = await call("listStreams", {}, { signingDate: later });
    assert.equal(expired.status, 403, expired.text);
    assert.equal(errorName(expired), "ExpiredTokenException");
    assert.deepEqual(expired.json, { message: EXPIRED_TOKEN });
    // Fresh credentials work again at the new time.
    const fresh = await guestCredentials(local.url);
    assert.ok(fresh.expiration > later.getTime() / 1000);
    assert.equal((await signedRequest(`${local.url}/listStreams`, { credentials: fresh, signingDate: later })).status, 200);
  } finally {
    await local.close();
  }
});

test("the AWS SDK's fromCognitoIdentityPool gets credentials that the Kinesis Video client uses", { timeout: 15000 }, async () => {
  const local = await startTestEndpoint({ identityPoolId: "eu-west-1:12345678-aaaa-4bbb-8ccc-1234567890ab", cognitoCredentialSeconds: 1200 });
  try {
    assert.equal(local.identityPoolId, "eu-west-1:12345678-aaaa-4bbb-8ccc-1234567890ab");
    const provider = fromCognitoIdentityPool({ identityPoolId: local.identityPoolId, clientConfig: { region: "eu-west-1", endpoint: local.url } });
    const credentials = await provider();
    assert.match(credentials.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(typeof credentials.sessionToken, "string");
    assert.match(credentials.identityId, /^eu-west-1:/);
    assert.ok(credentials.expiration instanceof Date, "the SDK parses Expiration as epoch seconds");
    assert.ok(Math.abs(credentials.expiration.getTime() - (Date.now() + 1200 * 1000)) < 5000);

    const client = new KinesisVideoClient({ region: REGION, endpoint: local.url, credentials: provider, maxAttempts: 1 });
    const output = await client.send(new ListStreamsCommand({}));
    assert.equal(output.$metadata.httpStatusCode, 200);
    assert.deepEqual(output.StreamInfoList, []);

    // The SDK reads the JSON 1.1 errors: an unknown pool is ResourceNotFoundException.
    const unknown = fromCognitoIdentityPool({ identityPoolId: "eu-west-1:00000000-0000-4000-8000-000000000000", clientConfig: { region: "eu-west-1", endpoint: local.url, maxAttempts: 1 } });
    await assert.rejects(unknown(), (error) => {
      assert.equal(error.name, "ResourceNotFoundException");
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.match(error.$metadata.requestId, new RegExp(`^${UUID}$`));
      return true;
    });
  } finally {
    await local.close();
  }
});
