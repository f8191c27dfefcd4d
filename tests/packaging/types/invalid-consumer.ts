// Must NOT compile: each line marked `expect TSnnnn` holds one mistake the types catch.
import { KinesisVideoClient, SignalingSession } from "kinesis-video-wasm";

export async function mistakes(c: KinesisVideoClient): Promise<void> {
  await c.describeStream({ StreamNme: "x" }); // expect TS2561: wrong member name
  await c.getDataEndpoint({ StreamName: "s", APIName: "GET_HLS" }); // expect TS2322: wrong enum literal
  await c.updateDataRetention({ StreamName: "s", Operation: "INCREASE_DATA_RETENTION", DataRetentionChangeInHours: 1 }); // expect TS2345: missing required CurrentVersion
  new SignalingSession({ client: c, channelName: "ch", role: "PEER" }); // expect TS2322: not a role
  new SignalingSession({ wssUrl: "wss://v", role: "VIEWER" }).addEventListener("sdpOffer", (e) => e.candidate.candidate); // expect TS18048: no candidate on an offer
}
