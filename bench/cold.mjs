// One cold start in a fresh Node process, run by bench/calls.mjs: import a client, complete one
// describeStream against the local endpoint, print the milliseconds since the process began.
//
//   node bench/cold.mjs ours|sdk ENDPOINT
import { check, CREDENTIALS, oursCall, REGION, sdkCall } from "./calls-core.mjs";

const [which, endpoint] = process.argv.slice(2);
if (which === "ours") {
  const { KinesisVideoClient } = await import("../pkg/node.js");
  await check(which, oursCall(new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint })));
} else if (which === "sdk") {
  const { KinesisVideoClient, DescribeStreamCommand } = await import("@aws-sdk/client-kinesis-video");
  const client = new KinesisVideoClient({ region: REGION, credentials: CREDENTIALS, endpoint });
  await check(which, sdkCall(client, DescribeStreamCommand));
} else {
  throw new Error("usage: node bench/cold.mjs ours|sdk ENDPOINT");
}
console.log(JSON.stringify({ ms: performance.now() }));
// The SDK keeps its sockets open; the measurement is taken.
process.exit(0);
