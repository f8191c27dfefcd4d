// Runtime-independent part of the call benchmark (bench/calls.mjs): the workload and the timing
// loop, used in Node and, bundled by esbuild, in the Chromium pages.

export const REGION = "us-west-2";
export const STREAM = "bench-stream";
/** The local endpoint's fixed credentials (tests/local-endpoint/README.md). */
export const CREDENTIALS = { accessKeyId: "AKIAKVSLOCAL00000000", secretAccessKey: "kvs-local-secret" };

/** One describeStream through our client. */
export function oursCall(client) {
  return () => client.describeStream({ StreamName: STREAM });
}

/** One DescribeStream through the AWS SDK's client. */
export function sdkCall(client, DescribeStreamCommand) {
  return () => client.send(new DescribeStreamCommand({ StreamName: STREAM }));
}

/**
 * The floor: the same describeStream request, signed once with `signRequest`, sent again and again
 * with a bare `fetch`, the response body read and parsed.
 */
export function rawCall(endpoint, signRequest) {
  const body = JSON.stringify({ StreamName: STREAM });
  const signed = signRequest(
    { method: "POST", url: `${endpoint}/describeStream`, headers: { "content-type": "application/json" }, body },
    { credentials: CREDENTIALS, region: REGION, service: "kinesisvideo" },
  );
  // fetch sets Host itself (and a browser refuses a Host header).
  const { host: _host, ...headers } = signed.headers;
  return async () => {
    const response = await fetch(signed.url, { method: "POST", headers, body });
    const out = await response.json();
    if (response.status !== 200) throw new Error(`raw fetch: HTTP ${response.status} ${JSON.stringify(out)}`);
    return out;
  };
}

/** Checks that a call answers with the benchmark's stream before anything is timed. */
export async function check(name, call) {
  const out = await call();
  const got = out?.StreamInfo?.StreamName;
  if (got !== STREAM) throw new Error(`${name}: unexpected output ${JSON.stringify(out)}`);
}

/**
 * Mean microseconds per call of each of `calls` ({ key: fn }), `count` sequential calls each,
 * taken in `rounds` interleaved slices (a, b, c, a, b, c, ...) so that a burst of load on a
 * shared machine hits every side alike; the median slice is reported.
 */
export async function perCall(calls, { count = 2000, rounds = 8, warmup = 200, now = () => performance.now() } = {}) {
  const keys = Object.keys(calls);
  for (const key of keys) for (let i = 0; i < warmup; i++) await calls[key]();
  const slices = Object.fromEntries(keys.map((k) => [k, []]));
  const per = Math.ceil(count / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const key of keys) {
      const start = now();
      for (let i = 0; i < per; i++) await calls[key]();
      slices[key].push(((now() - start) * 1000) / per);
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return Object.fromEntries(keys.map((k) => [k, median(slices[k])]));
}
