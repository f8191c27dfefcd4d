// The hostile-input fuzzer, runtime-independent: run by tests/node/fuzz-inputs.test.mjs in Node
// and by tests/browser/fuzz-inputs.test.mjs in headless Chromium. Generated calls of every export
// and client method with hostile JS values: wrong types, missing and extra members, null, 1 MB
// strings, deep nesting, NaN/Infinity/-0/huge numbers, BigInt, Symbol, lone surrogates,
// __proto__/constructor keys, Proxies and getters that throw, frozen objects, invalid Dates,
// arrays for objects, functions.
//
// Each call must return, or throw/reject an Error; client methods must reject, never throw; no
// wasm trap; and after every 100 bad calls a valid signRequest and a valid client call still
// succeed. The runner reports problems with the seed and call number that reproduce them.

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WAIT = { maxWaitTime: 0.05, minDelay: 0.01, maxDelay: 0.02 };
const MB = "x".repeat(1 << 20);
let deep = {};
for (let i = 0; i < 10_000; i++) deep = { a: deep, StreamName: deep };
const revoked = () => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
};
const thrower = () => {
  throw new Error("fuzz getter");
};

/** Hostile values; each entry makes a fresh one. */
const HOSTILE = [
  () => undefined,
  () => null,
  () => true,
  () => 0,
  () => -0,
  () => NaN,
  () => Infinity,
  () => -Infinity,
  () => 1e308,
  () => 2 ** 53 + 1,
  () => -1,
  () => 1.5,
  () => 10n,
  () => Symbol("fuzz"),
  () => "",
  () => "x",
  () => MB,
  () => "\ud800",
  () => "a\udc00b",
  () => "__proto__",
  () => "us-east-1\n",
  () => ({}),
  () => [],
  () => [["a", "b"]],
  () => Object.freeze({ StreamName: "s" }),
  () => JSON.parse('{"__proto__": {"x": 1}, "constructor": 1}'),
  () => new Proxy({}, { get: thrower, ownKeys: thrower, getPrototypeOf: thrower, has: thrower }),
  () => new Proxy([], { get: thrower }),
  () => revoked(),
  () => ({ get StreamName() { return thrower(); }, get accessKeyId() { return thrower(); } }),
  () => new Date(NaN),
  () => new Date(0),
  () => () => 1,
  () => function () { return thrower(); },
  () => async () => ({ accessKeyId: 5 }),
  () => new Uint8Array(3),
  () => new ArrayBuffer(2),
  () => new Map([["a", 1]]),
  () => deep,
  () => Object.defineProperty([], 0, { get: thrower }),
  () => new AbortController(),
];

/**
 * Runs `calls` generated calls against `pkg` (the package's exports). `endpoint` must answer
 * describeStream({ StreamName: "s" }) with that stream, for `credentials`; `webSocket` is the
 * WebSocket class signaling sessions use where there is no global one. Resolves to the list of
 * problems found (empty when every call behaved).
 */
