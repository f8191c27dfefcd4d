// Differential test: our KinesisVideoClient (and KinesisVideoSignalingClient) against the AWS SDK
// for JavaScript v3 (@aws-sdk/client-kinesis-video and -signaling), for every operation of both
// models, through one loopback server that captures each request and serves canned replies.
//
// Requests: the examples' full and minimal inputs, and full minus one optional member at a time
// (tests/model/examples.json); method, path, content-type and the parsed JSON body must be equal,
// and both requests must carry a SigV4 Authorization that verifies (support/client-capture-server.mjs
// recomputes it with node:crypto) with the same credential scope (service kinesisvideo).
//
// Responses: success bodies generated from the model (support/client-model.mjs: every member,
// fractional epoch timestamps, null members, unknown members and enum values) must give outputs
// that deep-equal the SDK's apart from $metadata; every modeled error of every operation, named
// by x-amzn-ErrorType (plain and with the `:http://internal...` suffix), by the body's `code`, or
// by the body's `__type` (plain and namespaced), must give the SDK's name, message and $fault.
//
// Where our client differs from the SDK by design, the test asserts the difference and says why:
// - `Message` on modeled errors: the SDK's error classes declare `Message`, but its
//   decorateServiceException deletes it after copying it to `message`, so `err.Message` is always
//   undefined there. Our contract keeps `Message` (the body's value) beside `message`.
// - An error body without any message: the SDK's `message` is its placeholder "UnknownError"; ours
//   names the status ("HTTP 404 error"), which says more. Both keep the right name and $fault.
// - null elements of lists and null values of maps in a success body: the SDK keeps them (its
//   output then breaks its own types, whose lists hold no nulls); ours drops them, as it drops
//   null members. The service does not send them; the outputs are compared without those nulls.
// - Unknown members of an error body: the SDK copies every body member onto the error object;
//   ours keeps only the contract's properties.
//
// Both clients run with maxAttempts 1, so 5xx and throttling errors are not retried here (the
// retry behaviour has its own fault-injection tests).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as sdkVideo from "@aws-sdk/client-kinesis-video";
import * as sdkSignaling from "@aws-sdk/client-kinesis-video-signaling";
import { KinesisVideoClient, KinesisVideoSignalingClient } from "../../pkg/node.js";
import { startCaptureServer, verifySigV4 } from "./support/client-capture-server.mjs";
import { botocoreModel } from "../support/models.mjs";
import { errorMessageMember, errorStatus, operationsOf, requestInputs, successBodies } from "./support/client-model.mjs";

const REGION = "us-west-2";
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLEDIFFERENTIAL", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const TEST_TIMEOUT = 30000;
const OPERATIONS = [...operationsOf("KinesisVideo"), ...operationsOf("Signaling")];

let server;
const clients = {};

before(async () => {
  server = await startCaptureServer();
  const endpoint = server.url;
  clients.ours = {
    KinesisVideo: new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint, maxAttempts: 1, requestTimeoutMs: 10000 }),
    Signaling: new KinesisVideoSignalingClient({ region: REGION, credentials: CREDENTIALS, endpoint, maxAttempts: 1, requestTimeoutMs: 10000 }),
  };
  clients.sdk = {
    KinesisVideo: new sdkVideo.KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint, maxAttempts: 1 }),
    Signaling: new sdkSignaling.KinesisVideoSignalingClient({ region: REGION, credentials: CREDENTIALS, endpoint, maxAttempts: 1 }),
  };
}, { timeout: TEST_TIMEOUT });

after(async () => {
  clients.sdk?.KinesisVideo.destroy();
  clients.sdk?.Signaling.destroy();
  await server?.close();
}, { timeout: TEST_TIMEOUT });

/** Runs a promise to completion: { ok: true, value } or { ok: false, error }. */
const settle = (promise) => promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));

function callOurs(op, input) {
  return settle(Promise.resolve().then(() => clients.ours[op.service][op.method](input)));
}

function callSdk(op, input) {
  const sdk = op.service === "KinesisVideo" ? sdkVideo : sdkSignaling;
  const Command = sdk[`${op.name}Command`];
  assert.equal(typeof Command, "function", `the SDK has no ${op.name}Command`);
  return settle(clients.sdk[op.service].send(new Command(input)));
}

/** Calls both clients with the same input and reply; returns { ours, sdk, requests: { ours, sdk } }. */
async function callBoth(op, input, reply = { status: 200, body: "{}" }) {
  server.take();
  server.setReply(reply);
  const ours = await callOurs(op, input);
  const oursRequests = server.take();
  const sdk = await callSdk(op, input);
  const sdkRequests = server.take();
  return { ours, sdk, requests: { ours: oursRequests, sdk: sdkRequests } };
}

