// ICE restarts of our peers, run by run.sh inside its own network namespace (`run.sh ice-restart.mjs`):
// our connectViewer and connectMaster (pages/ice-restart.js) in two tabs of headless Chromium with
// a fake camera, through the local endpoint, in three sessions, each on a channel of its own:
//   viewerRestart:  the endpoint sends RECONNECT_ICE_SERVER to the viewer (its test hook)
//   masterRestart:  the endpoint sends RECONNECT_ICE_SERVER to the master
//   newConnection:  the viewer closes, and a new connectViewer comes with the same clientId
// Every GetIceServerConfig call that reaches the endpoint is recorded here, at the endpoint (its
// handler wrapped in this process), with the credentials it handed out. Each session records what
// both sides said and were before and after, the SDP each sent (decoded from the pages' WebSocket
// frames), a data-channel round trip and the viewer's video. The checks are in ice-restart.test.mjs:
// this prints `WEBRTC_ICE_RESTART_RESULT <json>` and exits 1 when a session could not be run at all.
import { Buffer } from "node:buffer";
import { Signaling } from "../local-endpoint/signaling.mjs";
import { SIGNALING_URL } from "./frames.mjs";
import { checkIsolation, deadline, elapsedMs, startHarness, step, waitFor } from "./harness.mjs";

const TAG = "WEBRTC_ICE_RESTART_RESULT";
const DEADLINE_MS = Number(process.env.KVS_WEBRTC_DEADLINE_MS ?? 55000);
const stop = deadline(DEADLINE_MS, "WEBRTC_ICE_RESTART");

// ------------------------------------------------------------- GetIceServerConfig, at the endpoint
const iceCalls = [];
const getIceServerConfig = Signaling.prototype.getIceServerConfig;
Signaling.prototype.getIceServerConfig = function (input, context) {
  const output = getIceServerConfig.call(this, input, context);
  iceCalls.push({
    t: Date.now(),
    channelArn: input.ChannelARN,
    clientId: input.ClientId ?? null,
    servers: output.IceServerList.map((s) => ({ urls: [...s.Uris], username: s.Username, credential: s.Password })),
  });
  return output;
};
const callsFor = (channelArn, clientId) => iceCalls.filter((c) => c.channelArn === channelArn && c.clientId === (clientId ?? null));

// ------------------------------------------------------------------------------------- helpers
/** The ICE credentials and DTLS fingerprint of an SDP (as pages/ice-restart.js's sdpIdentity). */
function sdpIdentity(sdp) {
  const all = (re) => [...new Set([...sdp.matchAll(re)].map((m) => m[1].trim()))];
  return { ufrags: all(/^a=ice-ufrag:(.*)$/gm), pwds: all(/^a=ice-pwd:(.*)$/gm), fingerprints: all(/^a=fingerprint:(.*)$/gm) };
}

/** What a page put on its signaling WebSockets: SDP (decoded to its identity) and candidates per ICE ufrag. */
function sent(snapshot) {
  const sdp = [];
  const candidates = {};
  for (const f of snapshot.frames.filter((x) => x.dir === "out" && SIGNALING_URL.test(x.url))) {
    const json = JSON.parse(f.data);
    const payload = JSON.parse(Buffer.from(json.messagePayload, "base64").toString("utf8"));
    if (json.action === "ICE_CANDIDATE") {
      const key = payload.usernameFragment ?? "(none)";
      candidates[key] = (candidates[key] ?? 0) + 1;
    } else {
      sdp.push({ conn: f.conn, action: json.action, recipient: json.recipientClientId ?? null, type: payload.type, ...sdpIdentity(payload.sdp) });
    }
  }
  const connects = snapshot.frames.filter((x) => x.dir === "connect" && SIGNALING_URL.test(x.url)).length;
  return { sdp, candidates, connects };
}

