// signRequest/presignUrl take a marshaled path (npm/signer.js writes the request into wasm memory
// in one go) and fall back to the checked wasm exports, which read every field through its own
// getter. The two must be indistinguishable: same results, same errors (and the marshaled path
// the same whichever way it writes its input). This file drives both on
// generated inputs, valid and not (odd Unicode, lone surrogates, a leading BOM, `__proto__` as a
// header name, numbers and ArrayBuffers the marshaled path leaves to the checked one, wrong
// types), switches credentials between calls (the marshaled path keeps the last ones in wasm),
// and checks that the marshaled path really takes the common requests.

import { test, before } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PKG_NODE_URL } from "./support/signer.mjs";

const SEED = Number(process.env.SIGV4_MARSHALED_SEED ?? 4242);
let pkg;
let checked;
let marshaled;

before(async () => {
  pkg = await import(PKG_NODE_URL.href); // initializes the module
  checked = await import(new URL("kinesis_video_wasm.js", PKG_NODE_URL).href);
  ({ marshaled } = await import(new URL("signer.js", PKG_NODE_URL).href));
});

/** What a call produced: its value, or its error's class and message. */
function outcome(f) {
  try {
    return { value: f() };
  } catch (e) {
    return { error: `${e?.constructor?.name}: ${e?.message}` };
  }
}

const TEXT = [
  "a", "Z", "0", "-", " ", "  ", "\t", "\n ", "/", "%", "%2F", "%zz", "?", "&", "=", "#", "+", "é", "ሴ", "😀",
  "\ufeff", "\ud800", "\udfff", "\u0000",
];
const textArb = (max) => fc.array(fc.constantFrom(...TEXT), { maxLength: max }).map((a) => a.join(""));
const nonEmpty = (max) => fc.array(fc.constantFrom(...TEXT), { minLength: 1, maxLength: max }).map((a) => a.join(""));

// Valid calls (of every shape the contract allows, with odd text), then some of them broken in
// one field: the marshaled path must decline exactly where it should.
const headerName = fc.oneof(
  fc.constantFrom("content-type", "Content-Type", "X-Amz-Target", "x-amz-date", "Authorization", "host", "Host",
    "__proto__", "user-agent", "x-amz-security-token", "x-amz-content-sha256", "my-header", "MY-HEADER", "1", "é"),
  nonEmpty(4),
);
const headerValue = fc.oneof(textArb(8), fc.constantFrom("application/json", "UNSIGNED-PAYLOAD", " a  b "));
const recordOf = (pairs) => {
  const o = {};
  for (const [n, v] of pairs) Object.defineProperty(o, n, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
};
const headersArb = fc.oneof(
  fc.constant(undefined),
  // Up to 14 headers: past the two dozen input strings Rust keeps on the stack.
  fc.array(fc.tuple(headerName, headerValue), { maxLength: 14 }).map(recordOf),
  fc.array(fc.tuple(headerName, headerValue), { maxLength: 14 }),
);
const bodyArb = fc.oneof(
  fc.constant(undefined),
  textArb(10),
  fc.uint8Array({ maxLength: 100 }),
  fc.uint8Array({ minLength: 4, maxLength: 40 }).map((b) => b.subarray(2)),
);
const urlArb = fc
  .tuple(fc.constantFrom("https://", "http://", "wss://", "HTTPS://"), fc.constantFrom("h.example.com", "127.0.0.1:8080", "u@h"), textArb(6), textArb(6))
  .map(([s, h, p, q]) => `${s}${h}/${p}${q ? "?" + q : ""}`);
const credentialsArb = fc.oneof(
  fc.constant({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }),
  fc.constant({ accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "FQoGZXIvYXdzE" + "t".repeat(700) }),
  fc.record(
    { accessKeyId: nonEmpty(4), secretAccessKey: nonEmpty(4), sessionToken: fc.oneof(textArb(6), fc.constant(null)) },
    { requiredKeys: ["accessKeyId", "secretAccessKey"] },
  ),
);
const dateArb = fc.date({ min: new Date(0), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true });
const optionsArb = fc.record(
  {
    credentials: credentialsArb,
    region: fc.constantFrom("us-east-1", "eu-west-1", "é"),
    service: fc.constantFrom("kinesisvideo", "service"),
    signingDate: dateArb,
    normalizePath: fc.boolean(),
    signBody: fc.boolean(),
    signSessionToken: fc.boolean(),
    expiresIn: fc.constantFrom(1, 900, 604800),
  },
  // A signing date always: "now" could tick between the two calls compared.
  { requiredKeys: ["credentials", "region", "service", "signingDate"] },
);
const requestArb = fc.record(
  { method: fc.constantFrom("GET", "post", "Put", "PATCH", "DELETE"), url: urlArb, headers: headersArb, body: bodyArb },
  { requiredKeys: ["url"] },
);

const ODD = [undefined, null, 0, 7, NaN, true, "", {}, [], new Date(Number.NaN), Symbol.for("x"), new ArrayBuffer(2)];
const BREAKS = {
  "request.method": ["", "GE T", "get\u0000", ...ODD],
  "request.url": ["ftp://h/", "https:///p", "https://a b/", "relative", ...ODD],
  "request.headers": [{ n: 1 }, [["a"]], [["a", 1]], [[1, "b"]], ["ab"], ...ODD],
  "request.body": [new ArrayBuffer(3), ...ODD],
  "options.credentials": ODD,
  "options.credentials.accessKeyId": ODD,
  "options.credentials.secretAccessKey": ODD,
  "options.credentials.sessionToken": ODD,
  "options.region": ODD,
  "options.service": ODD,
  "options.signingDate": [new Date(8.64e15 + 1), ...ODD.filter((v) => v != null)],
  "options.expiresIn": [0, 604801, 1.5, -1, ...ODD],
  "options.normalizePath": ODD,
  "options.signBody": ODD,
  "options.signSessionToken": ODD,
};
const breakArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...Object.keys(BREAKS)).chain((path) => fc.constantFrom(...BREAKS[path]).map((value) => ({ path, value }))),
  },
);

