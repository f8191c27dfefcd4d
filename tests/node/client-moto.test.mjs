// Live test of KinesisVideoClient against moto_server (PyPI moto[server], tests/requirements.txt)
// on 127.0.0.1, with moto's signature verification on: moto is started with
// INITIAL_NO_AUTH_ACTION_COUNT=0, an IAM user with an access key is created in moto (see
// support/client-moto.mjs for how), and every call of these tests is then checked by moto, which
// recomputes the SigV4 signature with botocore. Covers the stream operations moto implements:
// CreateStream, DescribeStream, ListStreams (and paginateListStreams), GetDataEndpoint and
// DeleteStream, and what a wrong secret or an unknown key gives.
//
// moto's answer to a bad signature is an XML error page (403, <Code>SignatureDoesNotMatch</Code>),
// where the service answers JSON (InvalidSignatureException). Our client does not read XML error
// bodies: the contract asks for a clean error with the status for a non-JSON body, which is what
// is asserted (name UnknownError; SignatureDoesNotMatch is accepted too should XML codes be read
// one day). The AWS SDK rejects the same answer with a SyntaxError (asserted below for contrast).
//
// If moto cannot start, the tests fail with moto's output: they are never skipped.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as sdk from "@aws-sdk/client-kinesis-video";
import { KinesisVideoClient, paginateListStreams, signRequest } from "../../pkg/node.js";
import { createIamUser, iamAction, startMoto } from "./support/client-moto.mjs";

const REGION = "us-west-2";
const ACCOUNT = "123456789012"; // moto's default account, where the IAM user is created
const TEST_TIMEOUT = 60000;
const RUN = Date.now().toString(36);

let moto;
let user;
let client;

before(async () => {
  moto = await startMoto({ timeoutMs: 40000 });
  user = await createIamUser(moto.url, signRequest, `kvs-client-test-${RUN}`);
  client = new KinesisVideoClient({
    region: REGION,
    credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    endpoint: moto.url,
    requestTimeoutMs: 15000,
  });
}, { timeout: 60000 });

after(async () => {
  await moto?.stop();
}, { timeout: 15000 });

const settle = (promise) => promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));

const streamArnPattern = (name) => new RegExp(`^arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/${name.replace(/[.]/g, "\\.")}/\\d+$`);

function assertMetadata(metadata, status = 200) {
  assert.equal(typeof metadata, "object");
  assert.equal(metadata.httpStatusCode, status);
  assert.equal(typeof metadata.requestId, "string", "moto's x-amzn-requestid");
  assert.ok(metadata.requestId.length > 0);
  assert.equal(metadata.attempts, 1);
  assert.equal(metadata.totalRetryDelay, 0);
}

function assertRecentDate(value, startedAt) {
  assert.ok(value instanceof Date, `a Date, got ${value}`);
  assert.ok(!Number.isNaN(value.getTime()), "a valid Date");
  // moto stamps CreationTime with its own clock, on this machine.
  assert.ok(value.getTime() >= startedAt - 60000 && value.getTime() <= Date.now() + 60000, `CreationTime ${value.toISOString()} is now`);
}

test("moto checks signatures: a key it does not know is refused with a 403 error object", { timeout: TEST_TIMEOUT }, async () => {
  // Moto answers these through its IAM check, which only runs when authentication is on.
  const iam = await iamAction(moto.url, signRequest, { accessKeyId: "AKIANOTAMOTOUSER0000", secretAccessKey: "x" }, { Action: "ListUsers" });
  assert.equal(iam.status, 403, iam.text);
  assert.match(iam.text, /InvalidClientTokenId/);

  const stranger = new KinesisVideoClient({ region: REGION, credentials: { accessKeyId: "AKIANOTAMOTOUSER0000", secretAccessKey: user.secretAccessKey }, endpoint: moto.url });
  const result = await settle(stranger.listStreams({}));
  assert.equal(result.ok, false, "an unknown key must be refused");
  const { error } = result;
  assert.ok(error instanceof Error);
  assert.ok(["UnknownError", "InvalidClientTokenId"].includes(error.name), `name ${error.name}: ${error.message}`);
  assert.equal(error.$fault, "client");
  assert.equal(error.$metadata.httpStatusCode, 403);
  assert.equal(error.$metadata.attempts, 1, "a 403 is not retried");
});

