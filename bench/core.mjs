// Runtime-independent part of the signing benchmark, used by Node (bench/sign.mjs) and by the
// Chromium page (bench/browser-entry.mjs, bundled with esbuild).
//
// The workload: one typical Kinesis Video control-plane call, signed one request at a time as an
// application would, with a session token and a fixed signing date (so every signer can reuse its
// cached signing key, as all three do in steady state).

export const REQUEST = {
  method: "POST",
  url: "https://kinesisvideo.us-west-2.amazonaws.com/describeStream",
  host: "kinesisvideo.us-west-2.amazonaws.com",
  path: "/describeStream",
  contentType: "application/json",
  body: '{"StreamName":"my-stream"}',
};
export const REGION = "us-west-2";
export const SERVICE = "kinesisvideo";

// A session token of realistic length (STS tokens run to several hundred characters).
const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
let tokenSeed = 0x2545f491;
const token = Array.from({ length: 740 }, () => {
  tokenSeed = (Math.imul(tokenSeed, 1103515245) + 12345) >>> 0;
  return TOKEN_ALPHABET[tokenSeed >>> 26];
}).join("");
export const CREDENTIALS = {
  accessKeyId: "ASIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjE" + token + "==",
};
export const SIGNING_DATE = new Date("2024-05-06T07:08:09Z");
const AMZ_DATE = "20240506T070809Z";

/**
 * The three signers, each a function signing a fresh request and returning its Authorization
 * value (ours synchronously, the others as promises).
 * deps: { signRequest, SignatureV4, Sha256, AwsV4Signer }
 */
export function createSigners({ signRequest, SignatureV4, Sha256, AwsV4Signer }) {
  const ours = () =>
    signRequest(
      {
        method: REQUEST.method,
        url: REQUEST.url,
        headers: { "content-type": REQUEST.contentType },
        body: REQUEST.body,
      },
      { credentials: CREDENTIALS, region: REGION, service: SERVICE, signingDate: SIGNING_DATE },
    ).headers.authorization;

  // One signer instance for the application's lifetime, as an SDK client keeps it.
  const smithySigner = new SignatureV4({
    credentials: CREDENTIALS,
    region: REGION,
    service: SERVICE,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  /** smithy's Authorization for the benchmark request carrying `headers` besides host. */
  const smithySign = async (headers) =>
    (
      await smithySigner.sign(
        {
          method: REQUEST.method,
          protocol: "https:",
          hostname: REQUEST.host,
          path: REQUEST.path,
          query: {},
          headers: { host: REQUEST.host, ...headers },
          body: REQUEST.body,
        },
        { signingDate: SIGNING_DATE },
      )
    ).headers.authorization;
  const smithy = () => smithySign({ "content-type": REQUEST.contentType });

  // aws4fetch's AwsClient creates one AwsV4Signer per request and shares its key cache.
  const cache = new Map();
  const aws4fetch = async () =>
    (
      await new AwsV4Signer({
        method: REQUEST.method,
        url: REQUEST.url,
        headers: { "content-type": REQUEST.contentType },
        body: REQUEST.body,
        accessKeyId: CREDENTIALS.accessKeyId,
        secretAccessKey: CREDENTIALS.secretAccessKey,
        sessionToken: CREDENTIALS.sessionToken,
        service: SERVICE,
        region: REGION,
        datetime: AMZ_DATE,
        cache,
      }).sign()
    ).headers.get("authorization");

  // Reference for aws4fetch, which does not sign content-type: smithy on the same request
  // without that header must give the same signature.
  const smithyWithoutContentType = () => smithySign({});

  return [
    { name: "kinesis-video-wasm signRequest", key: "ours", fn: ours, async: false },
    { name: "@smithy/signature-v4 + @aws-crypto/sha256-js", key: "smithy", fn: smithy, async: true },
    { name: "aws4fetch AwsV4Signer (WebCrypto)", key: "aws4fetch", fn: aws4fetch, async: true, reference: smithyWithoutContentType },
  ];
}

/** Checks that the signers compute real, matching signatures before timing them. */
export async function checkSigners(signers) {
  const problems = [];
  const byKey = Object.fromEntries(signers.map((s) => [s.key, s]));
  const ours = await byKey.ours.fn();
  const smithy = await byKey.smithy.fn();
  if (ours !== smithy) problems.push(`ours and smithy differ:\n  ${ours}\n  ${smithy}`);
  const a4f = await byKey.aws4fetch.fn();
  const a4fRef = await byKey.aws4fetch.reference();
  if (a4f !== a4fRef) problems.push(`aws4fetch and smithy (without content-type) differ:\n  ${a4f}\n  ${a4fRef}`);
  for (const s of signers) {
    const v = await s.fn();
    if (!/^AWS4-HMAC-SHA256 Credential=.*Signature=[0-9a-f]{64}$/.test(v)) problems.push(`${s.name}: bad authorization ${v}`);
  }
  return problems;
}

async function timeOne(signer, ms, now) {
  let n = 0;
  let sink = 0;
  const start = now();
  let elapsed = 0;
  if (signer.async) {
    do {
      for (let i = 0; i < 16; i++) sink += (await signer.fn()).length;
      n += 16;
      elapsed = now() - start;
    } while (elapsed < ms);
  } else {
    do {
      for (let i = 0; i < 64; i++) sink += signer.fn().length;
      n += 64;
      elapsed = now() - start;
    } while (elapsed < ms);
  }
  if (sink === 0) throw new Error("nothing signed");
  return { n, ms: elapsed };
}

/** SHA-256 compressions one signature of REQUEST needs (tests/sign_workload.rs checks it). */
export const COMPRESSIONS_PER_SIGNATURE = 22;

/**
 * The hashing floor: microseconds that COMPRESSIONS_PER_SIGNATURE compressions take in this
 * engine with the package's sha2 (bench/sha-floor, an instance of its wasm), median of slices.
 */
export function measureFloor(floorExports, { warmupMs = 300, durationMs = 1500, rounds = 10, now = () => performance.now() } = {}) {
  const run = (ms) => {
    let n = 0;
    const start = now();
    let elapsed;
    do {
      floorExports.compress(COMPRESSIONS_PER_SIGNATURE, 256);
      n += 256;
      elapsed = now() - start;
    } while (elapsed < ms);
    return (elapsed * 1000) / n;
  };
  run(warmupMs);
  const slices = Array.from({ length: rounds }, () => run(durationMs / rounds)).sort((a, b) => a - b);
  return slices[slices.length >> 1];
}

/**
 * Warm-up, then ~durationMs of sequential signing per signer, in `rounds` interleaved slices
 * (ours, smithy, aws4fetch, ours, ...) so that a burst of load on a shared machine hits every
 * signer alike; the rate reported is the median of the slices. Returns
 * [{ key, name, signsPerSecond, n, ms }].
 */
export async function runBench(signers, { warmupMs = 300, durationMs = 1500, rounds = 10, now = () => performance.now() } = {}) {
  for (const s of signers) await timeOne(s, warmupMs, now);
  const slices = signers.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of signers.entries()) slices[i].push(await timeOne(s, durationMs / rounds, now));
  }
  return signers.map((s, i) => {
    const rates = slices[i].map(({ n, ms }) => (n * 1000) / ms).sort((a, b) => a - b);
    const n = slices[i].reduce((sum, x) => sum + x.n, 0);
    const ms = slices[i].reduce((sum, x) => sum + x.ms, 0);
    return { key: s.key, name: s.name, n, ms, signsPerSecond: rates[rates.length >> 1] };
  });
}
