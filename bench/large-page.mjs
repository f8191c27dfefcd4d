// A large answer: listStreams returning one page of 1,000 streams (about 370 KB of JSON), ours
// against @aws-sdk/client-kinesis-video, in Node. A loopback server answers every request with the
// same canned page, so the time is the clients' own: the fetch, JSON.parse, and turning the page
// into the output (ours checks each member's type against the model, drops nulls, makes Dates).
//
//   node bench/large-page.mjs        (needs pkg/ from `make pkg`)
//
// Informational: it prints the median of ROUNDS interleaved slices of CALLS calls per client.
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as sdk from "@aws-sdk/client-kinesis-video";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { KinesisVideoClient } = await import(pathToFileURL(join(root, "pkg", "node.js")).href);
const STREAMS = 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const CALLS = Number(process.env.CALLS ?? 40);

const page = JSON.stringify({
  StreamInfoList: [...Array(STREAMS).keys()].map((i) => ({
    CreationTime: 1_700_000_000 + i,
    DataRetentionInHours: 24,
    DeviceName: null,
    KmsKeyId: "arn:aws:kms:us-west-2:123456789012:alias/aws/kinesisvideo",
    MediaType: "video/h264",
    Status: "ACTIVE",
    StreamARN: `arn:aws:kinesisvideo:us-west-2:123456789012:stream/front-door-camera-${i}/1700000000000`,
    StreamName: `front-door-camera-${i}`,
    Version: "abcdefghijklmnopqrst",
  })),
});
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json", "x-amzn-RequestId": "large-page" });
    res.end(page);
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const config = { region: "us-west-2", endpoint: `http://127.0.0.1:${server.address().port}`, credentials: { accessKeyId: "AKIDLARGEPAGE0000000", secretAccessKey: "large-page" } };

const ours = new KinesisVideoClient(config);
const theirs = new sdk.KinesisVideoClient(config);
const clients = [
  ["kinesis-video-wasm", async () => (await ours.listStreams({})).StreamInfoList.length],
  ["@aws-sdk/client-kinesis-video", async () => (await theirs.send(new sdk.ListStreamsCommand({}))).StreamInfoList.length],
];
const slices = new Map(clients.map(([name]) => [name, []]));
for (const [name, call] of clients) {
  if ((await call()) !== STREAMS) throw new Error(`${name} did not read the ${STREAMS} streams`);
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, call] of clients) {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) await call();
    slices.get(name).push((performance.now() - start) / CALLS);
  }
}
server.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`\nlistStreams, one page of ${STREAMS} streams (${Math.round(page.length / 1024)} KB), Node ${process.versions.node}: median of ${ROUNDS} slices of ${CALLS} calls\n`);
console.log("| client | per call |");
console.log("|---|---:|");
for (const [name] of clients) console.log(`| ${name} | ${median(slices.get(name)).toFixed(1)} ms |`);