test("CreateStream, DescribeStream, ListStreams, paginateListStreams, GetDataEndpoint and DeleteStream, signed and checked by moto", { timeout: TEST_TIMEOUT }, async () => {
  const startedAt = Date.now();
  const names = [`cam-a-${RUN}`, `cam_b.${RUN}`];

  // CreateStream: the full set of members moto reads.
  const created = await client.createStream({
    StreamName: names[0],
    DeviceName: "front-door-device",
    MediaType: "video/h264",
    DataRetentionInHours: 24,
    Tags: { team: "video", env: "test" },
  });
  assert.deepEqual(Object.keys(created).sort(), ["$metadata", "StreamARN"]);
  assert.match(created.StreamARN, streamArnPattern(names[0]));
  assertMetadata(created.$metadata);

  // A second stream, with only the required member and a provider function for credentials.
  const viaProvider = new KinesisVideoClient({
    region: REGION,
    credentials: async () => ({ accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }),
    endpoint: moto.url,
  });
  const second = await viaProvider.createStream({ StreamName: names[1] });
  assert.match(second.StreamARN, streamArnPattern(names[1]));

  // DescribeStream by name and by ARN.
  const byName = await client.describeStream({ StreamName: names[0] });
  assertMetadata(byName.$metadata);
  const info = byName.StreamInfo;
  assert.equal(info.StreamName, names[0]);
  assert.equal(info.StreamARN, created.StreamARN);
  assert.equal(info.DeviceName, "front-door-device");
  assert.equal(info.MediaType, "video/h264");
  assert.equal(info.DataRetentionInHours, 24);
  assert.equal(info.Status, "ACTIVE", "moto's streams are ACTIVE at once");
  assert.equal(typeof info.Version, "string");
  assert.ok(info.Version.length > 0);
  assertRecentDate(info.CreationTime, startedAt);
  for (const [key, value] of Object.entries(info)) assert.ok(value !== null && value !== undefined, `StreamInfo.${key} is present`);

  const byArn = await client.describeStream({ StreamARN: created.StreamARN });
  assert.deepEqual(byArn.StreamInfo, info);

  // The AWS SDK, with the same key against the same moto, reads the same StreamInfo.
  const sdkClient = new sdk.KinesisVideoClient({ region: REGION, credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }, endpoint: moto.url, maxAttempts: 1 });
  try {
    const sdkOut = await sdkClient.send(new sdk.DescribeStreamCommand({ StreamName: names[0] }));
    assert.deepEqual({ ...byName.StreamInfo }, { ...sdkOut.StreamInfo });
  } finally {
    sdkClient.destroy();
  }

  // ListStreams: both streams, same StreamInfo as DescribeStream; with a name condition.
  const listed = await client.listStreams({});
  assertMetadata(listed.$metadata);
  assert.ok(Array.isArray(listed.StreamInfoList));
  assert.equal(listed.NextToken, undefined, "moto sends NextToken null: dropped");
  const ours = listed.StreamInfoList.filter((s) => names.includes(s.StreamName));
  assert.deepEqual(ours.map((s) => s.StreamName).sort(), [...names].sort());
  assert.deepEqual(ours.find((s) => s.StreamName === names[0]), info);
  for (const s of ours) {
    assert.match(s.StreamARN, streamArnPattern(s.StreamName));
    assertRecentDate(s.CreationTime, startedAt);
  }
  const conditional = await client.listStreams({ MaxResults: 5, StreamNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "cam" } });
  assert.ok(Array.isArray(conditional.StreamInfoList));

  // paginateListStreams: moto returns everything in one page without a NextToken; the
  // paginator stops there, with or without a page size.
  for (const options of [undefined, { pageSize: 1 }]) {
    const pages = [];
    for await (const page of paginateListStreams(client, {}, options)) {
      pages.push(page);
      assert.ok(pages.length < 5, "the paginator stops");
    }
    assert.equal(pages.length, 1, `one page (options ${JSON.stringify(options)})`);
    assertMetadata(pages[0].$metadata);
    const paged = pages.flatMap((p) => p.StreamInfoList ?? []);
    assert.deepEqual(paged.filter((s) => names.includes(s.StreamName)).map((s) => s.StreamName).sort(), [...names].sort());
  }

  // GetDataEndpoint, by name and by ARN, for several APIs.
  for (const APIName of ["PUT_MEDIA", "GET_MEDIA", "GET_HLS_STREAMING_SESSION_URL"]) {
    for (const target of [{ StreamName: names[0] }, { StreamARN: created.StreamARN }]) {
      const endpoint = await client.getDataEndpoint({ ...target, APIName });
      assertMetadata(endpoint.$metadata);
      assert.match(endpoint.DataEndpoint, /^https:\/\/[a-z0-9-]+\.kinesisvideo\.us-west-2\.amazonaws\.com$/, `${APIName} ${JSON.stringify(target)}`);
    }
  }

  // DeleteStream (with the current version), then the stream is gone.
  const deleted = await client.deleteStream({ StreamARN: created.StreamARN, CurrentVersion: info.Version });
  assert.deepEqual(Object.keys(deleted), ["$metadata"]);
  assertMetadata(deleted.$metadata);
  const gone = await settle(client.describeStream({ StreamName: names[0] }));
  assert.equal(gone.ok, false);
  assert.equal(gone.error.name, "ResourceNotFoundException");
  assert.equal(gone.error.$fault, "client");
  assert.equal(gone.error.$metadata.httpStatusCode, 404);
  const afterDelete = await client.listStreams({});
  assert.deepEqual(afterDelete.StreamInfoList?.filter((s) => names.includes(s.StreamName)).map((s) => s.StreamName) ?? [], [names[1]]);

  await client.deleteStream({ StreamARN: second.StreamARN });
});