/** The call with the value at `path` replaced (the objects are copied first). */
function broken([presign, request, options], change) {
  if (change === null) return [presign, request, options];
  const copy = { request: { ...request }, options: { ...options, credentials: { ...options.credentials } } };
  const keys = change.path.split(".");
  let target = copy;
  for (const k of keys.slice(0, -1)) target = target[k];
  target[keys.at(-1)] = change.value;
  return [presign, copy.request, copy.options];
}
const callArb = fc.tuple(fc.tuple(fc.boolean(), requestArb, optionsArb), breakArb).map(([call, change]) => broken(call, change));

test("the marshaled and checked paths agree on generated calls, valid and not", () => {
  let taken = 0;
  let declined = 0;
  fc.assert(
    fc.property(fc.array(callArb, { minLength: 1, maxLength: 4 }), (calls) => {
      // Several calls in a row, so credentials change (or not) between them.
      for (const [presign, request, options] of calls) {
        const viaPackage = outcome(() => (presign ? pkg.presignUrl : pkg.signRequest)(request, options));
        const viaChecked = outcome(() => (presign ? checked.presignUrl : checked.signRequest)(request, options));
        assert.deepEqual(viaPackage, viaChecked);
        const direct = outcome(() => marshaled(presign, request, options));
        // Input written by encodeInto (Node's way) and by the ASCII copy loop (the browsers').
        const [viaEncoder, viaLoop] = [false, true].map((loop) => outcome(() => marshaled(presign, request, options, false, loop)));
        assert.deepEqual(viaEncoder, direct);
        assert.deepEqual(viaLoop, direct);
        if (direct.value === undefined) declined++;
        else {
          taken++;
          assert.deepEqual(direct, viaChecked, "a marshaled result must be the checked one");
        }
      }
    }),
    { seed: SEED, numRuns: 1500 },
  );
  console.log(`marshaled path took ${taken} calls, declined ${declined}`);
  assert.ok(taken > 500 && declined > 500, `both paths must be exercised (took ${taken}, declined ${declined})`);
});

// Requests of the shape Rust signs by a shortcut (header names lowercase, none repeated, none
// the signer sets or skips; token signed; no x-amz-content-sha256): with `general` set it takes
// the general path instead, and both must give the checked path's result.
const usualNames = fc.uniqueArray(fc.constantFrom("content-type", "x-amz-target", "my-header", "1", "é", "__proto__", "a b", "accept"), { maxLength: 8 });
const usualArb = fc.record({
  request: fc.record({
    method: fc.constantFrom("GET", "post", "PUT"),
    url: urlArb,
    headers: fc.tuple(usualNames, fc.array(textArb(6), { minLength: 8, maxLength: 8 }), fc.boolean()).map(([names, values, asRecord]) => {
      const pairs = names.map((n, i) => [n, values[i]]);
      return asRecord ? recordOf(pairs) : pairs;
    }),
    body: bodyArb,
  }),
  options: fc.record(
    {
      credentials: credentialsArb,
      region: fc.constantFrom("us-east-1", "é"),
      service: fc.constant("kinesisvideo"),
      signingDate: dateArb,
      normalizePath: fc.boolean(),
      signSessionToken: fc.constant(true),
    },
    { requiredKeys: ["credentials", "region", "service", "signingDate"] },
  ),
});

