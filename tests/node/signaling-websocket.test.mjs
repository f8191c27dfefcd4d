// Signaling against the local endpoint: presigned URLs (from presignSignalingUrl and from
// KinesisVideoClient.connectSignaling) open its WebSocket, altered or expired ones are refused,
// connectSignaling makes the calls the contract names and builds iceServers from them, and a
// master and a viewer relay SDP offer/answer and ICE candidates through the endpoint.
//
// The STUN entry is only added for the service's own endpoints (a custom endpoint hands out its
// own ICE servers). To check it offline, a client without a custom endpoint is used while the
// global fetch, which the library calls, is replaced for that test: requests to the service's
// control-plane host are answered by the local endpoint (the Host header kept, so signatures
// still verify) and any other non-loopback destination fails the test.

import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, afterEach, before, describe, test } from "node:test";
import { openSignaling } from "../local-endpoint/helpers.mjs";
import {
  KinesisVideoClient,
  KinesisVideoSignalingClient,
  presignSignalingUrl,
  waitUntilSignalingChannelActive,
} from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";

const REGION = "us-west-2";
const T = { timeout: 15000 };

// ---------------------------------------------------------------------------------------------
// Every fetch the library makes is recorded (operation paths), and may be redirected.

const realFetch = globalThis.fetch;
let calls = [];
let redirect = null;
/** When set, responses carry this clock in their Date header (the service's clock, seen by the client). */
let serverClock = null;
globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  calls.push(url.pathname);
  if (redirect && url.hostname !== "127.0.0.1") return redirect(url, init);
  if (url.hostname !== "127.0.0.1") throw new Error(`unexpected request off loopback: ${url}`);
  const response = await realFetch(input, init);
  if (!serverClock) return response;
  const headers = new Headers(response.headers);
  headers.set("date", new Date(serverClock()).toUTCString());
  return new Response(await response.arrayBuffer(), { status: response.status, headers });
};
afterEach(() => {
  calls = [];
  redirect = null;
  serverClock = null;
});

const isIceCall = (path) => /\/v1\/get-ice-server-config$/.test(path);

let kvs;
let credentials;
let client;
before(async () => {
  kvs = await startLocalEndpoint({ port: 0, host: "127.0.0.1", activationDelayMs: 30 });
  credentials = { accessKeyId: kvs.accessKeyId, secretAccessKey: kvs.secretAccessKey };
  client = new KinesisVideoClient({ region: REGION, credentials, endpoint: kvs.url, maxAttempts: 1 });
}, { timeout: 10000 });
after(async () => {
  globalThis.fetch = realFetch;
  await kvs?.close();
});

let channels = 0;
/** A new ACTIVE channel: `{ name, arn }`. */
async function newChannel(c = client) {
  const name = `sig-ws-${++channels}-${Date.now()}`;
  const { ChannelARN } = await c.createSignalingChannel({ ChannelName: name });
  await waitUntilSignalingChannelActive(c, { ChannelARN }, { minDelay: 0.02, maxDelay: 0.1, maxWaitTime: 5 });
  return { name, arn: ChannelARN };
}

async function wssEndpoint(arn, role) {
  const { ResourceEndpointList } = await client.getSignalingChannelEndpoint({
    ChannelARN: arn,
    SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS"], Role: role },
  });
  return ResourceEndpointList[0].ResourceEndpoint;
}

async function assertAccepted(url) {
  const c = await openSignaling(url); // rejects with the refusal's status, error type and body
  await c.close();
}

