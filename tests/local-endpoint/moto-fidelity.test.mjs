// Fidelity with moto: the same calls against moto_server and the local endpoint give the same
// response shapes (key sets of present members, value types) and the same error names, for the
// five operations moto implements. Needs `pip install -r tests/requirements.txt`.
//
// Where moto deviates from the real service, the local endpoint follows the service:
// - moto omits absent members; the service (and the local endpoint) sends them as null, so
//   shapes are compared over the members that have a value;
// - moto's streams are ACTIVE at once and gone at once on delete; the service's are CREATING
//   then ACTIVE, and DELETING then gone, so the local side waits where the service would;
// - moto's Version is 20 lowercase letters, the service's 20 mixed-case alphanumerics;
// - moto's ARNs all end in the same fixed number; the service's end in the creation time in ms;
// - moto adds `__type` to error bodies; the service's modeled errors carry only `Message`;
// - moto's data endpoints are the service's hosts; the local endpoint's point back to itself.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startMoto } from "../support/moto.mjs";
import { credentialsOf, errorName, signedRequest, startTestEndpoint, waitUntil } from "./helpers.mjs";

let moto;
let local;
before(async () => {
  local = await startTestEndpoint();
  moto = await startMoto();
}, { timeout: 40000 });
after(async () => {
  await local?.close();
  await moto?.stop();
});

/** The shape of a JSON value: key sets of members that have a value, and value types. */
function shapeOf(value) {
  if (Array.isArray(value)) return [...new Set(value.map((item) => JSON.stringify(shapeOf(item))))].map((item) => JSON.parse(item));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, item]) => [key, shapeOf(item)]),
    );
  }
  return typeof value;
}

test("the same calls give the same shapes and error names from moto and from the local endpoint", { timeout: 60000 }, async () => {
  const credentials = credentialsOf(local);
  const callOn = (base) => async (path, body) => {
    const response = await signedRequest(`${base}/${path}`, { credentials, body });
    return { status: response.status, error: errorName(response), json: response.json };
  };
  const sides = { moto: callOn(moto.url), local: callOn(local.url) };
  const waitLocal = (check) => waitUntil(async () => check(await sides.local("describeStream", { StreamName: "fidelity-1" })));
  const create = {
    StreamName: "fidelity-1",
    DeviceName: "camera",
    MediaType: "video/h264",
    KmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/0f6e4c1a-0000-4000-8000-000000000000",
    DataRetentionInHours: 24,
  };

  // [path, body, what the local endpoint must wait for first, as a client of the service would]
  const sequence = [
    ["createStream", create],
    ["createStream", create],
    // Every member given: moto does not apply the service's defaults (retention 0, the aws/kinesisvideo key).
    ["createStream", { ...create, StreamName: "fidelity-2" }],
    ["describeStream", { StreamName: "fidelity-1" }, () => waitLocal((r) => r.json.StreamInfo.Status === "ACTIVE")],
    ["describeStream", { StreamName: "missing" }],
    ["listStreams", {}],
    ["getDataEndpoint", { StreamName: "fidelity-1", APIName: "GET_MEDIA" }],
    ["getDataEndpoint", { StreamName: "fidelity-1", APIName: "PUT_MEDIA" }],
    ["getDataEndpoint", { StreamName: "fidelity-1", APIName: "GET_HLS_STREAMING_SESSION_URL" }],
    ["getDataEndpoint", { StreamName: "missing", APIName: "GET_MEDIA" }],
    ["deleteStream", { StreamARN: "from describeStream" }],
    ["describeStream", { StreamName: "fidelity-1" }, () => waitLocal((r) => r.error === "ResourceNotFoundException")],
    ["deleteStream", { StreamARN: "from describeStream" }],
  ];

  const arns = {};
  for (const [index, [path, input, localFirst]] of sequence.entries()) {
    const answers = {};
    for (const [side, call] of Object.entries(sides)) {
      if (side === "local" && localFirst) await localFirst();
      const body = input.StreamARN ? { StreamARN: arns[side] } : input;
      answers[side] = await call(path, body);
      if (path === "describeStream" && answers[side].status === 200) arns[side] = answers[side].json.StreamInfo.StreamARN;
    }
    const where = `step ${index + 1} ${path} ${JSON.stringify(input)}: moto ${JSON.stringify(answers.moto)} local ${JSON.stringify(answers.local)}`;
    assert.equal(answers.local.status, answers.moto.status, where);
    assert.equal(answers.local.error, answers.moto.error, where);
    if (answers.moto.error) {
      assert.equal(typeof answers.moto.json.Message, "string", where);
      assert.deepEqual(Object.keys(answers.local.json), ["Message"], where);
    } else {
      assert.deepEqual(shapeOf(answers.local.json), shapeOf(answers.moto.json), where);
    }
  }

  // Values both agree on, beyond shapes.
  await waitUntil(async () => (await sides.local("describeStream", { StreamName: "fidelity-2" })).json.StreamInfo.Status === "ACTIVE");
  for (const side of ["moto", "local"]) {
    const { json } = await sides[side]("describeStream", { StreamName: "fidelity-2" });
    assert.match(json.StreamInfo.StreamARN, /^arn:aws:kinesisvideo:us-west-2:123456789012:stream\/fidelity-2\/\d{13}$/, side);
    assert.match(json.StreamInfo.Version, /^[A-Za-z0-9]{20}$/, side);
    assert.equal(json.StreamInfo.DataRetentionInHours, 24, side);
    const { DataEndpoint } = (await sides[side]("getDataEndpoint", { StreamName: "fidelity-2", APIName: "GET_CLIP" })).json;
    assert.match(DataEndpoint, /\/\/(b-[0-9a-f]{8}\.kinesisvideo\.us-west-2\.amazonaws\.com|127\.0\.0\.1:\d+\/data\/b-[0-9a-f]{8})$/, side);
  }
});
