// The load workload, runtime-independent: run by tests/load/load.test.mjs in Node and, bundled
// by esbuild, in a Chromium page. One round starts `concurrency` mixed operations at once on one
// client and waits for all of them; each output is checked.

export const REGION = "us-east-1";
/** The local endpoint's fixed credentials (tests/local-endpoint/README.md). */
export const CREDENTIALS = { accessKeyId: "AKIAKVSLOCAL00000000", secretAccessKey: "kvs-local-secret" };

/**
 * Adapters from one call shape, `call(method, input)`, to each client: ours has a method per
 * operation; the AWS SDK sends a Command named after it.
 */
export const oursApi = (client) => (method, input) => client[method](input);
export const sdkApi = (client, sdk) => (method, input) => {
  const Command = sdk[`${method[0].toUpperCase()}${method.slice(1)}Command`];
  return client.send(new Command(input));
};

/** Makes the stream and channel every round reads, for `side` (each client has its own). */
export async function prepare(call, side) {
  const stream = `load-${side}-stream`;
  const channel = `load-${side}-channel`;
  const { StreamARN } = await call("createStream", { StreamName: stream, DataRetentionInHours: 24 });
  const { ChannelARN } = await call("createSignalingChannel", { ChannelName: channel });
  return { side, stream, channel, streamArn: StreamARN, channelArn: ChannelARN };
}

const expect = (ok, what, out) => {
  if (!ok) throw new Error(`${what}: unexpected output ${JSON.stringify(out).slice(0, 300)}`);
};

/** The mix: reads, tag writes, and streams created and deleted; each entry checks its output. */
const MIX = [
  async (call, c) => {
    const out = await call("describeStream", { StreamName: c.stream });
    expect(out.StreamInfo?.StreamARN === c.streamArn && out.StreamInfo.CreationTime instanceof Date, "describeStream", out);
  },
  async (call) => {
    const out = await call("listStreams", { MaxResults: 10 });
    expect(Array.isArray(out.StreamInfoList), "listStreams", out);
  },
  async (call, c, round, i) => {
    await call("tagStream", { StreamName: c.stream, Tags: { [`k${i % 10}`]: `round-${round}` } });
    const out = await call("listTagsForStream", { StreamName: c.stream });
    expect(typeof out.Tags?.[`k${i % 10}`] === "string", "listTagsForStream", out);
  },
  async (call, c) => {
    const out = await call("getDataEndpoint", { StreamName: c.stream, APIName: "GET_MEDIA" });
    expect(/^https?:\/\//.test(out.DataEndpoint), "getDataEndpoint", out);
  },
  async (call, c) => {
    const out = await call("describeSignalingChannel", { ChannelName: c.channel });
    expect(out.ChannelInfo?.ChannelARN === c.channelArn, "describeSignalingChannel", out);
  },
  async (call, c) => {
    const out = await call("getSignalingChannelEndpoint", {
      ChannelARN: c.channelArn,
      SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: "VIEWER" },
    });
    expect(out.ResourceEndpointList?.length === 2, "getSignalingChannelEndpoint", out);
  },
  async (call, c) => {
    const out = await call("listTagsForResource", { ResourceARN: c.channelArn });
    expect(out.Tags !== null && typeof out.Tags === "object", "listTagsForResource", out);
  },
  async (call, c, round, i) => {
    const name = `load-${c.side}-${round}-${i}`;
    const { StreamARN } = await call("createStream", { StreamName: name });
    await call("deleteStream", { StreamARN });
  },
];

/** Calls made by one round of `concurrency` operations (some entries make two). */
export const callsPerRound = (concurrency) => Array.from({ length: concurrency }, (_, i) => (i % MIX.length === 2 || i % MIX.length === 7 ? 2 : 1)).reduce((a, b) => a + b, 0);

/** One round: `concurrency` operations started at once. Resolves to { ms, calls, failures }. */
export async function runRound(call, context, round, concurrency, now = () => performance.now()) {
  const start = now();
  const settled = await Promise.allSettled(Array.from({ length: concurrency }, (_, i) => MIX[i % MIX.length](call, context, round, i)));
  const ms = now() - start;
  const failures = settled.filter((s) => s.status === "rejected").map((s) => `${s.reason?.name}: ${s.reason?.message}`);
  return { ms, calls: callsPerRound(concurrency), failures: failures.slice(0, 5), failed: failures.length };
}