async function assertRefused(url, status, error, bodyPattern) {
  let refusal;
  try {
    const c = await openSignaling(url);
    await c.close();
  } catch (e) {
    refusal = e;
  }
  assert.ok(refusal?.status, `accepted: ${url}`);
  assert.equal(refusal.status, status, refusal.message);
  assert.equal(refusal.errorType, error, refusal.message);
  if (bodyPattern) assert.match(refusal.message, bodyPattern);
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64");
const unb64 = (text) => JSON.parse(Buffer.from(text, "base64").toString("utf8"));

/** Replaces the character at `index` with another of the same class. */
function alter(text, index) {
  const ch = text[index];
  const other = /[0-9]/.test(ch) ? String((Number(ch) + 1) % 10) : /[a-z]/.test(ch) ? (ch === "z" ? "a" : String.fromCharCode(ch.charCodeAt(0) + 1)) : ch === "Z" ? "A" : String.fromCharCode(ch.charCodeAt(0) + 1);
  return text.slice(0, index) + other + text.slice(index + 1);
}

// ---------------------------------------------------------------------------------------------

describe("presigned URLs and the local endpoint's WebSocket", () => {
  test("URLs from presignSignalingUrl open the WebSocket for MASTER and VIEWER", T, async () => {
    const { arn } = await newChannel();
    await assertAccepted(presignSignalingUrl({ endpoint: await wssEndpoint(arn, "MASTER"), channelArn: arn, role: "MASTER", credentials, region: REGION }));
    await assertAccepted(
      presignSignalingUrl({ endpoint: await wssEndpoint(arn, "VIEWER"), channelArn: arn, role: "VIEWER", clientId: "viewer-1", credentials, region: REGION }),
    );
    // Within its lifetime an older URL still opens.
    await assertAccepted(
      presignSignalingUrl({
        endpoint: await wssEndpoint(arn, "MASTER"),
        channelArn: arn,
        role: "MASTER",
        credentials,
        region: REGION,
        signingDate: new Date(Date.now() - 30_000),
        expiresIn: 60,
      }),
    );
  });

  test("a changed character, a wrong key or secret, an altered token, or an expired URL is refused", T, async () => {
    const { arn } = await newChannel();
    const endpoint = await wssEndpoint(arn, "VIEWER");
    const args = { endpoint, channelArn: arn, role: "VIEWER", clientId: "viewer-1", credentials, region: REGION };
    const url = presignSignalingUrl(args);
    await assertAccepted(url);

    // One character of the signature.
    const sig = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length;
    for (const offset of [0, 31, 63]) await assertRefused(alter(url, sig + offset), 403, "AccessDeniedException", /signature/i);
    // One character of the channel ARN (its name, and its creation time) in the signed query.
    const arnStart = url.indexOf("X-Amz-ChannelARN=") + "X-Amz-ChannelARN=".length;
    const arnEnd = url.indexOf("&", arnStart);
    const encodedArn = url.slice(arnStart, arnEnd);
    const nameAt = arnStart + encodedArn.indexOf("sig-ws-");
    await assertRefused(alter(url, nameAt), 403, "AccessDeniedException", /signature/i);
    await assertRefused(alter(url, arnEnd - 1), 403, "AccessDeniedException", /signature/i);
    // One character of the client id.
    await assertRefused(url.replace("X-Amz-ClientId=viewer-1", "X-Amz-ClientId=viewer-2"), 403, "AccessDeniedException", /signature/i);
    // The signed date.
    const dateAt = url.indexOf("X-Amz-Date=") + "X-Amz-Date=".length;
    await assertRefused(alter(url, dateAt + 14), 403, "AccessDeniedException");

    // A wrong secret; an access key the endpoint does not know.
    await assertRefused(presignSignalingUrl({ ...args, credentials: { ...credentials, secretAccessKey: credentials.secretAccessKey + "x" } }), 403, "AccessDeniedException", /signature/i);
    await assertRefused(presignSignalingUrl({ ...args, credentials: { ...credentials, accessKeyId: "AKIAUNKNOWN000000000" } }), 403, "AccessDeniedException");

    // The session token is signed: a URL with a token opens, the same URL with the token altered does not.
    const withToken = presignSignalingUrl({ ...args, credentials: { ...credentials, sessionToken: "FwoGZXIvYXdzEJr//+token==" } });
    await assertAccepted(withToken);
    await assertRefused(withToken.replace("X-Amz-Security-Token=FwoGZXIvYXdzEJr", "X-Amz-Security-Token=FwoGZXIvYXdzEJs"), 403, "AccessDeniedException", /signature/i);
    // Dropping the token after signing breaks the signature as well.
    await assertRefused(withToken.replace(/&X-Amz-Security-Token=[^&]*/, ""), 403, "AccessDeniedException", /signature/i);

    // Past its expiry: signed two minutes ago for 60 seconds.
    await assertRefused(
      presignSignalingUrl({ ...args, signingDate: new Date(Date.now() - 120_000), expiresIn: 60 }),
      403,
      "AccessDeniedException",
      /expired/i,
    );
    // A longer X-Amz-Expires written into an expired URL does not help: it is signed.
    const expired = presignSignalingUrl({ ...args, signingDate: new Date(Date.now() - 120_000), expiresIn: 60 });
    await assertRefused(expired.replace("X-Amz-Expires=60", "X-Amz-Expires=299"), 403, "AccessDeniedException", /signature/i);
  });

  test("a URL for another channel's endpoint or an unknown channel is refused (400, 404)", T, async () => {
    const a = await newChannel();
    const b = await newChannel();
    const endpointOfB = await wssEndpoint(b.arn, "MASTER");
    await assertRefused(presignSignalingUrl({ endpoint: endpointOfB, channelArn: a.arn, role: "MASTER", credentials, region: REGION }), 400, "InvalidArgumentException");
    const unknownArn = a.arn.replace(/\/\d+$/, "/1");
    await assertRefused(presignSignalingUrl({ endpoint: `${kvs.url.replace("http:", "ws:")}/signaling/m-00000000`, channelArn: unknownArn, role: "MASTER", credentials, region: REGION }), 404, "ResourceNotFoundException");
  });
});

describe("connectSignaling", () => {
  test("by name as MASTER: DescribeSignalingChannel, GetSignalingChannelEndpoint, GetIceServerConfig; the URL opens", T, async () => {
    const { name, arn } = await newChannel();
    calls = [];
    const before = Date.now();
    const out = await client.connectSignaling({ channelName: name, role: "MASTER" });
    assert.deepEqual(Object.keys(out).sort(), ["channelArn", "expiresAt", "httpsEndpoint", "iceServers", "wssUrl"]);
    // The ICE servers' Ttl (300 s here) less a minute's margin ends before the URL's 299 s.
    assert.ok(out.expiresAt instanceof Date);
    const ttlLeft = out.expiresAt.getTime() - before;
    assert.ok(ttlLeft > 235_000 && ttlLeft <= 241_000, `${ttlLeft} ms`);
    assert.equal(out.channelArn, arn);
    assert.equal(calls.length, 3, calls.join(" "));
    assert.equal(calls[0].toLowerCase(), "/describesignalingchannel");
    assert.equal(calls[1].toLowerCase(), "/getsignalingchannelendpoint");
    assert.ok(isIceCall(calls[2]), calls[2]);
    const base = kvs.url.replace("http:", "ws:");
    assert.match(out.wssUrl, new RegExp(`^${base}/signaling/m-[0-9a-f]{8}\\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-ChannelARN=`));
    assert.ok(!out.wssUrl.includes("X-Amz-ClientId"));
    assert.match(out.wssUrl, /&X-Amz-Expires=299&/);
    assert.match(out.httpsEndpoint, new RegExp(`^${kvs.url}/signaling/r-[0-9a-f]{8}$`));
    assert.ok(calls[2].startsWith(new URL(out.httpsEndpoint).pathname + "/"), "GetIceServerConfig goes to the channel's HTTPS endpoint");
    // A custom endpoint: only what GetIceServerConfig returns (TURN), no STUN of the service.
    assert.equal(out.iceServers.length, 2);
    for (const server of out.iceServers) {
      assert.deepEqual(Object.keys(server).sort(), ["credential", "urls", "username"]);
      assert.ok(Array.isArray(server.urls) && server.urls.length === 3);
      for (const u of server.urls) assert.match(u, /^turns?:/);
      assert.equal(typeof server.username, "string");
      assert.equal(typeof server.credential, "string");
      assert.ok(server.username.length > 0 && server.credential.length > 0);
    }
    await assertAccepted(out.wssUrl);
  });

  test("by ARN as VIEWER: no DescribeSignalingChannel; the URL carries the client id and opens", T, async () => {
    const { arn } = await newChannel();
    calls = [];
    const out = await client.connectSignaling({ channelArn: arn, role: "VIEWER", clientId: "viewer-7", expiresIn: 120 });
    assert.equal(out.channelArn, arn);
    assert.equal(calls.length, 2, calls.join(" "));
    assert.equal(calls[0].toLowerCase(), "/getsignalingchannelendpoint");
    assert.ok(isIceCall(calls[1]));
    assert.match(out.wssUrl, /\/signaling\/v-[0-9a-f]{8}\?/);
    assert.match(out.wssUrl, /&X-Amz-ClientId=viewer-7&/);
    assert.match(out.wssUrl, /&X-Amz-Expires=120&/);
    await assertAccepted(out.wssUrl);
    // A changed character in a URL from connectSignaling is refused too.
    const sig = out.wssUrl.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length;
    await assertRefused(alter(out.wssUrl, sig + 10), 403, "AccessDeniedException");
  });

  test("natTraversal DISABLED: no iceServers and no GetIceServerConfig call", T, async () => {
    const { name } = await newChannel();
    calls = [];
    const out = await client.connectSignaling({ channelName: name, role: "VIEWER", clientId: "v-disabled", natTraversal: "DISABLED" });
    assert.deepEqual(out.iceServers, []);
    assert.ok(!calls.some(isIceCall), calls.join(" "));
    assert.equal(calls.length, 2);
    await assertAccepted(out.wssUrl);
  });

  test("natTraversal TURN_ONLY: only TURN entries", T, async () => {
    const { arn } = await newChannel();
    calls = [];
    const out = await client.connectSignaling({ channelArn: arn, role: "MASTER", natTraversal: "TURN_ONLY" });
    assert.ok(calls.some(isIceCall));
    assert.equal(out.iceServers.length, 2);
    for (const s of out.iceServers) for (const u of [].concat(s.urls)) assert.match(u, /^turns?:/);
  });

  test("the TURN entries are GetIceServerConfig's, and KinesisVideoSignalingClient reads the same endpoint", T, async () => {
    const { arn } = await newChannel();
    const out = await client.connectSignaling({ channelArn: arn, role: "VIEWER", clientId: "viewer-ice" });
    const signaling = new KinesisVideoSignalingClient({ region: REGION, credentials, endpoint: out.httpsEndpoint });
    const { IceServerList } = await signaling.getIceServerConfig({ ChannelARN: arn, ClientId: "viewer-ice" });
    assert.equal(IceServerList.length, out.iceServers.length);
    IceServerList.forEach((s, i) => {
      assert.deepEqual(out.iceServers[i].urls, s.Uris);
      // Username holds the channel ARN (the password is random per call).
      assert.equal(Buffer.from(out.iceServers[i].username.split(":")[1], "base64").toString(), `v1:${arn}`);
    });
  });

  test("bad arguments reject with a TypeError naming the field, before any request", T, async () => {
    calls = [];
    const cases = [
      [undefined, "args"],
      [{ role: "MASTER" }, "args"],
      [{ channelName: "x", role: "master" }, "args.role"],
      [{ channelName: "x", role: "VIEWER" }, "args.clientId"],
      [{ channelName: "x", role: "MASTER", clientId: "m" }, "args.clientId"],
      [{ channelName: "x", role: "VIEWER", clientId: "AWS_x" }, "args.clientId"],
      [{ channelName: "x", role: "MASTER", natTraversal: "STUN_ONLY" }, "args.natTraversal"],
      [{ channelName: "x", role: "MASTER", expiresIn: 0 }, "args.expiresIn"],
      [{ channelName: 5, role: "MASTER" }, "args.channelName"],
    ];
    for (const [args, field] of cases) {
      await assert.rejects(client.connectSignaling(args), (e) => e instanceof TypeError && e.message.startsWith(field), field);
    }
    assert.deepEqual(calls, []);
  });

  test("an unknown channel rejects with ResourceNotFoundException; an aborted call with AbortError", T, async () => {
    await assert.rejects(client.connectSignaling({ channelName: "no-such-channel", role: "MASTER" }), { name: "ResourceNotFoundException" });
    const { name } = await newChannel();
    await assert.rejects(client.connectSignaling({ channelName: name, role: "MASTER" }, { abortSignal: AbortSignal.abort() }), { name: "AbortError" });
  });

  test("master and viewer relay SDP offer/answer and ICE candidates with URLs from connectSignaling", T, async () => {
    const { name, arn } = await newChannel();
    const m = await client.connectSignaling({ channelName: name, role: "MASTER", natTraversal: "DISABLED" });
    const v = await client.connectSignaling({ channelArn: arn, role: "VIEWER", clientId: "viewer-relay", natTraversal: "DISABLED" });
    const master = await openSignaling(m.wssUrl);
    const viewer = await openSignaling(v.wssUrl);

    const offer = b64({ type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" });
    const answer = b64({ type: "answer", sdp: "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n" });
    const candidate = b64({ candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 });

    viewer.send({ action: "SDP_OFFER", recipientClientId: "", messagePayload: offer });
    const gotOffer = await master.next();
    assert.equal(gotOffer.messageType, "SDP_OFFER");
    assert.equal(gotOffer.senderClientId, "viewer-relay");
    assert.deepEqual(unb64(gotOffer.messagePayload), unb64(offer));

    master.send({ action: "SDP_ANSWER", recipientClientId: gotOffer.senderClientId, messagePayload: answer });
    const gotAnswer = await viewer.next();
    assert.equal(gotAnswer.messageType, "SDP_ANSWER");
    assert.equal(gotAnswer.senderClientId, undefined);
    assert.deepEqual(unb64(gotAnswer.messagePayload), unb64(answer));

    viewer.send({ action: "ICE_CANDIDATE", messagePayload: candidate });
    const fromViewer = await master.next();
    assert.deepEqual(fromViewer, { senderClientId: "viewer-relay", messageType: "ICE_CANDIDATE", messagePayload: candidate });
    master.send({ action: "ICE_CANDIDATE", recipientClientId: "viewer-relay", messagePayload: candidate });
    assert.deepEqual(await viewer.next(), { messageType: "ICE_CANDIDATE", messagePayload: candidate });

    await Promise.all([master.quiet(), viewer.quiet()]);
    await Promise.all([master.close(), viewer.close()]);
  });
});

describe("clock skew", () => {
  // The client corrects its clock from the service's answers (its calls succeed although the local
  // clock is 20 minutes behind). The WSS URL it presigns in connectSignaling must use the same
  // corrected clock, or the service refuses the WebSocket (the KVS WebRTC SDK's SignalingClient
  // takes a systemClockOffset for this reason).
  test("connectSignaling signs the WSS URL with the corrected clock, as it signs its calls", T, async () => {
    const aheadMs = 20 * 60 * 1000;
    const now = () => Date.now() + aheadMs;
    const skewed = await startLocalEndpoint({ port: 0, host: "127.0.0.1", activationDelayMs: 10, now });
    try {
      serverClock = now;
      const c = new KinesisVideoClient({ region: REGION, credentials, endpoint: skewed.url });
      const { ChannelARN } = await c.createSignalingChannel({ ChannelName: `skew-${Date.now()}` });
      await waitUntilSignalingChannelActive(c, { ChannelARN }, { minDelay: 0.02, maxDelay: 0.1, maxWaitTime: 5 });
      const out = await c.connectSignaling({ channelArn: ChannelARN, role: "MASTER", natTraversal: "DISABLED" });
      const signed = out.wssUrl.match(/X-Amz-Date=(\d{8}T\d{6}Z)/)[1];
      const serverTime = new Date(now()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
      const minutesApart = Math.abs(Date.UTC(...dateParts(signed)) - Date.UTC(...dateParts(serverTime))) / 60000;
      assert.ok(minutesApart < 1, `the WSS URL is signed at ${signed}, the corrected clock says ${serverTime}`);
      await assertAccepted(out.wssUrl);
    } finally {
      await skewed.close();
    }
  });
});

function dateParts(amz) {
  return [+amz.slice(0, 4), +amz.slice(4, 6) - 1, +amz.slice(6, 8), +amz.slice(9, 11), +amz.slice(11, 13), +amz.slice(13, 15)];
}

// ---------------------------------------------------------------------------------------------
// The STUN entry for the service's endpoints, checked offline.

/** Answers a request meant for the service's host from the local endpoint, Host header kept. */
function viaLocalEndpoint(url, init = {}) {
  const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
  headers.host = url.host;
  const body = init.body ?? "";
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port: kvs.port, method: init.method ?? "GET", path: url.pathname + url.search, headers },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) out.set(k, [].concat(v).join(", "));
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: out }));
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("STUN for the service's endpoints (fetch answered locally, nothing leaves the machine)", () => {
  const cases = [
    ["us-west-2", "https://kinesisvideo.us-west-2.amazonaws.com", "stun:stun.kinesisvideo.us-west-2.amazonaws.com:443"],
    ["cn-north-1", "https://kinesisvideo.cn-north-1.amazonaws.com.cn", "stun:stun.kinesisvideo.cn-north-1.amazonaws.com.cn:443"],
    ["us-gov-west-1", "https://kinesisvideo.us-gov-west-1.amazonaws.com", "stun:stun.kinesisvideo.us-gov-west-1.amazonaws.com:443"],
  ];
  for (const [region, controlPlane, stun] of cases) {
    test(`${region}: STUN first unless TURN_ONLY, then the TURN entries; none with DISABLED`, T, async () => {
      const seen = [];
      redirect = (url, init) => {
        seen.push(url.origin);
        assert.equal(url.origin, controlPlane, `only the service's control plane is redirected, not ${url}`);
        return viaLocalEndpoint(url, init);
      };
      const aws = new KinesisVideoClient({ region, credentials, maxAttempts: 1 });
      assert.equal(aws.endpoint.replace(/\/$/, ""), controlPlane);
      const { name, arn } = await newChannel(aws);

      const full = await aws.connectSignaling({ channelName: name, role: "MASTER" });
      assert.equal(full.channelArn, arn);
      assert.deepEqual(full.iceServers[0], { urls: stun });
      assert.equal(full.iceServers.length, 3);
      for (const s of full.iceServers.slice(1)) {
        for (const u of s.urls) assert.match(u, /^turns?:/);
        assert.ok(s.username && s.credential);
      }

      const turnOnly = await aws.connectSignaling({ channelArn: arn, role: "VIEWER", clientId: "v1", natTraversal: "TURN_ONLY" });
      assert.equal(turnOnly.iceServers.length, 2);
      assert.ok(turnOnly.iceServers.every((s) => [].concat(s.urls).every((u) => /^turns?:/.test(u))));

      calls = [];
      const none = await aws.connectSignaling({ channelArn: arn, role: "VIEWER", clientId: "v1", natTraversal: "DISABLED" });
      assert.deepEqual(none.iceServers, []);
      assert.ok(!calls.some(isIceCall));
      assert.ok(seen.length > 0);
    });
  }
});
