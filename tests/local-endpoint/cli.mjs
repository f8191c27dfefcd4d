// Runs the local endpoint in the foreground: `node tests/local-endpoint/cli.mjs`
// (port from KVS_LOCAL_PORT, default 4567). Ctrl-C or SIGTERM stops it.
import { LOCAL_ACCESS_KEY_ID, LOCAL_ACCOUNT_ID, LOCAL_SECRET_ACCESS_KEY, startLocalEndpoint } from "./server.mjs";

const port = Number(process.env.KVS_LOCAL_PORT ?? 4567);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`KVS_LOCAL_PORT must be a port number, got '${process.env.KVS_LOCAL_PORT}'`);
  process.exit(2);
}

let endpoint;
try {
  endpoint = await startLocalEndpoint({ port });
} catch (error) {
  console.error(`Could not start the local Kinesis Video endpoint on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
}

console.log(`Local Kinesis Video endpoint listening on ${endpoint.url}`);
console.log(`  endpoint           ${endpoint.url}`);
console.log(`  access key id      ${LOCAL_ACCESS_KEY_ID}`);
console.log(`  secret access key  ${LOCAL_SECRET_ACCESS_KEY}`);
console.log(`  account            ${LOCAL_ACCOUNT_ID}`);
console.log("  region             any region (each region has its own streams and channels)");
console.log(`  identity pool      ${endpoint.identityPoolId} (Cognito guest credentials, unsigned POST / with X-Amz-Target)`);
console.log(`  test media         POST ${endpoint.url}/_local/media/seed {"streamName": "..."} fills an ACTIVE stream with a 10 s clip (ffmpeg makes it once)`);
console.log("Press Ctrl-C to stop.");

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local endpoint.`);
  await endpoint.close();
  process.exit(0);
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