test("moto's modeled errors through the checked path: ResourceInUseException, ResourceNotFoundException", { timeout: TEST_TIMEOUT }, async () => {
  const name = `dup-${RUN}`;
  const { StreamARN } = await client.createStream({ StreamName: name });
  try {
    const dup = await settle(client.createStream({ StreamName: name }));
    assert.equal(dup.ok, false);
    assert.equal(dup.error.name, "ResourceInUseException");
    assert.match(dup.error.message, new RegExp(name));
    assert.equal(dup.error.Message, dup.error.message);
    assert.equal(dup.error.$fault, "client");
    assert.equal(dup.error.$metadata.httpStatusCode, 400);
    assert.equal(dup.error.$metadata.attempts, 1, "not retried");
  } finally {
    await client.deleteStream({ StreamARN });
  }
  const missing = await settle(client.getDataEndpoint({ StreamName: `missing-${RUN}`, APIName: "GET_MEDIA" }));
  assert.equal(missing.ok, false);
  assert.equal(missing.error.name, "ResourceNotFoundException");
  assert.equal(missing.error.$metadata.httpStatusCode, 404);
  const missingDelete = await settle(client.deleteStream({ StreamARN: `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/missing-${RUN}/1` }));
  assert.equal(missingDelete.ok, false);
  assert.equal(missingDelete.error.name, "ResourceNotFoundException");
});

test("a wrong secret gives a rejected promise with a 403 error object, not a crash, for every operation", { timeout: TEST_TIMEOUT }, async () => {
  const wrong = new KinesisVideoClient({
    region: REGION,
    credentials: { accessKeyId: user.accessKeyId, secretAccessKey: `${user.secretAccessKey}x` },
    endpoint: moto.url,
  });
  const arn = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/never-${RUN}/1`;
  const calls = [
    ["createStream", { StreamName: `never-${RUN}` }],
    ["describeStream", { StreamName: `never-${RUN}` }],
    ["listStreams", {}],
    ["getDataEndpoint", { StreamName: `never-${RUN}`, APIName: "PUT_MEDIA" }],
    ["deleteStream", { StreamARN: arn }],
  ];
  for (const [method, input] of calls) {
    const result = await settle(wrong[method](input));
    assert.equal(result.ok, false, `${method} with a wrong secret must be refused`);
    const { error } = result;
    assert.ok(error instanceof Error, `${method}: an Error`);
    assert.ok(["UnknownError", "SignatureDoesNotMatch"].includes(error.name), `${method}: name ${error.name}: ${error.message}`);
    assert.equal(typeof error.message, "string");
    assert.ok(error.message.length > 0);
    assert.equal(error.$fault, "client");
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.equal(typeof error.$metadata.requestId, "string");
    assert.equal(error.$metadata.attempts, 1, `${method}: a 403 is not retried (default maxAttempts)`);
  }
  // Nothing was created with the wrong secret.
  const listed = await client.listStreams({});
  assert.ok(!(listed.StreamInfoList ?? []).some((s) => s.StreamName === `never-${RUN}`));

  // For contrast: the AWS SDK fails to parse moto's XML answer and rejects with a SyntaxError.
  const sdkWrong = new sdk.KinesisVideoClient({ region: REGION, credentials: { accessKeyId: user.accessKeyId, secretAccessKey: `${user.secretAccessKey}x` }, endpoint: moto.url, maxAttempts: 1 });
  try {
    const sdkResult = await settle(sdkWrong.send(new sdk.ListStreamsCommand({})));
    assert.equal(sdkResult.ok, false);
    assert.equal(sdkResult.error.name, "SyntaxError");
    assert.equal(sdkResult.error.$metadata.httpStatusCode, 403);
  } finally {
    sdkWrong.destroy();
  }
});

test("the right key still works after the refused calls", { timeout: TEST_TIMEOUT }, async () => {
  const listed = await client.listStreams({});
  assertMetadata(listed.$metadata);
});
