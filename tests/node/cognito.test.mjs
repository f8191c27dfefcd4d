// fromCognitoIdentityPool: against the local endpoint's identity pool (credentials that then sign
// real calls, one GetId however often they are refreshed), and its requests beside those of the AWS
// SDK's fromCognitoIdentityPool (@aws-sdk/credential-providers) for the same input, on a server
// that records both.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { fromCognitoIdentityPool as sdkFromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { KinesisVideoClient, fromCognitoIdentityPool } from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";

const T = { timeout: 20_000 };
const POOL = "us-west-2:0a1b2c3d-0000-4000-8000-00000000c091";

/** Counts the Cognito operations the process sends (by X-Amz-Target). */
function countTargets() {
  const counts = {};
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    const target = new Headers(init?.headers).get("x-amz-target");
    if (target) counts[target] = (counts[target] ?? 0) + 1;
    return realFetch(url, init);
  };
  return { counts, stop: () => (globalThis.fetch = realFetch) };
}

describe("against the local endpoint", () => {
  let kvs;
  before(async () => (kvs = await startLocalEndpoint({ port: 0, activationDelayMs: 0, cognitoCredentialSeconds: 3600 })));
  after(() => kvs.close());

  test("guest credentials sign calls; the identity is kept", T, async () => {
    const provider = fromCognitoIdentityPool({ identityPoolId: kvs.identityPoolId, endpoint: kvs.url });
    const c = await provider();
    assert.match(c.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(c.secretAccessKey && c.sessionToken);
    assert.ok(c.expiration instanceof Date);
    assert.ok(Math.abs(c.expiration.getTime() - (Date.now() + 3600_000)) < 5000);
    const client = new KinesisVideoClient({ region: "us-west-2", endpoint: kvs.url, credentials: provider });
    const out = await client.listStreams({});
    assert.ok(Array.isArray(out.StreamInfoList));
    // Without its token, the same key is refused: the token really is what the endpoint checked.
    const tokenless = new KinesisVideoClient({
      region: "us-west-2",
      endpoint: kvs.url,
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
      maxAttempts: 1,
    });
    await assert.rejects(tokenless.listStreams({}), { name: "UnrecognizedClientException" });
  });

  test("refreshed through the client's cache before they expire: one GetId, a GetCredentialsForIdentity each time", T, async () => {
    // Credentials that live 200 s are always within the client's five-minute refresh margin.
    const short = await startLocalEndpoint({ port: 0, cognitoCredentialSeconds: 200 });
    const seen = countTargets();
    try {
      const client = new KinesisVideoClient({
        region: "us-west-2",
        endpoint: short.url,
        credentials: fromCognitoIdentityPool({ identityPoolId: short.identityPoolId, endpoint: short.url }),
      });
      for (let i = 0; i < 3; i++) await client.listStreams({});
      assert.deepEqual(seen.counts, {
        "AWSCognitoIdentityService.GetId": 1,
        "AWSCognitoIdentityService.GetCredentialsForIdentity": 3,
      });
    } finally {
      seen.stop();
      await short.close();
    }
    // Long-lived ones are fetched once for many calls.
    const seenLong = countTargets();
    try {
      const client = new KinesisVideoClient({
        region: "us-west-2",
        endpoint: kvs.url,
        credentials: fromCognitoIdentityPool({ identityPoolId: kvs.identityPoolId, endpoint: kvs.url }),
      });
      await Promise.all([...Array(5).keys()].map(() => client.listStreams({})));
      await client.listStreams({});
      assert.deepEqual(seenLong.counts, {
        "AWSCognitoIdentityService.GetId": 1,
        "AWSCognitoIdentityService.GetCredentialsForIdentity": 1,
      });
    } finally {
      seenLong.stop();
    }
  });

  test("Cognito's errors: the provider rejects with the AWS name, the call with CredentialsProviderError", T, async () => {
    const unknown = fromCognitoIdentityPool({ identityPoolId: "us-west-2:00000000-0000-4000-8000-000000000000", endpoint: kvs.url });
    await assert.rejects(unknown(), { name: "ResourceNotFoundException", message: /^Cognito GetId: / });
    const client = new KinesisVideoClient({ region: "us-west-2", endpoint: kvs.url, credentials: unknown });
    await assert.rejects(client.listStreams({}), (e) => {
      assert.equal(e.name, "CredentialsProviderError");
      assert.match(e.message, /ResourceNotFoundException|Cognito GetId/);
      assert.equal(e.$fault, "client");
      return true;
    });
    assert.throws(() => fromCognitoIdentityPool({ identityPoolId: "not a pool" }), { name: "TypeError", message: /identityPoolId/ });
    assert.throws(() => fromCognitoIdentityPool(), { name: "TypeError" });
  });

  test("signed-in users: logins (a token or a function giving one) keep their identity", T, async () => {
    const seen = countTargets();
    try {
      const a = fromCognitoIdentityPool({ identityPoolId: kvs.identityPoolId, endpoint: kvs.url, logins: { "accounts.example.com": "token-a" } });
      const b = fromCognitoIdentityPool({ identityPoolId: kvs.identityPoolId, endpoint: kvs.url, logins: { "accounts.example.com": async () => "token-a" } });
      const [ca, cb] = [await a(), await b()];
      assert.ok(ca.accessKeyId && cb.accessKeyId);
      const client = new KinesisVideoClient({ region: "us-west-2", endpoint: kvs.url, credentials: b });
      await client.listStreams({});
      assert.equal(seen.counts["AWSCognitoIdentityService.GetId"], 2);
    } finally {
      seen.stop();
    }
  });
});

describe("the requests, beside the AWS SDK's", () => {
  /** A Cognito stand-in that records every request and answers both operations. */
  let server;
  let url;
  const recorded = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        recorded.push({ method: req.method, path: req.url, headers: req.headers, body: JSON.parse(body) });
        const target = req.headers["x-amz-target"];
        const answer =
          target === "AWSCognitoIdentityService.GetId"
            ? { IdentityId: "us-west-2:11111111-2222-4333-8444-555555555555" }
            : {
                IdentityId: "us-west-2:11111111-2222-4333-8444-555555555555",
                Credentials: { AccessKeyId: "ASIAEXAMPLE000000000", SecretKey: "secret", SessionToken: "token", Expiration: 1_900_000_000 },
              };
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r" });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  /** What a Cognito request is, as the service reads it. */
  const essence = (r) => ({
    method: r.method,
    path: r.path,
    contentType: r.headers["content-type"],
    target: r.headers["x-amz-target"],
    body: r.body,
    signed: "authorization" in r.headers,
  });

  for (const [i, what, extra] of [
    [1, "a guest", {}],
    [2, "a signed-in user", { logins: { "accounts.example.com": "id-token", "graph.example.com": "other" } }],
    [3, "a custom role", { customRoleArn: "arn:aws:iam::123456789012:role/viewer" }],
  ]) {
    test(`${what}: the same requests and the same credentials`, T, async () => {
      // A pool of its own: the AWS SDK keeps identity ids by pool across providers.
      const identityPoolId = `${POOL.slice(0, -1)}${i}`;
      recorded.length = 0;
      const ours = await fromCognitoIdentityPool({ identityPoolId, endpoint: `${url}/`, ...extra })();
      const oursRecorded = recorded.splice(0).map(essence);
      const sdk = await sdkFromCognitoIdentityPool({ identityPoolId, clientConfig: { region: "us-west-2", endpoint: url }, ...extra })();
      const sdkRecorded = recorded.splice(0).map(essence);
      assert.equal(oursRecorded.length, 2);
      assert.deepEqual(oursRecorded, sdkRecorded);
      assert.equal(oursRecorded[0].target, "AWSCognitoIdentityService.GetId");
      assert.equal(oursRecorded[0].signed, false);
      assert.deepEqual(
        { accessKeyId: ours.accessKeyId, secretAccessKey: ours.secretAccessKey, sessionToken: ours.sessionToken, expiration: ours.expiration.getTime() },
        { accessKeyId: sdk.accessKeyId, secretAccessKey: sdk.secretAccessKey, sessionToken: sdk.sessionToken, expiration: sdk.expiration.getTime() },
      );
    });
  }
});