test("the shortcut for usual requests gives what the general path gives", () => {
  let signed = 0;
  fc.assert(
    fc.property(usualArb, ({ request, options }) => {
      const viaShortcut = outcome(() => marshaled(false, request, options));
      const viaGeneral = outcome(() => marshaled(false, request, options, true));
      assert.deepEqual(viaShortcut, viaGeneral);
      assert.deepEqual(outcome(() => marshaled(false, request, options, false, true)), viaShortcut, "input copied by the loop");
      // Header order too, which deepEqual leaves out.
      const order = (o) => Object.keys(o.value?.headers ?? {});
      assert.deepEqual(order(viaShortcut), order(viaGeneral));
      if (viaShortcut.value !== undefined) {
        signed++;
        assert.deepEqual(viaShortcut, outcome(() => checked.signRequest(request, options)));
      }
    }),
    { seed: SEED, numRuns: 1500 },
  );
  assert.ok(signed > 1000, `most usual requests must be signed (${signed})`);
});

const SIMPLE = {
  request: { method: "POST", url: "https://kinesisvideo.us-west-2.amazonaws.com/describeStream", headers: { "content-type": "application/json" }, body: "{}" },
  options: {
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "tok" },
    region: "us-west-2",
    service: "kinesisvideo",
    signingDate: new Date("2024-05-06T07:08:09Z"),
  },
};

test("common requests take the marshaled path, and results reuse the caller's strings", () => {
  const { request, options } = SIMPLE;
  for (let i = 0; i < 3; i++) {
    const r = marshaled(false, request, options);
    assert.ok(r, "a plain request must not fall back");
    assert.deepEqual(r, checked.signRequest(request, options));
    assert.equal(r.headers["x-amz-security-token"], "tok");
    assert.equal(r.url, request.url);
  }
  const withBytes = { ...request, headers: [["Content-Type", "application/json"]], body: new TextEncoder().encode("{}") };
  assert.deepEqual(marshaled(false, withBytes, options), checked.signRequest(withBytes, options));
  const u = marshaled(true, { url: "wss://m-1.kinesisvideo.us-west-2.amazonaws.com/?X-Amz-ChannelARN=arn" }, { ...options, expiresIn: 300 });
  assert.match(u, /X-Amz-Expires=300&/);
});

test("credentials changed in place of the same object are picked up", () => {
  const options = { ...SIMPLE.options, credentials: { ...SIMPLE.options.credentials } };
  const first = pkg.signRequest(SIMPLE.request, options).headers.authorization;
  options.credentials.secretAccessKey = "another-secret";
  const second = pkg.signRequest(SIMPLE.request, options);
  assert.notEqual(second.headers.authorization, first);
  assert.deepEqual(second, checked.signRequest(SIMPLE.request, options));
  delete options.credentials.sessionToken;
  const third = pkg.signRequest(SIMPLE.request, options);
  assert.equal(third.headers["x-amz-security-token"], undefined);
  assert.deepEqual(third, checked.signRequest(SIMPLE.request, options));
});

test("a declined call leaves the next one correct", () => {
  const bad = { ...SIMPLE.options, credentials: { accessKeyId: "AKID2", secretAccessKey: "" } };
  assert.throws(() => pkg.signRequest(SIMPLE.request, bad), /options\.credentials\.secretAccessKey/);
  const next = pkg.signRequest(SIMPLE.request, SIMPLE.options);
  assert.deepEqual(next, checked.signRequest(SIMPLE.request, SIMPLE.options));
});

test("requests that grow wasm memory, and the ones after them, are signed correctly", () => {
  // Each larger body makes the input buffer, and so the wasm memory, grow, and so does each
  // checked call here: the views of the old memory (the input view too) are detached and must be
  // replaced. A stale view would not give a wrong signature, only a declined call, so every
  // call here must be taken by the marshaled path.
  const taken = (request) => {
    const got = marshaled(false, request, SIMPLE.options);
    assert.notEqual(got, undefined, "the marshaled path declined");
    return got;
  };
  for (const size of [1 << 20, 4 << 20, 16 << 20]) {
    const big = { ...SIMPLE.request, body: new Uint8Array(size).fill(7) };
    assert.deepEqual(taken(big), checked.signRequest(big, SIMPLE.options));
    assert.deepEqual(taken(SIMPLE.request), checked.signRequest(SIMPLE.request, SIMPLE.options));
    const text = { ...SIMPLE.request, body: "é".repeat(size / 2) };
    assert.deepEqual(taken(text), checked.signRequest(text, SIMPLE.options));
    assert.deepEqual(taken(SIMPLE.request), checked.signRequest(SIMPLE.request, SIMPLE.options));
  }
});
