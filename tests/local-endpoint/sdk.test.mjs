// The AWS SDK for JavaScript v3 talks to the endpoint unchanged: the shared scenario runs
// through @aws-sdk/client-kinesis-video and -signaling, which sign, send and parse every answer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as KinesisVideo from "@aws-sdk/client-kinesis-video";
import * as Signaling from "@aws-sdk/client-kinesis-video-signaling";
import { botocoreModel } from "../support/models.mjs";
import { credentialsOf, REGION, startScenarioEndpoint } from "./helpers.mjs";
import { runScenario } from "./scenario.mjs";

let endpoint;
let elapse;
before(async () => {
  ({ endpoint, elapse } = await startScenarioEndpoint());
}, { timeout: 10000 });
after(() => endpoint.close());

test("a scenario across every control-plane and signaling operation through the AWS SDK", { timeout: 30000 }, async () => {
  const credentials = credentialsOf(endpoint);
  const client = new KinesisVideo.KinesisVideoClient({ endpoint: endpoint.url, region: REGION, credentials, maxAttempts: 1 });
  const succeeded = new Set();
  const send = async (Commands, sdkClient, operation, input) => {
    const output = await sdkClient.send(new Commands[`${operation}Command`](input));
    assert.equal(output.$metadata.httpStatusCode, 200);
    assert.ok(output.$metadata.requestId, "the SDK reads the request id");
    succeeded.add(operation);
    return output;
  };
  const api = {
    call: (operation, input) => send(KinesisVideo, client, operation, input),
    signaling: (operation, input, httpsEndpoint) =>
      send(Signaling, new Signaling.KinesisVideoSignalingClient({ endpoint: httpsEndpoint, region: REGION, credentials, maxAttempts: 1 }), operation, input),
    epochMs: (date) => {
      assert.ok(date instanceof Date, "the SDK parses timestamps into Dates");
      return date.getTime();
    },
  };
  await runScenario(api, { url: endpoint.url, accountId: endpoint.accountId, credentials, elapse });

  const expected = [...Object.keys(botocoreModel("KinesisVideo").operations), ...Object.keys(botocoreModel("Signaling").operations)];
  assert.ok(expected.length > 0);
  assert.deepEqual(expected.filter((operation) => !succeeded.has(operation)), []);
});

test("SDK errors carry the modeled name, message, status and request id", { timeout: 10000 }, async () => {
  const client = new KinesisVideo.KinesisVideoClient({ endpoint: endpoint.url, region: "eu-central-1", credentials: credentialsOf(endpoint), maxAttempts: 1 });
  await assert.rejects(client.send(new KinesisVideo.DescribeStreamCommand({ StreamName: "absent" })), (error) => {
    assert.ok(error instanceof KinesisVideo.ResourceNotFoundException);
    assert.equal(error.message, "The requested stream is not found or not active.");
    assert.equal(error.$metadata.httpStatusCode, 404);
    assert.match(error.$metadata.requestId, /^[0-9a-f-]{36}$/);
    return true;
  });
  // The region of the credential scope is the region of the resources and their ARNs.
  const { StreamARN } = await client.send(new KinesisVideo.CreateStreamCommand({ StreamName: "regional" }));
  assert.match(StreamARN, /^arn:aws:kinesisvideo:eu-central-1:123456789012:stream\/regional\//);
  const other = new KinesisVideo.KinesisVideoClient({ endpoint: endpoint.url, region: REGION, credentials: credentialsOf(endpoint), maxAttempts: 1 });
  await assert.rejects(other.send(new KinesisVideo.DescribeStreamCommand({ StreamName: "regional" })), { name: "ResourceNotFoundException" });

  const stranger = new KinesisVideo.KinesisVideoClient({
    endpoint: endpoint.url,
    region: REGION,
    credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" },
    maxAttempts: 1,
  });
  await assert.rejects(stranger.send(new KinesisVideo.ListStreamsCommand({})), (error) => {
    assert.equal(error.name, "UnrecognizedClientException");
    assert.equal(error.message, "The security token included in the request is invalid.");
    assert.equal(error.$metadata.httpStatusCode, 403);
    return true;
  });
});

test("the SDK's paginators walk the opaque tokens", { timeout: 10000 }, async () => {
  const client = new KinesisVideo.KinesisVideoClient({ endpoint: endpoint.url, region: "ap-south-1", credentials: credentialsOf(endpoint), maxAttempts: 1 });
  for (let i = 0; i < 7; i++) await client.send(new KinesisVideo.CreateSignalingChannelCommand({ ChannelName: `paged-${i}` }));
  const names = [];
  for await (const page of KinesisVideo.paginateListSignalingChannels({ client, pageSize: 3 }, {})) {
    assert.ok(page.ChannelInfoList.length <= 3);
    names.push(...page.ChannelInfoList.map((channel) => channel.ChannelName));
  }
  assert.deepEqual(names, Array.from({ length: 7 }, (_, i) => `paged-${i}`));
});
