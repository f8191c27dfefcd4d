// CORS as the service answers it, so browsers can call the endpoint from any page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { credentialsOf, rawHttp, signedRequest, startTestEndpoint } from "./helpers.mjs";

const EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";

let endpoint;
before(async () => {
  endpoint = await startTestEndpoint();
}, { timeout: 10000 });
after(() => endpoint.close());

test("a preflight is answered 200 with the requested method and headers echoed", { timeout: 10000 }, async () => {
  const requested = "authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token,x-amz-user-agent";
  for (const path of ["/describeStream", "/signaling/r-0123abcd/v1/get-ice-server-config", "/v1/send-alexa-offer-to-master"]) {
    const response = await rawHttp(`${endpoint.url}${path}`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": requested },
    });
    assert.equal(response.status, 200, path);
    assert.equal(response.headers["access-control-allow-origin"], "*");
    assert.equal(response.headers["access-control-allow-methods"], "POST");
    assert.equal(response.headers["access-control-allow-headers"], requested);
    assert.equal(response.headers["access-control-expose-headers"], EXPOSED);
    assert.equal(response.headers["access-control-max-age"], "172800");
    assert.equal(response.text, "");
  }
});

test("answers, successes and errors alike, allow any origin and expose the headers clients read", { timeout: 10000 }, async () => {
  const ok = await signedRequest(`${endpoint.url}/listStreams`, { credentials: credentialsOf(endpoint) });
  const denied = await rawHttp(`${endpoint.url}/listStreams`, { body: "{}" });
  const unknown = await rawHttp(`${endpoint.url}/nothing-here`, { body: "{}" });
  for (const response of [ok, denied, unknown]) {
    assert.equal(response.headers["access-control-allow-origin"], "*");
    assert.equal(response.headers["access-control-expose-headers"], EXPOSED);
    assert.ok(response.headers["x-amzn-requestid"]);
    assert.ok(response.headers.date);
  }
  assert.equal(ok.status, 200);
  assert.equal(denied.status, 403);
});
