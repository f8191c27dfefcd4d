// presignSignalingUrl against the signer of the KVS WebRTC SDK for JavaScript
// (`SigV4RequestSigner.getSignedURL` of the npm package amazon-kinesis-video-streams-webrtc).
//
// The contract: for the same endpoint, channel ARN, client id, credentials, region and date the
// two URLs are byte-identical whenever the inputs hold none of `!'()*`. That SDK encodes the query
// with encodeURIComponent, which leaves those five characters as they are; strict SigV4 (and the
// service) escapes them, so there ours differs exactly in their encoding and is the correct one,
// shown here with @smithy/signature-v4 and with the local endpoint (which verifies with it).
//
// Generated inputs: regions of the aws, aws-cn and aws-us-gov partitions (known and made-up
// ones), WSS endpoints of the service's form with and without a path, channel ARNs with varied
// names and creation times, MASTER and VIEWER (with client ids: the service's alphabet, other
// printable ASCII, non-ASCII), access keys, secrets, session tokens of the STS form (base64 with
// `+`, `/` and `=`) or none, and dates from 1970 to 2099 with milliseconds.
//
// The seed is printed; replay with KVS_SIGNALING_DIFF_SEED=<int>, change the count with
// KVS_SIGNALING_DIFF_RUNS=<n> (at least 1000 unless a seed is given for a replay).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { SigV4RequestSigner } from "amazon-kinesis-video-streams-webrtc";
import { WebSocket } from "ws";
import { presignSignalingUrl, KinesisVideoClient } from "../../pkg/node.js";
import { startLocalEndpoint } from "../local-endpoint/server.mjs";

const SEED_GIVEN = process.env.KVS_SIGNALING_DIFF_SEED !== undefined;
const SEED = SEED_GIVEN ? Number(process.env.KVS_SIGNALING_DIFF_SEED) >>> 0 : 0x5f3759df;
const RUNS = process.env.KVS_SIGNALING_DIFF_RUNS !== undefined ? Number(process.env.KVS_SIGNALING_DIFF_RUNS) : 1500;
const MIN_RUNS = 1000;

// ---------------------------------------------------------------------------------------------
// A small seeded PRNG (mulberry32) and helpers over it.