/** A session's record, its laps and its waits (a failed wait is recorded, not thrown; later waits then give up at once). */
function recorder(label) {
  const t0 = elapsedMs();
  const out = { label, timings: {}, waits: {} };
  let failed = false;
  return {
    out,
    lap(name) {
      out.timings[name] = elapsedMs() - t0;
      step(`${label}: ${name}`);
    },
    async wait(name, probe, timeoutMs) {
      const start = elapsedMs();
      if (failed) {
        out.waits[name] = { ok: false, ms: 0, error: "not waited for: an earlier wait failed" };
        return false;
      }
      try {
        await waitFor(name, probe, timeoutMs);
        out.waits[name] = { ok: true, ms: elapsedMs() - start };
        step(`${label}: ${name} (${elapsedMs() - start} ms)`);
        return true;
      } catch (e) {
        failed = true;
        out.waits[name] = { ok: false, ms: elapsedMs() - start, error: e.message };
        step(`${label}: NOT ${name}: ${e.message}`);
        return false;
      }
    },
    /** How long pings and video observations may take: short once something failed. */
    get patience() {
      return failed ? 2000 : 8000;
    },
  };
}

const config = (h, channelName) => ({ endpoint: h.kvs.url, region: h.region, credentials: h.credentials, channelName });

async function openSide(h, pages, name) {
  const page = await h.openReady(name, "ice-restart.html");
  pages.push(page);
  return page;
}

/** A master and a viewer connected through a new channel, the viewer's first echo and video checked. */
async function connectPair(h, r, pages, { name, clientId }) {
  const channelName = `${name}-${Date.now()}`;
  const channelArn = await h.channel(channelName);
  r.out.channelArn = channelArn;
  r.out.clientId = clientId;
  r.lap("channel ACTIVE");
  const masterPage = await openSide(h, pages, `${name}/master`);
  await masterPage.evaluate((c) => window.master(c), config(h, channelName));
  r.lap("master connected to signaling");
  const viewerPage = await openSide(h, pages, `${name}/viewer`);
  await viewerPage.evaluate((c) => window.viewer(c), { ...config(h, channelName), clientId });
  r.lap("viewer connected to signaling");
  await r.wait("the viewer's peer connection connected", async () => (await viewerPage.evaluate(() => window.viewerInfo())).peer.connectionState === "connected", 15000);
  r.out.pingBefore = await echo(r, viewerPage, "before");
  return { channelName, channelArn, masterPage, viewerPage };
}

/** Both sides' state now. */
async function infos(masterPage, viewerPage) {
  return { master: await masterPage.evaluate(() => window.masterInfo()), viewer: await viewerPage.evaluate(() => window.viewerInfo()) };
}

const events = async (page) => (await page.evaluate(() => window.snapshot())).state.events;

async function finish(r, sides) {
  for (const [name, page] of Object.entries(sides)) {
    const snapshot = await page.evaluate(() => window.snapshot());
    r.out[name] = { state: snapshot.state, sent: sent(snapshot) };
  }
}

async function closePages(pages) {
  for (const page of pages) {
    await page.evaluate(() => window.hangUp?.()).catch(() => {});
    await page.close().catch(() => {});
  }
}

/** An echo over `page`'s data channel, `what` marking its text; a lap. */
async function echo(r, page, what) {
  const ping = await page.evaluate(([t, ms]) => window.ping(t, ms), [`${what} ${Math.random().toString(36).slice(2, 8)}`, r.patience]);
  r.lap(`echo ${what} ${ping.error ?? `in ${ping.roundTripMs} ms`}`);
  return ping;
}

/** An echo, then a look at `page`'s video; each a lap. */
async function echoAndVideo(r, page, what) {
  const ping = await echo(r, page, what);
  const media = await page.evaluate((ms) => window.observe({ timeoutMs: ms }), r.patience);
  r.lap(`video observed ${what}`);
  return { ping, media };
}