const describeError = (error) => (error ? `${error.name}: ${error.message}` : String(error));

/** An output without $metadata, as a plain JSON-like value (Dates kept) for deep comparison. */
function withoutMetadata(output) {
  const { $metadata, ...rest } = output;
  assert.equal(typeof $metadata, "object", "the output has $metadata");
  return plain(rest);
}

function plain(value) {
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** The value with null elements of arrays and null members/entries of objects removed. */
function withoutNulls(value) {
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(withoutNulls);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

/** True when the value contains null/undefined anywhere (outputs must drop them). */
function containsNullish(value) {
  if (value === null || value === undefined) return true;
  if (value instanceof Date) return false;
  if (Array.isArray(value)) return value.some(containsNullish);
  if (typeof value === "object") return Object.values(value).some(containsNullish);
  return false;
}

test("every operation of the control-plane and signaling models has examples and a method on our client", () => {
  for (const service of ["KinesisVideo", "Signaling"]) {
    const names = OPERATIONS.filter((op) => op.service === service).map((op) => op.name);
    assert.ok(names.length > 0, service);
    assert.deepEqual(names.toSorted(), Object.keys(botocoreModel(service).operations).toSorted(), `the ${service} operations tested are botocore's`);
  }
  for (const op of OPERATIONS) {
    assert.equal(typeof clients.ours[op.service][op.method], "function", `our ${op.service} client has ${op.method}()`);
    assert.ok(requestInputs(op).length >= 2 && successBodies(op).length > 0, op.name);
  }
});

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

describe("requests: same method, path, content-type, JSON body and a valid SigV4 signature as the SDK", () => {
  for (const op of OPERATIONS) {
    test(`${op.service}.${op.name}`, { timeout: TEST_TIMEOUT }, async () => {
      for (const [label, input] of requestInputs(op)) {
        const at = `${op.name} (${label} input ${JSON.stringify(input)})`;
        const { ours, sdk, requests } = await callBoth(op, structuredClone(input));
        assert.ok(sdk.ok, `${at}: the SDK call failed: ${describeError(sdk.error)}`);
        assert.ok(ours.ok, `${at}: our call failed: ${describeError(ours.error)}`);
        assert.equal(requests.ours.length, 1, `${at}: our client sent ${requests.ours.length} requests`);
        assert.equal(requests.sdk.length, 1, `${at}: the SDK sent ${requests.sdk.length} requests`);
        const [o, s] = [requests.ours[0], requests.sdk[0]];
        assert.equal(o.method, s.method, `${at}: method`);
        assert.equal(o.method, op.httpMethod, `${at}: method is the model's`);
        assert.equal(o.path, s.path, `${at}: path`);
        assert.equal(o.path, op.requestUri, `${at}: path is the model's requestUri`);
        assert.equal(o.url, s.url, `${at}: path and query`);
        assert.equal(o.headers["content-type"], s.headers["content-type"], `${at}: content-type`);
        assert.equal(o.headers["content-type"], "application/json", `${at}: content-type`);
        assert.deepEqual(JSON.parse(o.body), JSON.parse(s.body), `${at}: JSON body (ours ${o.body}, SDK ${s.body})`);
        // Only the members set are sent: the body is the input itself.
        assert.deepEqual(JSON.parse(o.body), input, `${at}: our body is exactly the input`);
        for (const [who, request] of [["ours", o], ["SDK", s]]) {
          const check = verifySigV4(request, CREDENTIALS.secretAccessKey);
          assert.ok(check.ok, `${at}: ${who} request's SigV4 signature does not verify: ${check.reason}`);
          assert.equal(check.auth.accessKeyId, CREDENTIALS.accessKeyId, `${at}: ${who} access key`);
          assert.equal(check.auth.service, "kinesisvideo", `${at}: ${who} signing service`);
          assert.equal(check.auth.region, REGION, `${at}: ${who} signing region`);
          assert.ok(check.auth.signedHeaders.includes("content-type"), `${at}: ${who} signs content-type`);
        }
        assert.equal(verifySigV4(o, CREDENTIALS.secretAccessKey).auth.scope, verifySigV4(s, CREDENTIALS.secretAccessKey).auth.scope, `${at}: credential scope`);
      }
    });
  }

  test("a session token is sent as x-amz-security-token and signed, as the SDK does", { timeout: TEST_TIMEOUT }, async () => {
    const credentials = { ...CREDENTIALS, sessionToken: "FQoGZXIvYXdzEXAMPLE//session+token=" };
    const ours = new KinesisVideoClient({ region: REGION, credentials, endpoint: server.url, maxAttempts: 1 });
    const sdk = new sdkVideo.KinesisVideoClient({ region: REGION, credentials, endpoint: server.url, maxAttempts: 1 });
    try {
      server.take();
      server.setReply({ status: 200, body: "{}" });
      await ours.describeStream({ StreamName: "front-door" });
      await sdk.send(new sdkVideo.DescribeStreamCommand({ StreamName: "front-door" }));
      const [o, s] = server.take();
      for (const [who, request] of [["ours", o], ["SDK", s]]) {
        assert.equal(request.headers["x-amz-security-token"], credentials.sessionToken, `${who}: token header`);
        const check = verifySigV4(request, credentials.secretAccessKey);
        assert.ok(check.ok, `${who}: ${check.reason}`);
        assert.ok(check.auth.signedHeaders.includes("x-amz-security-token"), `${who}: the token is signed`);
      }
    } finally {
      sdk.destroy();
    }
  });

  test("the SigV4 check of this file rejects a tampered request (harness check)", { timeout: TEST_TIMEOUT }, async () => {
    server.take();
    server.setReply({ status: 200, body: "{}" });
    await clients.ours.KinesisVideo.describeStream({ StreamName: "front-door" });
    const [request] = server.take();
    assert.ok(verifySigV4(request, CREDENTIALS.secretAccessKey).ok);
    assert.equal(verifySigV4(request, `${CREDENTIALS.secretAccessKey}x`).ok, false, "wrong secret");
    assert.equal(verifySigV4({ ...request, body: request.body.replace("front", "back") }, CREDENTIALS.secretAccessKey).ok, false, "changed body");
    assert.equal(verifySigV4({ ...request, url: "/describeStreams", path: "/describeStreams" }, CREDENTIALS.secretAccessKey).ok, false, "changed path");
    const rawHeaders = request.rawHeaders.map((v, i) => (i % 2 === 1 && /^host$/i.test(request.rawHeaders[i - 1]) ? "127.0.0.1:1" : v));
    assert.equal(verifySigV4({ ...request, rawHeaders }, CREDENTIALS.secretAccessKey).ok, false, "changed host");
  });

  test("a credentials provider function signs with the keys it returns", { timeout: TEST_TIMEOUT }, async () => {
    const provided = { accessKeyId: "AKIDPROVIDED", secretAccessKey: "provided/secret" };
    const ours = new KinesisVideoClient({ region: REGION, credentials: async () => provided, endpoint: server.url, maxAttempts: 1 });
    const sdk = new sdkVideo.KinesisVideoClient({ region: REGION, credentials: async () => provided, endpoint: server.url, maxAttempts: 1 });
    try {
      server.take();
      server.setReply({ status: 200, body: "{}" });
      await ours.listStreams({});
      await sdk.send(new sdkVideo.ListStreamsCommand({}));
      const [o, s] = server.take();
      for (const [who, request] of [["ours", o], ["SDK", s]]) {
        const check = verifySigV4(request, provided.secretAccessKey);
        assert.ok(check.ok, `${who}: ${check.reason}`);
        assert.equal(check.auth.accessKeyId, provided.accessKeyId, `${who}: access key`);
      }
    } finally {
      sdk.destroy();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Success responses
// ---------------------------------------------------------------------------------------------

describe("success responses: our output deep-equals the SDK's apart from $metadata", () => {
  for (const op of OPERATIONS) {
    test(`${op.service}.${op.name}`, { timeout: TEST_TIMEOUT }, async () => {
      const input = requestInputs(op)[1][1];
      for (const [label, body, notes = {}] of successBodies(op)) {
        const at = `${op.name} (${label}: ${JSON.stringify(body)})`;
        const { ours, sdk } = await callBoth(op, structuredClone(input), { status: 200, headers: { "x-amzn-requestid": "req-success" }, body });
        assert.ok(sdk.ok, `${at}: the SDK call failed: ${describeError(sdk.error)}`);
        assert.ok(ours.ok, `${at}: our call failed: ${describeError(ours.error)}`);
        if (notes.nullElements && containsNullish(withoutMetadata(sdk.value))) {
          // By design: the SDK keeps null elements of (dense) lists and null values of maps; ours
          // drops them as it drops null members. Apart from those nulls the outputs are equal.
          assert.deepEqual(withoutMetadata(ours.value), withoutNulls(withoutMetadata(sdk.value)), at);
        } else {
          assert.deepEqual(withoutMetadata(ours.value), withoutMetadata(sdk.value), at);
        }
        assert.ok(!containsNullish(withoutMetadata(ours.value)), `${at}: our output has no null or undefined members`);
        const [om, sm] = [ours.value.$metadata, sdk.value.$metadata];
        assert.equal(om.httpStatusCode, 200, `${at}: httpStatusCode`);
        assert.equal(om.requestId, sm.requestId, `${at}: requestId`);
        assert.equal(om.attempts, 1, `${at}: attempts`);
        assert.equal(om.totalRetryDelay, 0, `${at}: totalRetryDelay`);
      }
    });
  }

  test("an empty body and a `{}` body give an output with only $metadata, as in the SDK", { timeout: TEST_TIMEOUT }, async () => {
    const op = OPERATIONS.find((o) => o.name === "DeleteStream");
    const input = requestInputs(op)[1][1];
    for (const body of ["", "{}"]) {
      const { ours, sdk } = await callBoth(op, input, { status: 200, body });
      assert.ok(ours.ok && sdk.ok, `body ${JSON.stringify(body)}: ${describeError(ours.error ?? sdk.error)}`);
      assert.deepEqual(withoutMetadata(ours.value), withoutMetadata(sdk.value));
      assert.deepEqual(withoutMetadata(ours.value), {});
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Error responses
// ---------------------------------------------------------------------------------------------

const INTERNAL_SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.kinesisvideo/";

/** The ways a service names an error: [label, headers, extra body members]. */
function errorForms(name) {
  return [
    ["x-amzn-ErrorType", { "x-amzn-ErrorType": name }, {}],
    ["x-amzn-ErrorType with the :http://internal suffix", { "x-amzn-ErrorType": `${name}${INTERNAL_SUFFIX}` }, {}],
    ["body code", {}, { code: name }],
    ["body __type", {}, { __type: name }],
    ["body __type with a namespace", {}, { __type: `com.amazonaws.kinesisvideo#${name}` }],
    ["body __type with a namespace and the :http suffix", {}, { __type: `com.amazonaws.kinesisvideo#${name}${INTERNAL_SUFFIX}` }],
  ];
}

function assertSameError(at, ours, sdk, { status, messageMember, messageValue }) {
  assert.ok(!sdk.ok, `${at}: the SDK call did not fail`);
  assert.ok(!ours.ok, `${at}: our call did not fail: ${JSON.stringify(ours.value)}`);
  const [o, s] = [ours.error, sdk.error];
  assert.ok(o instanceof Error, `${at}: our rejection is an Error`);
  assert.equal(o.name, s.name, `${at}: name`);
  assert.equal(o.message, s.message, `${at}: message`);
  assert.equal(o.$fault, s.$fault, `${at}: $fault`);
  assert.equal(o.$metadata?.httpStatusCode, status, `${at}: our $metadata.httpStatusCode`);
  assert.equal(o.$metadata.httpStatusCode, s.$metadata.httpStatusCode, `${at}: httpStatusCode`);
  assert.equal(o.$metadata.requestId, s.$metadata.requestId, `${at}: requestId`);
  assert.equal(o.$metadata.attempts, 1, `${at}: attempts`);
  // By design (see the top of this file): the SDK deletes `Message` from its errors; ours keeps
  // the body's `Message`.
  assert.equal(s.Message, undefined, `${at}: the SDK's err.Message (deleted by decorateServiceException)`);
  if (messageMember === "Message") assert.equal(o.Message, messageValue, `${at}: our err.Message is the body's Message`);
}

describe("modeled errors: our rejection has the SDK's name, message and $fault", () => {
  for (const op of OPERATIONS) {
    test(`${op.service}.${op.name}: ${op.errors.join(", ")}`, { timeout: TEST_TIMEOUT }, async () => {
      assert.ok(op.errors.length > 0, `${op.name} has modeled errors`);
      const input = requestInputs(op)[1][1];
      for (const name of op.errors) {
        const status = errorStatus(op.service, name);
        const messageMember = errorMessageMember(op.service, name);
        const messageValue = `${name} from ${op.name}: details (with "quotes" and ünicode)`;
        for (const [form, headers, extra] of errorForms(name)) {
          const at = `${op.name} ${name} (${status}, ${form})`;
          const body = { ...extra, [messageMember]: messageValue };
          const { ours, sdk } = await callBoth(op, input, { status, headers: { "x-amzn-requestid": `req-${name}`, ...headers }, body });
          assertSameError(at, ours, sdk, { status, messageMember, messageValue });
          assert.equal(ours.error.name, name, `${at}: name is the modeled one`);
          assert.equal(ours.error.message, messageValue, `${at}: message is the body's`);
          assert.equal(ours.error.$fault, "client", `${at}: $fault of a ${status}`);
        }
      }
    });
  }
});

describe("other error responses compared with the SDK", () => {
  const op = OPERATIONS.find((x) => x.name === "DescribeStream");
  const input = { StreamName: "front-door" };

  test("a lowercase `message` member gives the same message", { timeout: TEST_TIMEOUT }, async () => {
    const { ours, sdk } = await callBoth(op, input, { status: 404, headers: { "x-amzn-ErrorType": "ResourceNotFoundException" }, body: { message: "lower" } });
    assertSameError("lowercase message", ours, sdk, { status: 404, messageMember: "message", messageValue: "lower" });
    assert.equal(ours.error.message, "lower");
  });

  test("the header wins over the body's code and __type, as in the SDK", { timeout: TEST_TIMEOUT }, async () => {
    const { ours, sdk } = await callBoth(op, input, {
      status: 400,
      headers: { "x-amzn-ErrorType": "InvalidArgumentException" },
      body: { code: "ResourceInUseException", __type: "NotAuthorizedException", Message: "m" },
    });
    assertSameError("header and body", ours, sdk, { status: 400, messageMember: "Message", messageValue: "m" });
    assert.equal(ours.error.name, "InvalidArgumentException");
  });

  test("the body's code wins over __type, as in the SDK", { timeout: TEST_TIMEOUT }, async () => {
    const { ours, sdk } = await callBoth(op, input, { status: 400, body: { code: "ResourceNotFoundException", __type: "NotAuthorizedException", Message: "m" } });
    assertSameError("code and __type", ours, sdk, { status: 400, messageMember: "Message", messageValue: "m" });
    assert.equal(ours.error.name, "ResourceNotFoundException");
  });

  test("an error the service models but this operation does not list: same name, message and $fault", { timeout: TEST_TIMEOUT }, async () => {
    assert.ok(!op.errors.includes("ResourceInUseException"));
    for (const [form, headers, extra] of errorForms("ResourceInUseException")) {
      const { ours, sdk } = await callBoth(op, input, { status: 400, headers, body: { ...extra, Message: "in use" } });
      assert.ok(!ours.ok && !sdk.ok, form);
      for (const key of ["name", "message", "$fault"]) assert.equal(ours.error[key], sdk.error[key], `${form}: ${key}`);
      assert.equal(ours.error.name, "ResourceInUseException", form);
      assert.equal(ours.error.$metadata.httpStatusCode, 400, form);
    }
  });

  for (const [status, fault] of [[400, "client"], [500, "server"], [503, "server"]]) {
    test(`an error name the model does not know (${status}) keeps its name; $fault ${fault}`, { timeout: TEST_TIMEOUT }, async () => {
      const { ours, sdk } = await callBoth(op, input, { status, headers: { "x-amzn-ErrorType": "SomeNewServiceException" }, body: { Message: "new" } });
      assert.ok(!ours.ok && !sdk.ok);
      for (const key of ["name", "message", "$fault"]) assert.equal(ours.error[key], sdk.error[key], key);
      assert.equal(ours.error.name, "SomeNewServiceException");
      assert.equal(ours.error.$fault, fault);
      assert.equal(ours.error.$metadata.httpStatusCode, status);
    });
  }

  test("a modeled error without a message: same name and $fault; the message differs by design", { timeout: TEST_TIMEOUT }, async () => {
    for (const body of ["{}", ""]) {
      const { ours, sdk } = await callBoth(op, input, { status: 404, headers: { "x-amzn-ErrorType": "ResourceNotFoundException" }, body });
      assert.ok(!ours.ok && !sdk.ok);
      assert.equal(ours.error.name, sdk.error.name);
      assert.equal(ours.error.$fault, sdk.error.$fault);
      assert.equal(ours.error.$metadata.httpStatusCode, 404);
      // The SDK fills in the placeholder "UnknownError"; ours names the status (documented above).
      assert.equal(sdk.error.message, "UnknownError");
      assert.notEqual(ours.error.message, "");
      assert.match(ours.error.message, /404/);
    }
  });

  test("unknown members of an error body: the SDK copies them onto the error, ours does not (by design)", { timeout: TEST_TIMEOUT }, async () => {
    const { ours, sdk } = await callBoth(op, input, {
      status: 400,
      headers: { "x-amzn-ErrorType": "InvalidArgumentException" },
      body: { Message: "m", ExtraDetail: "x" },
    });
    assertSameError("extra member", ours, sdk, { status: 400, messageMember: "Message", messageValue: "m" });
    assert.equal(sdk.error.ExtraDetail, "x");
    assert.equal(ours.error.ExtraDetail, undefined);
  });
});