export async function fuzzInputs(pkg, { calls: total, seed, endpoint, credentials, webSocket }) {
  const rand = mulberry32(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const hostile = () => pick(HOSTILE)();
  const CREDS = credentials;
  const OPTS = { credentials: CREDS, region: "us-east-1", service: "kinesisvideo" };
  const config = () => ({ region: "us-east-1", credentials: CREDS, endpoint, maxAttempts: 1 });
  const problems = [];
  let calls = 0;
  const record = (what, message) => problems.push(`call ${calls} (FUZZ_SEED=${seed}): ${what}: ${message}`);

  /** `options` made to fail fast where it is an object that takes them: no reconnecting, a short
   *  connect timeout, the `webSocket` class. */
  function withQuickFailure(options) {
    try {
      Object.assign(options, { webSocket, reconnect: { maxAttempts: 0 }, connectTimeoutMs: 200 });
    } catch {
      // frozen, revoked or not an object: given as it is
    }
    return options;
  }

  /** A valid value with one member replaced, removed or added, or a hostile value outright. */
  function mutate(valid) {
    const r = rand();
    if (r < 0.2 || valid === null || typeof valid !== "object") return hostile();
    const out = Array.isArray(valid) ? [...valid] : { ...valid };
    const keys = Object.keys(out);
    if (r < 0.35 || keys.length === 0) {
      out[pick(["extra", "__proto__", "constructor", "StreamName", "0"])] = hostile();
    } else if (r < 0.45) {
      delete out[pick(keys)];
    } else {
      const k = pick(keys);
      out[k] = rand() < 0.3 ? mutate(out[k]) : hostile();
    }
    return out;
  }

  function checkError(what, e) {
    if (!(e instanceof Error)) return record(what, `a non-Error was thrown: ${String(e)}`);
    if (e instanceof WebAssembly.RuntimeError) return record(what, `a wasm trap: ${e.message}`);
    if (!e.message) record(what, `an Error without a message (${e.name})`);
  }

  /** Runs one generated call: sync exports may throw, async methods must return a promise. */
  async function run(what, f, async) {
    calls++;
    let result;
    try {
      result = f();
    } catch (e) {
      if (async) record(what, `threw synchronously instead of rejecting: ${e?.message ?? e}`);
      else checkError(what, e);
      return;
    }
    if (async) {
      if (!(result instanceof Promise) && !(result?.[Symbol.asyncIterator])) {
        return record(what, "returned no promise");
      }
      if (result instanceof Promise) await result.catch((e) => checkError(what, e));
    }
  }

  async function assertAlive(where) {
    const signed = pkg.signRequest({ method: "POST", url: "https://kinesisvideo.us-east-1.amazonaws.com/" }, OPTS);
    if (!/^AWS4-HMAC-SHA256 /.test(signed.headers.authorization)) throw new Error(`${where}: signRequest no longer signs`);
    const out = await new pkg.KinesisVideoClient(config()).describeStream({ StreamName: "s" });
    if (out.StreamInfo.StreamName !== "s") throw new Error(`${where}: a valid call no longer works`);
  }

  // The operation methods; `__*` methods are the package's own calls between its JS and wasm.
  const OPERATIONS = Object.getOwnPropertyNames(pkg.KinesisVideoClient.prototype).filter(
    (m) => !m.startsWith("__") && !["constructor", "free", "endpoint", "connectSignaling"].includes(m),
  );
  const SIGNALING_OPERATIONS = ["getIceServerConfig", "sendAlexaOfferToMaster"];
  // The media services' clients and their operation methods.
  const MEDIA_CLIENTS = ["KinesisVideoArchivedMediaClient", "KinesisVideoMediaClient", "KinesisVideoWebRTCStorageClient"].map((name) => [
    name,
    Object.getOwnPropertyNames(pkg[name].prototype).filter((m) => m !== "constructor"),
  ]);
  const range = { StartTimestamp: new Date(0), EndTimestamp: new Date(1000) };
  const MEDIA_INPUT = {
    StreamName: "s",
    Fragments: ["1"],
    FragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: range },
    ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: range },
    StartSelector: { StartSelectorType: "NOW" },
    channelArn: "arn:aws:kinesisvideo:us-east-1:1:channel/c/1",
    clientId: "v",
  };

  /** The generated calls, each `[name, () => result, async]`. */
  const TARGETS = [
    () => ["signRequest", () => pkg.signRequest(mutate({ method: "POST", url: "https://h/p?q=1", headers: { a: "b" }, body: "x" }), mutate(OPTS)), false],
    () => ["presignUrl", () => pkg.presignUrl(mutate({ url: "wss://h/p", headers: [["a", "b"]] }), mutate({ ...OPTS, expiresIn: 60 })), false],
    () => [
      "presignSignalingUrl",
      () => pkg.presignSignalingUrl(mutate({ endpoint: "wss://h", channelArn: "arn:aws:kinesisvideo:us-east-1:1:channel/c/1", role: "VIEWER", clientId: "v", credentials: CREDS, region: "us-east-1" })),
      false,
    ],
    () => ["new KinesisVideoClient", () => new pkg.KinesisVideoClient(mutate(config())), false],
    () => ["new KinesisVideoSignalingClient", () => new pkg.KinesisVideoSignalingClient(mutate(config())), false],
    () => {
      const method = pick(OPERATIONS);
      const c = new pkg.KinesisVideoClient(config());
      return [`KinesisVideoClient.${method}`, () => c[method](mutate({ StreamName: "s", Tags: { a: "b" }, TagKeyList: ["a"] }), rand() < 0.2 ? mutate({}) : undefined), true];
    },
    () => {
      const method = pick(SIGNALING_OPERATIONS);
      const c = new pkg.KinesisVideoSignalingClient(config());
      return [`KinesisVideoSignalingClient.${method}`, () => c[method](mutate({ ChannelARN: "arn:aws:kinesisvideo:us-east-1:1:channel/c/1" })), true];
    },
    () => {
      const [name, methods] = pick(MEDIA_CLIENTS);
      return [`new ${name}`, () => new pkg[name](mutate(config())), false];
    },
    () => {
      const [name, methods] = pick(MEDIA_CLIENTS);
      const method = pick(methods);
      const c = new pkg[name](config());
      return [`${name}.${method}`, () => c[method](mutate(MEDIA_INPUT), rand() < 0.2 ? mutate({}) : undefined), true];
    },
    () => {
      const c = new pkg.KinesisVideoClient(config());
      return ["dataEndpointClient", () => c.dataEndpointClient(rand() < 0.5 ? "GET_CLIP" : hostile(), mutate({ StreamName: "s" }), rand() < 0.2 ? mutate({}) : undefined), true];
    },
    () => {
      const c = new pkg.KinesisVideoClient(config());
      return ["connectSignaling", () => c.connectSignaling(mutate({ channelName: "c", role: "VIEWER", clientId: "v" }), mutate({})), true];
    },
    () => {
      // A credentials provider that gives a hostile value (or throws, or rejects).
      const given = hostile();
      const c = new pkg.KinesisVideoClient({ ...config(), credentials: () => (typeof given === "function" ? given() : given) });
      return ["credentials provider", () => c.describeStream({ StreamName: "s" }), true];
    },
    () => {
      // The package's internal methods (its JS calls them with its own values) are still reachable
      // by any caller: hostile arguments must give a value or an Error, never a hang or a trap.
      const c = new pkg.KinesisVideoClient(config());
      const internal = Object.getOwnPropertyNames(pkg.KinesisVideoClient.prototype).filter((m) => m.startsWith("__") && m !== "__destroy_into_raw");
      const method = pick([...internal, "call"]);
      if (method !== "call") return [`KinesisVideoClient.${method}`, () => c[method](hostile(), hostile(), hostile(), hostile(), hostile()), false];
      return [
        "Call",
        () => {
          const call = c.__start(11, { StreamName: "s" }, undefined);
          try {
            for (const m of ["request", "response", "failure", "aborted", "signal"]) {
              const f = call[m];
              try {
                typeof f === "function" ? f.call(call, hostile(), hostile(), hostile()) : void f;
              } catch (e) {
                checkError(`Call.${m}`, e);
              }
            }
          } finally {
            call.free();
          }
        },
        false,
      ];
    },
    () => {
      // Made, sent on (queued: it is never opened here, so nothing reaches the network), closed.
      const method = pick(["sendSdpOffer", "sendSdpAnswer", "sendIceCandidate"]);
      return [
        `SignalingSession.${method}`,
        () => {
          const s = new pkg.SignalingSession(mutate({ role: "MASTER", wssUrl: "ws://127.0.0.1:1/", webSocket, keepCodecs: ["H264"], reconnect: { maxAttempts: 1 } }));
          try {
            s[method](mutate({ type: "offer", sdp: "v=0", candidate: "candidate:1" }), rand() < 0.5 ? "viewer-1" : hostile(), mutate({ correlationId: "c" }));
          } finally {
            s.close();
          }
        },
        false,
      ];
    },
    () => {
      // A session to nowhere (a closed port, no retries): it must reject, not hang or throw.
      const options = withQuickFailure(mutate({ clientId: "v", wssUrl: "ws://127.0.0.1:1/", dataChannel: "d" }));
      return ["connectViewer", () => pkg.connectViewer(options), true];
    },
    () => {
      const options = withQuickFailure(mutate({ wssUrl: "ws://127.0.0.1:1/", maxViewers: 2 }));
      return ["connectMaster", () => pkg.connectMaster(options), true];
    },
    () => ["fromCognitoIdentityPool", () => pkg.fromCognitoIdentityPool(mutate({ identityPoolId: "us-east-1:0a1b2c3d", endpoint, logins: { "accounts.example.com": "t" } })), false],
    () => ["paginateListStreams", () => pkg.paginateListStreams(rand() < 0.5 ? hostile() : new pkg.KinesisVideoClient(config()), mutate({}), mutate({})), false],
    () => {
      const c = rand() < 0.5 ? hostile() : new pkg.KinesisVideoClient(config());
      return ["waitUntilStreamActive", () => pkg.waitUntilStreamActive(c, mutate({ StreamName: "s" }), WAIT), true];
    },
  ];

  while (calls < total) {
    const [what, f, async] = pick(TARGETS)();
    // A paginator or a credentials provider is made synchronously (bad arguments throw there);
    // its pages or credentials come asynchronously.
    if (what === "paginateListStreams") {
      let pages;
      await run(what, () => (pages = f()), false);
      if (pages) await run(`${what} page`, () => pages.next(), true);
    } else if (what === "fromCognitoIdentityPool") {
      let provider;
      await run(what, () => (provider = f()), false);
      if (provider) await run(`${what} provider`, () => provider(), true);
    } else {
      await run(what, f, async);
    }
    if (calls % 100 === 0) await assertAlive(`after call ${calls} (FUZZ_SEED=${seed})`);
  }
  return problems;
}