/** Runs one session of the test: its record, with the error that ended it if one did; its pages closed. */
async function session(label, run) {
  const r = recorder(label);
  const pages = [];
  try {
    await run(r, pages);
  } catch (e) {
    r.out.error = String(e?.stack ?? e);
    step(`${r.out.label}: FAILED ${e?.message ?? e}`);
  } finally {
    await closePages(pages);
  }
  return r.out;
}

// ------------------------------------------------------------------------------------ sessions

/** 1. RECONNECT_ICE_SERVER to the viewer: fresh ICE servers, an ICE restart offer, answered on the same connection. */
async function viewerRestart(h) {
  return session("RECONNECT_ICE_SERVER to the viewer", async (r, pages) => {
    const { channelArn, masterPage, viewerPage } = await connectPair(h, r, pages, { name: "ice-restart-viewer", clientId: "viewer-restart-1" });
    r.out.mediaBefore = await viewerPage.evaluate((ms) => window.observe({ timeoutMs: ms }), r.patience);
    r.lap("video observed before the restart");
    r.out.before = await infos(masterPage, viewerPage);
    r.out.iceCallsBefore = callsFor(channelArn, r.out.clientId);

    r.out.hookAt = Date.now();
    r.out.delivered = h.kvs.sendSignalingMessage({ channelArn, role: "VIEWER", clientId: r.out.clientId, message: { messageType: "RECONNECT_ICE_SERVER" } });
    r.lap(`RECONNECT_ICE_SERVER sent to the viewer (delivered to ${r.out.delivered})`);
    await r.wait("the viewer's session to emit reconnectIceServer", async () => (await events(viewerPage)).some((e) => e.type === "session.reconnectIceServer"), 8000);
    await r.wait("a second SDP offer from the viewer", async () => sent(await viewerPage.evaluate(() => window.snapshot())).sdp.filter((s) => s.action === "SDP_OFFER").length >= 2, 8000);
    await r.wait("a second SDP answer from the master", async () => sent(await masterPage.evaluate(() => window.snapshot())).sdp.filter((s) => s.action === "SDP_ANSWER").length >= 2, 8000);
    await r.wait("both sides connected on the restarted ICE session", async () => {
      const { master, viewer } = await infos(masterPage, viewerPage);
      const restarted = (side) => side?.local?.ufrags[0] !== r.out.before.viewer.peer.local.ufrags[0] && side?.remote?.ufrags[0] !== r.out.before.viewer.peer.remote.ufrags[0];
      return viewer.peer.connectionState === "connected" && master.peers[0]?.connectionState === "connected" && restarted(viewer.peer) && viewer.peer.signalingState === "stable";
    }, 10000);
    // The candidate pair in use moves to the viewer's new ICE credentials once the new session's
    // checks succeed (its remote side may be a candidate the master gathered before the restart:
    // Chromium pairs the viewer's new candidates with every remote candidate it knows).
    await r.wait("the selected candidate pair, seen from both sides, on the viewer's new ICE ufrag", async () => {
      const { master, viewer } = await infos(masterPage, viewerPage);
      const ufrag = viewer.peer.local?.ufrags[0];
      return Boolean(ufrag) && viewer.peer.pair?.local?.usernameFragment === ufrag && master.peers[0]?.pair?.remote?.usernameFragment === ufrag;
    }, 5000);
    ({ ping: r.out.pingAfter, media: r.out.mediaAfter } = await echoAndVideo(r, viewerPage, "after the restart"));
    r.out.after = await infos(masterPage, viewerPage);
    r.out.iceCallsAfter = callsFor(channelArn, r.out.clientId);
    await finish(r, { masterSide: masterPage, viewerSide: viewerPage });
  });
}

