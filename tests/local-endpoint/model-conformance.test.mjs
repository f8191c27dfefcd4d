// Every answer of the endpoint checked against botocore's models (tests/support/models.mjs):
// success bodies against the output shape, errors against what the operation declares.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AUTH_ERROR_NAMES } from "./auth.mjs";
import { botocoreModel } from "../support/models.mjs";
import { credentialsOf, checkOutputShape, errorName, signedRequest, startScenarioEndpoint, rawHttp } from "./helpers.mjs";
import { runScenario } from "./scenario.mjs";
import { controlModel } from "./model.mjs";
import { validateInput } from "./validate.mjs";

const controlReference = botocoreModel("KinesisVideo");
const signalingReference = botocoreModel("Signaling");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let endpoint;
let elapse;
before(async () => {
  ({ endpoint, elapse } = await startScenarioEndpoint());
}, { timeout: 10000 });
after(() => endpoint.close());

/** The scenario's client: raw signed requests, every answer kept for checking. */
function recordingApi(answers) {
  const credentials = credentialsOf(endpoint);
  async function send(model, operation, input, base) {
    const response = await signedRequest(base + model.operations[operation].http.requestUri, { body: input, credentials });
    answers.push({ model, operation, response });
    if (response.status === 200) return response.json;
    throw Object.assign(new Error(response.text), { name: errorName(response) });
  }
  return {
    call: (operation, input) => send(controlReference, operation, input, endpoint.url),
    signaling: (operation, input, httpsEndpoint) => send(signalingReference, operation, input, httpsEndpoint),
    epochMs: (seconds) => Math.round(seconds * 1000),
  };
}

function checkAnswer({ model, operation, response }) {
  const spec = model.operations[operation];
  const where = `${operation} → ${response.status} ${response.text}`;
  assert.match(response.headers["x-amzn-requestid"], UUID, where);
  assert.ok(response.headers.date, `${where}: Date header`);
  if (response.status === 200) {
    const problems = spec.output ? checkOutputShape(model, spec.output.shape, response.json) : [];
    assert.deepEqual(problems, [], where);
    return;
  }
  const name = errorName(response);
  const declared = spec.errors.map((error) => error.shape);
  assert.ok(declared.includes(name) || AUTH_ERROR_NAMES.includes(name), `${where}: ${name} is not declared by ${operation}`);
  if (declared.includes(name)) {
    const shape = model.shapes[name];
    assert.equal(response.status, shape.error.httpStatusCode, where);
    const messageKey = Object.keys(shape.members).find((key) => key.toLowerCase() === "message");
    assert.deepEqual(Object.keys(response.json), [messageKey], where);
    assert.equal(typeof response.json[messageKey], "string", where);
  }
}

test("every answer of the scenario matches botocore's output shapes and declared errors", { timeout: 30000 }, async () => {
  const answers = [];
  await runScenario(recordingApi(answers), { url: endpoint.url, accountId: endpoint.accountId, credentials: credentialsOf(endpoint), elapse });
  for (const answer of answers) checkAnswer(answer);

  const succeeded = new Set(answers.filter((a) => a.response.status === 200).map((a) => a.operation));
  const all = [...Object.keys(controlReference.operations), ...Object.keys(signalingReference.operations)];
  assert.ok(Object.keys(controlReference.operations).length > 0);
  assert.deepEqual(all.filter((operation) => !succeeded.has(operation)), [], "every operation answered successfully at least once");
  const failed = new Set(answers.filter((a) => a.response.status !== 200).map((a) => errorName(a.response)));
  for (const name of ["ResourceInUseException", "ResourceNotFoundException", "InvalidArgumentException", "VersionMismatchException",
    "TagsPerResourceExceededLimitException", "NoDataRetentionException", "StreamEdgeConfigurationNotFoundException", "InvalidResourceFormatException"]) {
    assert.ok(failed.has(name), `the scenario provokes ${name}`);
  }
});