function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (items) => items[int(0, items.length - 1)];
  const chance = (p) => next() < p;
  const string = (alphabet, min, max) => {
    const chars = [...alphabet];
    let s = "";
    for (let i = int(min, max); i > 0; i--) s += pick(chars);
    return s;
  };
  return { next, int, pick, chance, string };
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const BASE64 = ALNUM + "+/";
const NAME_CHARS = ALNUM + "_.-";
const HEX = "0123456789abcdef";
/** Printable ASCII without `!'()*` (the characters the SDK leaves unescaped). */
const PRINTABLE = [...Array(95)].map((_, i) => String.fromCharCode(32 + i)).filter((c) => !"!'()*".includes(c)).join("");
const NON_ASCII = ["é", "ß", "Ω", "中", "文", "€", "😀", "𝄞", "\u00a0", "ü"];
const SDK_UNESCAPED = /[!'()*]/;

const KNOWN_REGIONS = {
  aws: ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1", "ca-central-1", "af-south-1"],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
  "aws-us-gov": ["us-gov-west-1", "us-gov-east-1"],
};
const DNS_SUFFIX = { aws: "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com" };

function genRegion(r) {
  const partition = r.pick(["aws", "aws", "aws", "aws-cn", "aws-us-gov"]);
  if (r.chance(0.8)) return { partition, region: r.pick(KNOWN_REGIONS[partition]) };
  const prefix = partition === "aws-cn" ? "cn" : partition === "aws-us-gov" ? "us-gov" : r.pick(["us", "eu", "ap", "me", "il", "mx"]);
  const region = `${prefix}-${r.pick(["north", "south", "east", "west", "central", "northeast", "southeast"])}-${r.int(1, 9)}`;
  return { partition, region };
}

function genPath(r) {
  if (r.chance(0.5)) return "";
  const segments = [];
  for (let i = r.int(1, 4); i > 0; i--) segments.push(r.string(ALNUM + "-._~", 1, 12));
  return "/" + segments.join("/") + (r.chance(0.2) ? "/" : "");
}

function genClientId(r) {
  let id;
  switch (r.int(0, 5)) {
    case 0:
      id = `viewer-${r.int(0, 99999)}`;
      break;
    case 1:
      id = r.string(NAME_CHARS, 1, 256);
      break;
    case 2:
      id = r.string(PRINTABLE, 1, 64);
      break;
    case 3:
      id = r.string(NAME_CHARS, 1, 10) + r.pick(NON_ASCII) + r.string(NAME_CHARS, 0, 10);
      break;
    default:
      id = r.string(NAME_CHARS, 1, 40);
  }
  return id.startsWith("AWS_") ? "x" + id.slice(1) : id;
}

function genCredentials(r) {
  const temporary = r.chance(0.5);
  const credentials = {
    accessKeyId: (temporary ? "ASIA" : "AKIA") + r.string(UPPER + "234567", 16, 16),
    secretAccessKey: r.string(BASE64, 40, 40),
  };
  if (temporary) {
    const body = r.string(BASE64, 40, 900);
    credentials.sessionToken = body + "=".repeat((4 - (body.length % 4)) % 4 || r.int(0, 2));
  }
  return credentials;
}

function genCase(r) {
  const { partition, region } = genRegion(r);
  const role = r.chance(0.5) ? "MASTER" : "VIEWER";
  const host = `${role === "MASTER" ? "m" : "v"}-${r.string(HEX, 8, 8)}.kinesisvideo.${region}.${DNS_SUFFIX[partition]}`;
  const endpoint = `wss://${host}${genPath(r)}`;
  const createdMs = r.int(1_500_000_000_000, 1_900_000_000_000);
  const channelArn = `arn:${partition}:kinesisvideo:${region}:${r.string(DIGITS, 12, 12)}:channel/${r.string(NAME_CHARS, 1, 256)}/${createdMs}`;
  const clientId = role === "VIEWER" ? genClientId(r) : undefined;
  const credentials = genCredentials(r);
  // 1970 to 2099, with milliseconds.
  const signingDate = new Date(r.int(0, Date.UTC(2099, 11, 31, 23, 59, 59, 999)));
  const explicitExpires = r.chance(0.3);
  return { partition, region, endpoint, channelArn, role, clientId, credentials, signingDate, explicitExpires };
}

// ---------------------------------------------------------------------------------------------
// The two signers.

function ours(c, extra = {}) {
  return presignSignalingUrl({
    endpoint: c.endpoint,
    channelArn: c.channelArn,
    role: c.role,
    ...(c.clientId !== undefined ? { clientId: c.clientId } : {}),
    credentials: c.credentials,
    region: c.region,
    ...(c.explicitExpires ? { expiresIn: 299 } : {}),
    signingDate: c.signingDate,
    ...extra,
  });
}

function theirs(c) {
  const query = { "X-Amz-ChannelARN": c.channelArn };
  if (c.clientId !== undefined) query["X-Amz-ClientId"] = c.clientId;
  return new SigV4RequestSigner(c.region, c.credentials).getSignedURL(c.endpoint, query, c.signingDate);
}

/** The signature strict SigV4 gives for the same presigned GET (@smithy/signature-v4). */
async function smithySignature(c, expiresIn = 299) {
  const url = new URL(c.endpoint);
  const query = { "X-Amz-ChannelARN": c.channelArn };
  if (c.clientId !== undefined) query["X-Amz-ClientId"] = c.clientId;
  const signer = new SignatureV4({ service: "kinesisvideo", region: c.region, credentials: c.credentials, sha256: Sha256, uriEscapePath: false });
  const signed = await signer.presign(
    { method: "GET", protocol: url.protocol, hostname: url.hostname, path: url.pathname, query, headers: { host: url.host } },
    { signingDate: c.signingDate, expiresIn },
  );
  return signed.query["X-Amz-Signature"];
}

const queryOf = (url) => new URL(url.replace(/^wss?:/, "https:")).searchParams;

// ---------------------------------------------------------------------------------------------

const SAMPLE = {
  partition: "aws",
  region: "us-west-2",
  endpoint: "wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com",
  channelArn: "arn:aws:kinesisvideo:us-west-2:123456789012:channel/demo-channel/1705489836421",
  role: "VIEWER",
  clientId: "viewer-1",
  credentials: {
    accessKeyId: "ASIAQWERTYUIOPASDFGH",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQD+abc/def==",
  },
  signingDate: new Date(Date.UTC(2024, 0, 17, 11, 10, 36, 421)),
  explicitExpires: false,
};

test(`generated inputs give byte-identical URLs (seed ${SEED}, ${RUNS} cases)`, { timeout: 120000 }, async (t) => {
  if (!SEED_GIVEN) assert.ok(RUNS >= MIN_RUNS, `at least ${MIN_RUNS} generated cases are required, got ${RUNS}`);
  t.diagnostic(`seed ${SEED} (replay: KVS_SIGNALING_DIFF_SEED=${SEED})`);
  console.log(`signaling differential: seed ${SEED}, ${RUNS} cases`);
  const r = prng(SEED);
  const seen = { cn: 0, gov: 0, path: 0, noPath: 0, token: 0, noToken: 0, viewer: 0, master: 0, nonAscii: 0, before2000: 0 };
  for (let i = 0; i < RUNS; i++) {
    const c = genCase(r);
    // The generator never produces the characters the SDK leaves unescaped (tested separately).
    assert.ok(!SDK_UNESCAPED.test(c.channelArn + (c.clientId ?? "") + c.credentials.sessionToken), "generator produced !'()*");
    const expected = await theirs(c);
    const actual = ours(c);
    if (actual !== expected) {
      assert.equal(actual, expected, `case ${i} (seed ${SEED}) differs:\n${JSON.stringify({ ...c, signingDate: c.signingDate.toISOString() }, null, 1)}`);
    }
    seen.cn += c.partition === "aws-cn";
    seen.gov += c.partition === "aws-us-gov";
    seen[new URL(c.endpoint.replace("wss:", "https:")).pathname === "/" ? "noPath" : "path"]++;
    seen[c.credentials.sessionToken ? "token" : "noToken"]++;
    seen[c.role === "VIEWER" ? "viewer" : "master"]++;
    seen.nonAscii += /[^\x00-\x7f]/.test(c.clientId ?? "");
    seen.before2000 += c.signingDate.getTime() < Date.UTC(2000, 0, 1);
  }
  t.diagnostic(`coverage ${JSON.stringify(seen)}`);
  for (const [what, count] of Object.entries(seen)) assert.ok(count >= 10, `too few generated cases of kind ${what}: ${count}`);
});

test("a known URL is the same from both signers, and ws:// endpoints sign like wss:// ones", async () => {
  const expected = await theirs(SAMPLE);
  assert.equal(ours(SAMPLE), expected);
  assert.ok(expected.startsWith("wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-ChannelARN="));
  // The scheme is not signed: a ws:// endpoint gives the same query and signature.
  assert.equal(ours({ ...SAMPLE, endpoint: SAMPLE.endpoint.replace("wss:", "ws:") }), expected.replace("wss:", "ws:"));
  // And with a path.
  const withPath = { ...SAMPLE, endpoint: SAMPLE.endpoint + "/path/seg" };
  assert.equal(ours(withPath), await theirs(withPath));
  assert.ok(ours(withPath).startsWith(withPath.endpoint + "?X-Amz-Algorithm="));
});

test("!'()* in the inputs: only their encoding differs from the SDK, and ours is strict SigV4", async () => {
  const cases = [
    { ...SAMPLE, clientId: "a(b)*!" },
    { ...SAMPLE, clientId: "it's-(me)" },
    { ...SAMPLE, role: "MASTER", clientId: undefined, channelArn: "arn:aws:kinesisvideo:us-west-2:123456789012:channel/wow!(x)*'/1705489836421" },
    { ...SAMPLE, credentials: { ...SAMPLE.credentials, sessionToken: SAMPLE.credentials.sessionToken + "*(!)'" } },
  ];
  const strict = { "!": "%21", "'": "%27", "(": "%28", ")": "%29", "*": "%2A" };
  for (const c of cases) {
    const mine = ours(c);
    const sdk = await theirs(c);
    assert.notEqual(mine, sdk);
    const strip = (url) => url.replace(/X-Amz-Signature=[0-9a-f]{64}/, "X-Amz-Signature=");
    // The SDK's query with those characters escaped is ours, apart from the signature.
    assert.equal(strip(sdk).replace(/[!'()*]/g, (ch) => strict[ch]), strip(mine));
    assert.ok(!SDK_UNESCAPED.test(mine), "ours leaves none of !'()* unescaped");
    // Both carry the same decoded values.
    const [a, b] = [queryOf(mine), queryOf(sdk)];
    for (const key of ["X-Amz-ChannelARN", "X-Amz-ClientId", "X-Amz-Security-Token"]) assert.equal(a.get(key), b.get(key));
    // Strict SigV4 (@smithy/signature-v4) computes our signature, not the SDK's.
    const reference = await smithySignature(c);
    assert.equal(a.get("X-Amz-Signature"), reference);
    assert.notEqual(b.get("X-Amz-Signature"), reference);
  }
});

test("without those characters, strict SigV4 agrees with both (a cross-check of the reference)", async () => {
  assert.equal(queryOf(ours(SAMPLE)).get("X-Amz-Signature"), await smithySignature(SAMPLE));
  const master = { ...SAMPLE, role: "MASTER", clientId: undefined, credentials: { ...SAMPLE.credentials, sessionToken: undefined } };
  assert.equal(queryOf(ours(master)).get("X-Amz-Signature"), await smithySignature(master));
});

test("the session token is signed into the query; without one there is no X-Amz-Security-Token", async () => {
  const url = ours(SAMPLE);
  const q = queryOf(url);
  assert.equal(q.get("X-Amz-Security-Token"), SAMPLE.credentials.sessionToken);
  assert.equal(q.get("X-Amz-SignedHeaders"), "host");
  assert.ok(url.includes("&X-Amz-Security-Token=" + encodeURIComponent(SAMPLE.credentials.sessionToken) + "&X-Amz-Signature="));
  // It is part of what is signed: another token, another signature.
  const other = ours({ ...SAMPLE, credentials: { ...SAMPLE.credentials, sessionToken: SAMPLE.credentials.sessionToken.replace("+", "/") } });
  assert.notEqual(queryOf(other).get("X-Amz-Signature"), q.get("X-Amz-Signature"));
  const none = ours({ ...SAMPLE, credentials: { accessKeyId: "AKIAQWERTYUIOPASDFGH", secretAccessKey: SAMPLE.credentials.secretAccessKey } });
  assert.equal(queryOf(none).has("X-Amz-Security-Token"), false);
  assert.equal(queryOf(none).get("X-Amz-SignedHeaders"), "host");
  // An empty token is no token (the SDK skips it too).
  const empty = { ...SAMPLE, credentials: { ...SAMPLE.credentials, sessionToken: "" } };
  assert.equal(ours(empty), await theirs(empty));
});

test("expiresIn is honoured: X-Amz-Expires and the signature follow it (default 299)", async () => {
  assert.equal(queryOf(ours(SAMPLE)).get("X-Amz-Expires"), "299");
  for (const expiresIn of [1, 60, 298, 300, 3600, 604800]) {
    const url = ours(SAMPLE, { expiresIn });
    const q = queryOf(url);
    assert.equal(q.get("X-Amz-Expires"), String(expiresIn));
    assert.equal(q.get("X-Amz-Signature"), await smithySignature(SAMPLE, expiresIn));
    assert.notEqual(q.get("X-Amz-Signature"), queryOf(ours(SAMPLE)).get("X-Amz-Signature"));
  }
  // The date goes in to the second; milliseconds do not change the URL.
  const whole = new Date(Math.floor(SAMPLE.signingDate.getTime() / 1000) * 1000);
  assert.equal(ours({ ...SAMPLE, signingDate: whole }), ours(SAMPLE));
  assert.equal(queryOf(ours(SAMPLE)).get("X-Amz-Date"), "20240117T111036Z");
  // Without signingDate the current time is used.
  const before = Date.now();
  const date = queryOf(ours({ ...SAMPLE, signingDate: undefined })).get("X-Amz-Date");
  const ms = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15));
  assert.ok(ms >= Math.floor(before / 1000) * 1000 - 1000 && ms <= Date.now() + 1000, date);
});

test("dates at the edges give the SDK's URL (before 1970, leap day, end of a year)", async () => {
  for (const ms of [Date.UTC(1969, 11, 31, 23, 59, 59, 999), -1, 0, Date.UTC(2024, 1, 29, 23, 59, 59, 500), Date.UTC(2099, 11, 31, 23, 59, 59, 999), Date.UTC(1900, 0, 1)]) {
    const c = { ...SAMPLE, signingDate: new Date(ms) };
    assert.equal(ours(c), await theirs(c), new Date(ms).toISOString());
  }
});

test("bad inputs throw a TypeError naming the field", () => {
  const base = {
    endpoint: SAMPLE.endpoint,
    channelArn: SAMPLE.channelArn,
    role: "VIEWER",
    clientId: "viewer-1",
    credentials: SAMPLE.credentials,
    region: "us-west-2",
  };
  const bad = [
    [undefined, "args"],
    [null, "args"],
    ["wss://x", "args"],
    [{ ...base, endpoint: undefined }, "args.endpoint"],
    [{ ...base, endpoint: 42 }, "args.endpoint"],
    [{ ...base, endpoint: "https://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com" }, "args.endpoint"],
    [{ ...base, endpoint: "v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com" }, "args.endpoint"],
    [{ ...base, endpoint: SAMPLE.endpoint + "/?a=b" }, "args.endpoint"],
    [{ ...base, channelArn: undefined }, "args.channelArn"],
    [{ ...base, channelArn: "" }, "args.channelArn"],
    [{ ...base, role: undefined }, "args.role"],
    [{ ...base, role: "viewer" }, "args.role"],
    [{ ...base, role: "ADMIN" }, "args.role"],
    [{ ...base, clientId: undefined }, "args.clientId"],
    [{ ...base, clientId: "" }, "args.clientId"],
    [{ ...base, clientId: "AWS_viewer" }, "args.clientId"],
    [{ ...base, clientId: "x".repeat(257) }, "args.clientId"],
    [{ ...base, clientId: 7 }, "args.clientId"],
    [{ ...base, role: "MASTER" }, "args.clientId"],
    [{ ...base, credentials: undefined }, "args.credentials"],
    [{ ...base, credentials: { secretAccessKey: "s" } }, "args.credentials.accessKeyId"],
    [{ ...base, credentials: { accessKeyId: "AKIAQWERTYUIOPASDFGH" } }, "args.credentials.secretAccessKey"],
    [{ ...base, region: undefined }, "args.region"],
    [{ ...base, region: "" }, "args.region"],
    [{ ...base, expiresIn: 0 }, "args.expiresIn"],
    [{ ...base, expiresIn: 604801 }, "args.expiresIn"],
    [{ ...base, expiresIn: 1.5 }, "args.expiresIn"],
    [{ ...base, expiresIn: "299" }, "args.expiresIn"],
    [{ ...base, expiresIn: -5 }, "args.expiresIn"],
    [{ ...base, signingDate: "2024-01-01" }, "args.signingDate"],
    [{ ...base, signingDate: new Date(NaN) }, "args.signingDate"],
    [{ ...base, signingDate: 1705489836421 }, "args.signingDate"],
  ];
  for (const [args, field] of bad) {
    assert.throws(
      () => presignSignalingUrl(args),
      (e) => e instanceof TypeError && new RegExp(`^${field.replace(/\./g, "\\.")}\\b`).test(e.message),
      `${field}: ${JSON.stringify(args)?.slice(0, 200)}`,
    );
  }
  // The boundaries themselves are fine.
  assert.ok(presignSignalingUrl({ ...base, clientId: "x".repeat(256), expiresIn: 604800 }).includes("X-Amz-Expires=604800"));
  assert.ok(presignSignalingUrl({ ...base, expiresIn: 1 }).includes("X-Amz-Expires=1&"));
});

test("an endpoint with a #fragment never yields a URL without the channel ARN and client id", () => {
  // The channel ARN and client id must end up in the signed query, whatever the endpoint string;
  // an endpoint the URL cannot carry them after is to be refused like one with a query string.
  for (const endpoint of [SAMPLE.endpoint + "#frag", SAMPLE.endpoint + "/path#", SAMPLE.endpoint + "#"]) {
    let url;
    try {
      url = ours({ ...SAMPLE, endpoint });
    } catch (e) {
      assert.ok(e instanceof TypeError && e.message.startsWith("args.endpoint"), `${endpoint}: ${e}`);
      continue;
    }
    const q = queryOf(url);
    assert.ok(!url.includes("#"), `${endpoint} -> ${url}`);
    assert.equal(q.get("X-Amz-ChannelARN"), SAMPLE.channelArn, `${endpoint} -> ${url}`);
    assert.equal(q.get("X-Amz-ClientId"), SAMPLE.clientId, `${endpoint} -> ${url}`);
  }
});

// ---------------------------------------------------------------------------------------------
// The local endpoint verifies signatures with @smithy/signature-v4: it accepts ours for inputs
// with !'()* and refuses the SDK's.

let endpoint;
before(async () => {
  endpoint = await startLocalEndpoint({ port: 0, host: "127.0.0.1", activationDelayMs: 20 });
}, { timeout: 10000 });
after(() => endpoint?.close());

/** Opens a WebSocket and reports how the handshake ended: `{ open: true }` or the refusal. */
function handshake(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("open", () => {
      ws.close();
      resolve({ open: true });
    });
    ws.on("unexpected-response", (req, res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ open: false, status: res.statusCode, error: res.headers["x-amzn-errortype"], body: text });
        req.destroy();
      });
    });
    ws.on("error", (e) => reject(e));
  });
}