/** 2. RECONNECT_ICE_SERVER to the master: fresh ICE servers in every peer's configuration, the connection up. */
async function masterRestart(h) {
  return session("RECONNECT_ICE_SERVER to the master", async (r, pages) => {
    const { channelArn, masterPage, viewerPage } = await connectPair(h, r, pages, { name: "ice-restart-master", clientId: "viewer-master-restart-1" });
    r.out.before = await infos(masterPage, viewerPage);
    r.out.iceCallsBefore = callsFor(channelArn, null);

    r.out.hookAt = Date.now();
    r.out.delivered = h.kvs.sendSignalingMessage({ channelArn, role: "MASTER", message: { messageType: "RECONNECT_ICE_SERVER" } });
    r.lap(`RECONNECT_ICE_SERVER sent to the master (delivered to ${r.out.delivered})`);
    await r.wait("the master's session to emit reconnectIceServer", async () => (await events(masterPage)).some((e) => e.type === "session.reconnectIceServer"), 8000);
    const credentials = (list) => JSON.stringify((list ?? []).map((s) => [s.username, s.credential]));
    await r.wait("the master's peer connection to take the session's fresh ICE servers", async () => {
      const { peers, sessionIceServers } = await masterPage.evaluate(() => window.masterInfo());
      return peers.length === 1 && credentials(peers[0].configIceServers) === credentials(sessionIceServers) && credentials(sessionIceServers) !== credentials(r.out.before.master.sessionIceServers);
    }, 5000);
    ({ ping: r.out.pingAfter, media: r.out.mediaAfter } = await echoAndVideo(r, viewerPage, "after the master's refresh"));
    r.out.after = await infos(masterPage, viewerPage);
    r.out.iceCallsAfter = callsFor(channelArn, null);
    await finish(r, { masterSide: masterPage, viewerSide: viewerPage });
  });
}

/** 3. The viewer closes and a new connectViewer comes with the same clientId: the master replaces the peer. */
async function newConnection(h) {
  return session("a new peer connection under the same clientId", async (r, pages) => {
    const { channelName, channelArn, masterPage, viewerPage } = await connectPair(h, r, pages, { name: "ice-restart-replace", clientId: "viewer-replace-1" });
    r.out.before = await infos(masterPage, viewerPage);

    await viewerPage.evaluate(() => window.hangUp());
    r.out.firstViewerClosedAt = Date.now();
    r.lap("the first viewer closed");
    await r.wait("the first viewer's signaling connection to be gone at the endpoint", () => !h.kvs.signalingConnections(channelArn).some((c) => c.role === "VIEWER"), 5000);
    r.out.firstViewer = { info: await viewerPage.evaluate(() => window.viewerInfo()) };
    const secondPage = await openSide(h, pages, "ice-restart-replace/viewer2");
    await secondPage.evaluate((c) => window.viewer(c), { ...config(h, channelName), clientId: r.out.clientId });
    r.lap("the second viewer connected to signaling");
    await r.wait("the master's peerClosed and peer events", async () => {
      const e = await events(masterPage);
      return e.some((x) => x.type === "peerClosed") && e.filter((x) => x.type === "peer").length >= 2;
    }, 8000);
    await r.wait("the second viewer's peer connection connected", async () => (await secondPage.evaluate(() => window.viewerInfo())).peer.connectionState === "connected", 10000);
    ({ ping: r.out.pingAfter, media: r.out.mediaAfter } = await echoAndVideo(r, secondPage, "to the second viewer"));
    r.out.after = await infos(masterPage, secondPage);
    await finish(r, { masterSide: masterPage, viewerSide: viewerPage, secondViewerSide: secondPage });
  });
}

let h;
const result = { sessions: {} };
try {
  h = await startHarness();
  result.sessions.viewerRestart = await viewerRestart(h);
  result.sessions.masterRestart = await masterRestart(h);
  result.sessions.newConnection = await newConnection(h);
  checkIsolation();
} catch (e) {
  result.error = String(e?.stack ?? e);
} finally {
  result.iceCalls = iceCalls;
  result.pageLog = h?.pageLog ?? [];
  result.seconds = elapsedMs() / 1000;
  await h?.close();
  stop();
}
console.log(`${TAG} ${JSON.stringify(result)}`);
if (result.error || Object.values(result.sessions).some((s) => s.error)) process.exitCode = 1;
