// A Worker that is a signaling MASTER for one request: it opens a SignalingSession with workerd's
// own WebSocket, answers the first viewer's offer, and says whom it answered.
//   GET /?channel=NAME  →  200 { viewer, answered: true }
import { KinesisVideoClient, SignalingSession } from "kinesis-video-wasm";

export default {
  async fetch(request, env) {
    const channelName = new URL(request.url).searchParams.get("channel");
    const client = new KinesisVideoClient({
      region: env.AWS_REGION,
      endpoint: env.KVS_ENDPOINT,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const session = new SignalingSession({ client, channelName, role: "MASTER" });
    try {
      const answered = new Promise((resolve, reject) => {
        session.addEventListener("sdpOffer", (e) => {
          session.sendSdpAnswer({ type: "answer", sdp: `answer from workerd to: ${e.description.sdp}` }, e.senderClientId);
          resolve(e.senderClientId);
        });
        session.addEventListener("error", (e) => reject(e.error));
        setTimeout(() => reject(new Error("no offer within 10 s")), 10_000);
      });
      await session.open();
      const viewer = await answered;
      // The answer is queued behind nothing; give the socket a moment to write it.
      await new Promise((r) => setTimeout(r, 200));
      return Response.json({ viewer, answered: true });
    } catch (error) {
      return Response.json({ error: `${error.name}: ${error.message}` }, { status: 500 });
    } finally {
      session.close();
    }
  },
};