test("the local endpoint accepts our signature for inputs with !'()* and refuses the SDK's", { timeout: 15000 }, async () => {
  const credentials = { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey };
  const client = new KinesisVideoClient({ region: "us-west-2", credentials, endpoint: endpoint.url });
  const { ChannelARN } = await client.createSignalingChannel({ ChannelName: "strict-encoding" });
  const deadline = Date.now() + 5000;
  while ((await client.describeSignalingChannel({ ChannelARN })).ChannelInfo.ChannelStatus !== "ACTIVE") {
    assert.ok(Date.now() < deadline, "the channel did not become ACTIVE");
    await new Promise((r) => setTimeout(r, 20));
  }
  const { ResourceEndpointList } = await client.getSignalingChannelEndpoint({
    ChannelARN,
    SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS"], Role: "VIEWER" },
  });
  const wss = ResourceEndpointList[0].ResourceEndpoint;
  assert.match(wss, /^ws:\/\/127\.0\.0\.1:\d+\/signaling\/v-[0-9a-f]{8}$/);
  const c = { ...SAMPLE, endpoint: wss, channelArn: ChannelARN, credentials, clientId: "a(b)*!", signingDate: new Date() };

  // Ours passes the signature check; the service then refuses the client id itself (400, not 403).
  const mine = await handshake(ours(c));
  assert.equal(mine.status, 400, mine.body);
  assert.equal(mine.error, "InvalidArgumentException");
  assert.match(mine.body, /ClientId/);
  // The SDK's (signed over wss://, connected over ws://: the scheme is not signed) fails the signature.
  const sdk = await handshake((await theirs({ ...c, endpoint: wss.replace("ws:", "wss:") })).replace("wss:", "ws:"));
  assert.equal(sdk.status, 403, sdk.body);
  assert.equal(sdk.error, "AccessDeniedException");
  assert.match(sdk.body, /signature/i);

  // With a valid client id both open.
  const valid = { ...c, clientId: "viewer-ok" };
  assert.deepEqual(await handshake(ours(valid)), { open: true });
  assert.deepEqual(await handshake((await theirs({ ...valid, endpoint: wss.replace("ws:", "wss:") })).replace("wss:", "ws:")), { open: true });
});
