// Wire compatibility with the KVS WebRTC SDK for JS, run by run.sh inside its own network namespace
// (`run.sh interop.mjs`). Two sessions through the local endpoint's relay, each between two tabs of
// headless Chromium with a fake camera:
//   sdkViewer: the SDK's SignalingClient as VIEWER (driven as the SDK's examples do) → our connectMaster
//   sdkMaster: our connectViewer → a master on the SDK's SignalingClient
// In both the master sends the fake camera's video and echoes a data-channel message. Every page
// records the frames of its WebSocket (pages/frames.js) and what its signaling layer made of the
// frames it got. The checks are in interop.test.mjs: this prints what happened as one line,
// `WEBRTC_INTEROP_RESULT <json>`, and exits 1 when a session did not run to its end.
import { checkIsolation, deadline, elapsedMs, startHarness, step, waitFor } from "./harness.mjs";

const DEADLINE_MS = Number(process.env.KVS_WEBRTC_DEADLINE_MS ?? 55000);
const SIGNALING_URL = /\/signaling\/[mv]-[0-9a-f]{8}\/?$/;
const stop = deadline(DEADLINE_MS, "WEBRTC_INTEROP");

const countFrames = (snapshot, dir) => snapshot.frames.filter((f) => f.dir === dir && SIGNALING_URL.test(f.url)).length;

/** One WebRTC session: `master` and `viewer` name functions of pages/interop.js. */
async function session(h, { label, channelName, master, viewer, viewerClientId }) {
  const t0 = elapsedMs();
  const out = { label, master, viewer, viewerClientId, timings: {} };
  const lap = (name) => {
    out.timings[name] = elapsedMs() - t0;
    step(`${label}: ${name}`);
  };
  const pages = [];
  try {
    const channelArn = await h.channel(channelName);
    out.channelArn = channelArn;
    lap("channel ACTIVE");
    const config = { endpoint: h.kvs.url, region: h.region, credentials: h.credentials, channelName };
    const open = async (fn) => {
      const page = await h.openReady(`${label}/${fn}`, "interop.html");
      pages.push(page);
      return page;
    };

    const masterPage = await open(master);
    await masterPage.evaluate(([fn, c]) => window[fn](c), [master, config]);
    await waitFor("the master's connection at the endpoint", () => h.kvs.signalingConnections(channelArn).some((c) => c.role === "MASTER"), 5000);
    lap("master connected to signaling");

    const viewerPage = await open(viewer);
    out.sent = `hello from ${viewer} ${Math.random().toString(36).slice(2, 10)}`;
    await viewerPage.evaluate(([fn, c]) => window[fn](c), [viewer, { ...config, clientId: viewerClientId, text: out.sent }]);
    lap("viewer connected to signaling");
    out.outcome = await viewerPage.evaluate(() => window.outcome({ timeoutMs: 20000 }));
    lap("echo and video observed");

    // Frames may still be on their way while ICE gathers: wait until it is over on both sides,
    // then until each side has been handed as many frames as the other sent.
    const gathering = async () => [...(await masterPage.evaluate(() => window.gathering())), ...(await viewerPage.evaluate(() => window.gathering()))];
    await waitFor("ICE gathering to complete on both sides", async () => {
      out.gathering = await gathering();
      return out.gathering.length >= 2 && out.gathering.every((s) => s === "complete");
    }, 10000).catch((e) => (out.gatheringTimeout = e.message));
    lap(`ICE gathering ${out.gathering?.join("/")}`);
    let snapshots;
    await waitFor("every frame sent to be relayed", async () => {
      snapshots = { master: await masterPage.evaluate(() => window.snapshot()), viewer: await viewerPage.evaluate(() => window.snapshot()) };
      return countFrames(snapshots.master, "out") === countFrames(snapshots.viewer, "in") && countFrames(snapshots.viewer, "out") === countFrames(snapshots.master, "in");
    }, 3000).catch((e) => (out.relayTimeout = e.message));
    out.masterSide = snapshots.master;
    out.viewerSide = snapshots.viewer;
    lap(`frames: master sent ${countFrames(snapshots.master, "out")}, viewer sent ${countFrames(snapshots.viewer, "out")}`);
    out.connections = h.kvs.signalingConnections(channelArn);
  } catch (e) {
    out.error = String(e?.stack ?? e);
    step(`${label}: FAILED ${e?.message ?? e}`);
  } finally {
    for (const page of pages) {
      await page.evaluate(() => window.hangUp?.()).catch(() => {});
      await page.close().catch(() => {});
    }
  }
  out.seconds = (elapsedMs() - t0) / 1000;
  return out;
}

let h;
const result = { sessions: {} };
try {
  h = await startHarness();
  const stamp = Date.now();
  result.sessions.sdkViewer = await session(h, {
    label: "SDK viewer → our master",
    channelName: `interop-sdk-viewer-${stamp}`,
    master: "ourMaster",
    viewer: "sdkViewer",
    viewerClientId: "viewer-sdk-1",
  });
  result.sessions.sdkMaster = await session(h, {
    label: "our viewer → SDK master",
    channelName: `interop-sdk-master-${stamp}`,
    master: "sdkMaster",
    viewer: "ourViewer",
    viewerClientId: "viewer-ours-1",
  });
  checkIsolation();
} catch (e) {
  result.error = String(e?.stack ?? e);
} finally {
  result.pageLog = h?.pageLog ?? [];
  result.seconds = elapsedMs() / 1000;
  await h?.close();
  stop();
}
console.log("WEBRTC_INTEROP_RESULT " + JSON.stringify(result));
if (result.error || Object.values(result.sessions).some((s) => s.error)) process.exitCode = 1;