test("a validation failure names each violated constraint in the service's words", { timeout: 10000 }, async () => {
  const credentials = credentialsOf(endpoint);
  const response = await signedRequest(`${endpoint.url}/createStream`, {
    credentials,
    body: { StreamName: "a b", DataRetentionInHours: -1, Tags: { "": "x" } },
  });
  assert.equal(response.status, 400);
  assert.equal(errorName(response), "InvalidArgumentException");
  assert.equal(
    response.json.Message,
    "3 validation errors detected: " +
      "Value 'a b' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
      "Value -1 at 'dataRetentionInHours' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
      "Value '' at 'tags.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
  );
  checkAnswer({ model: controlReference, operation: "CreateStream", response });

  const missing = await signedRequest(`${endpoint.url}/updateDataRetention`, { credentials, body: { StreamName: "s" } });
  assert.match(missing.json.Message, /^3 validation errors detected: Value null at 'currentVersion' failed to satisfy constraint: Member must not be null/);
  const notJson = await signedRequest(`${endpoint.url}/listStreams`, { credentials, body: "{not json" });
  assert.equal(errorName(notJson), "InvalidArgumentException");
  const wrongType = await signedRequest(`${endpoint.url}/listStreams`, { credentials, body: { MaxResults: "10" } });
  assert.equal(errorName(wrongType), "InvalidArgumentException");
});

test("the reduced model's constraints are enforced: enums, list sizes, unicode tag patterns, nested required members", { timeout: 10000 }, () => {
  assert.equal(validateInput(controlModel, "GetDataEndpointInput", { StreamName: "s", APIName: "GET_MEDIA" }), null);
  assert.match(validateInput(controlModel, "GetDataEndpointInput", { APIName: "NOPE" }), /Member must satisfy enum value set: \[PUT_MEDIA, GET_MEDIA/);
  assert.equal(validateInput(controlModel, "TagResourceInput", { ResourceARN: "arn:aws:kinesisvideo:us-west-2:1:channel/c/1", Tags: [{ Key: "Café é", Value: "ü" }] }), null);
  assert.match(validateInput(controlModel, "TagResourceInput", { ResourceARN: "arn:aws:kinesisvideo:us-west-2:1:channel/c/1", Tags: [] }), /at 'tags' .*length greater than or equal to 1/);
  assert.match(validateInput(controlModel, "TagResourceInput", { ResourceARN: "arn:aws:kinesisvideo:us-west-2:1:channel/c/1", Tags: [{ Key: "a*b", Value: "" }] }), /tags\.1\.member\.key/);
  assert.match(
    validateInput(controlModel, "StartEdgeConfigurationUpdateInput", { StreamName: "s", EdgeConfig: { HubDeviceArn: "arn:aws:iot:us-west-2:1:thing/t", RecorderConfig: {} } }),
    /Value null at 'edgeConfig\.recorderConfig\.mediaSourceConfig' failed to satisfy constraint: Member must not be null/,
  );
  assert.match(validateInput(controlModel, "ListStreamsInput", { MaxResults: 10001 }), /less than or equal to 10000/);
  // Sensitive values are not echoed back.
  assert.match(
    validateInput(controlModel, "MediaSourceConfig", { MediaUriSecretArn: "not-an-arn-but-long-enough", MediaUriType: "RTSP_URI" }),
    /Value '\*\*\*' at 'mediaUriSecretArn'/,
  );
});

test("an unknown path answers UnknownOperationException as the service does", { timeout: 10000 }, async () => {
  const response = await signedRequest(`${endpoint.url}/describeStreams`, { credentials: credentialsOf(endpoint) });
  assert.equal(response.status, 404);
  assert.deepEqual(response.json, { Output: { __type: "com.amazon.coral.service#UnknownOperationException" }, Version: "1.0" });
  assert.equal(errorName(response), "UnknownOperationException");
  assert.match(response.headers["x-amzn-requestid"], UUID);
  const get = await rawHttp(`${endpoint.url}/describeStream`, { method: "GET" });
  assert.equal(get.status, 404, "operations answer POST only");
});

test("the signaling data plane answers match the signaling model", { timeout: 10000 }, async () => {
  const credentials = credentialsOf(endpoint);
  const create = await signedRequest(`${endpoint.url}/createSignalingChannel`, { credentials, body: { ChannelName: "ice-1" } });
  const channelArn = create.json.ChannelARN;
  const unknown = await signedRequest(`${endpoint.url}/v1/get-ice-server-config`, {
    credentials,
    body: { ChannelARN: channelArn.replace("ice-1", "ice-2") },
  });
  checkAnswer({ model: signalingReference, operation: "GetIceServerConfig", response: unknown });
  assert.equal(errorName(unknown), "ResourceNotFoundException");
  const invalid = await signedRequest(`${endpoint.url}/v1/get-ice-server-config`, { credentials, body: { ChannelARN: channelArn, Service: "STUN" } });
  checkAnswer({ model: signalingReference, operation: "GetIceServerConfig", response: invalid });
  assert.equal(errorName(invalid), "InvalidArgumentException");
});
