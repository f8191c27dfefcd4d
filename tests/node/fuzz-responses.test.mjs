// Seeded fuzzing of response parsing: a server on 127.0.0.1 answers each call with a generated
// body for the operation (valid, mutated at one member, or broken as text) or a generated error
// response, and the result is checked against a reference reading of the same bytes written from
// the model here: a success must equal the reference output exactly (nulls dropped, timestamps as
// Dates, unknown members dropped), a body the reference refuses must reject with
// DeserializationError naming the member, and an error must carry the name the AWS SDKs find.
// Never a wasm trap or a non-Error. FUZZ_RESPONSES (default 5,000) and FUZZ_SEED set the run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as pkg from "../../pkg/node.js";
import { collectUncaught } from "./support/uncaught.mjs";
import { startFaultServer } from "./support/fault-server.mjs";
import { MODELS, EXAMPLES, operationsOf, generateValue } from "./support/client-model.mjs";
import { mulberry32 } from "../support/fuzz-inputs-core.mjs";

const CALLS = Number(process.env.FUZZ_RESPONSES ?? 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CREDS = { accessKeyId: "AKIDFUZZ000000000000", secretAccessKey: "fuzz-secret" };

const rand = mulberry32(SEED);
const pick = (list) => list[Math.floor(rand() * list.length)];

// Raw JSON text for values JSON.stringify cannot write (1e400 is Infinity once parsed).
const RAW = ["1e400", "-1e400", "-0", "1E2", "0.1e1", "9007199254740993", "[".repeat(10_000) + "]".repeat(10_000), '"\\ud800"', '"a\\udc00"', '"\\u0000"'];
const rawMark = (i) => `\u0000RAW${i}\u0000`;
const HOSTILE = [
  null, true, false, 0, -1, 1.5, 1e308, 24, 2 ** 53 + 1, "", " ", "x", "ACTIVE", "yesterday", "1700000000", "2024-01-02T03:04:05Z",
  "x".repeat(1 << 20), [], [null], [1, "a"], {}, { StreamName: 1 }, JSON.parse('{"__proto__": {"polluted": 1}}'),
  ...RAW.map((_, i) => rawMark(i)),
];

/** The paths of every node of a parsed value, as arrays of keys. */
function paths(v, at = [], out = []) {
  out.push(at);
  if (v && typeof v === "object") for (const k of Object.keys(v)) paths(v[k], [...at, k], out);
  return out;
}

/** `v` with the node at `path` replaced (or a member added there). */
function replaced(v, path, value) {
  if (path.length === 0) return value;
  // Adding under a scalar or null makes it an object.
  const node = v !== null && typeof v === "object" ? v : {};
  const copy = Array.isArray(node) ? [...node] : { ...node };
  Object.defineProperty(copy, path[0], { value: replaced(node[path[0]], path.slice(1), value), enumerable: true, writable: true, configurable: true });
  return copy;
}

function stringify(doc) {
  let text = JSON.stringify(doc);
  RAW.forEach((raw, i) => (text = text.split(JSON.stringify(rawMark(i))).join(raw)));
  return text;
}

/** A generated 2xx body for `op`: [description, text]. */
function successBody(op) {
  const valid = generateValue(op.service, op.output, {
    unknownMember: rand() < 0.3,
    unknownEnum: rand() < 0.2,
    nullEvery: pick([0, 0, 1, 2]),
    listLength: pick([0, 1, 2, 3]),
    mapSize: pick([0, 1, 2]),
    nullElements: rand() < 0.2,
  });
  const r = rand();
  if (r < 0.15) return ["valid", JSON.stringify(valid)];
  if (r < 0.75) {
    const at = pick(paths(valid));
    const value = pick(HOSTILE);
    const key = rand() < 0.2 ? [...at, pick(["__proto__", "constructor", "Unknown", "0"])] : at;
    return [`${JSON.stringify(key)} = ${String(typeof value === "string" ? value.slice(0, 20) : JSON.stringify(value))}`, stringify(replaced(valid, key, value))];
  }
  const text = JSON.stringify(valid);
  const cut = Math.floor(rand() * text.length);
  return pick([
    ["truncated", text.slice(0, cut)],
    ["a byte inserted", text.slice(0, cut) + pick(["\u0000", "}", "{", '"', ",", "\ufffd", "\\"]) + text.slice(cut)],
    ["byte order mark", "\ufeff" + text],
    ["empty", ""],
    ["whitespace", " \n\t"],
    ["null", "null"],
    ["an array", "[]"],
    ["a string", '"StreamInfo"'],
    ["a repeated member", text.replace(/^\{/, '{"StreamInfo": 1, ') ],
    ["HTML", "<html><body>OK</body></html>"],
  ]);
}

const NAME_TEXT = ["ResourceNotFoundException", " ", "", "a#b", "x:y,z", "aws.protocoltests#Foo:bar", "com.amazon.coral.service#InternalFailure", "é", "\t Name \t", "#", ":", ",", "NotAuthorizedException:http://internal/", "A".repeat(5000)];
/** A generated error response: { status, headers, body }. */
function errorResponse() {
  const status = pick([400, 401, 403, 404, 409, 413, 429, 500, 502, 503]);
  const headers = { "Content-Type": "application/json" };
  if (rand() < 0.6) headers["x-amzn-ErrorType"] = pick(NAME_TEXT);
  const body = {};
  for (const key of ["code", "__type", "message", "Message"]) if (rand() < 0.4) body[key] = rand() < 0.8 ? pick(NAME_TEXT) : pick(HOSTILE);
  const text = rand() < 0.15 ? pick(["", "<html>502</html>", "{", "[]", "null"]) : stringify(body);
  return { status, headers, body: text };
}

// ---------------------------------------------------------------- the reference reading

class Refused extends Error {}
const refuse = (path, what) => {
  throw new Refused(`response member ${path || "(the body)"} is not ${what}`);
};
const join = (path, name) => (path ? `${path}.${name}` : name);
const absent = (v) => v === null || v === undefined;
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

function toDate(v) {
  let seconds;
  if (typeof v === "number") seconds = v;
  else if (typeof v === "string" && v.trim() !== "") seconds = Number(v);
  else return undefined;
  const date = Number.isNaN(seconds) ? new Date(v) : new Date(Math.round(seconds * 1000));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function expected(service, shapeName, v, path) {
  const shape = MODELS[service].shapes[shapeName];
  switch (shape.type) {
    case "structure": {
      if (!isObject(v)) refuse(path, "an object");
      const out = {};
      for (const [name, target] of Object.entries(shape.members ?? {})) {
        if (!absent(v[name])) out[name] = expected(service, target, v[name], join(path, name));
      }
      return out;
    }
    case "list": {
      if (!Array.isArray(v)) refuse(path, "an array");
      return v.flatMap((item, i) => (absent(item) ? [] : [expected(service, shape.member, item, `${path}[${i}]`)]));
    }
    case "map": {
      if (!isObject(v)) refuse(path, "an object");
      const out = {};
      for (const key of Object.keys(v)) {
        if (absent(v[key])) continue;
        Object.defineProperty(out, key, { value: expected(service, shape.value, v[key], join(path, key)), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case "string":
      return typeof v === "string" ? v : refuse(path, "a string");
    case "integer":
    case "long":
      return Number.isInteger(v) ? v : refuse(path, "an integer");
    case "boolean":
      return typeof v === "boolean" ? v : refuse(path, "a boolean");
    case "timestamp":
      return toDate(v) ?? refuse(path, "a timestamp");
    default:
      throw new Error(`no reference reading for shape type ${shape.type}`);
  }
}

/** The reference result of a 2xx body: { output } or { refused: message }. */
function readSuccess(op, bytes) {
  // The body as fetch's text() decodes it: UTF-8, one leading byte order mark dropped.
  const text = bytes.replace(/^\ufeff/, "");
  if (text.trim() === "") return { output: {} };
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { refused: "response body is not valid JSON" };
  }
  if (!isObject(value)) return { refused: "response body is not a JSON object" };
  try {
    return { output: expected(op.service, op.output, value, "") };
  } catch (e) {
    if (e instanceof Refused) return { refused: e.message };
    throw e;
  }
}

/** The body of an error response, when it is JSON. */
function errorBody(text) {
  try {
    const body = JSON.parse(text);
    return typeof body === "object" && body !== null ? { body } : {};
  } catch {
    return {};
  }
}

/** The message of an error: the body's non-blank `message`, else `Message`, else the status.
 * (Messages pass through Rust text: a lone surrogate becomes U+FFFD.) */
function errorMessage(status, text) {
  const { body } = errorBody(text);
  const said = (k) => (typeof body?.[k] === "string" && body[k].trim() !== "" ? body[k].toWellFormed() : undefined);
  return said("message") ?? said("Message") ?? `HTTP ${status} error${body ? "" : " with a body that is not JSON"}`;
}

/** The AWS error name as the SDKs find it (header, then `code`, then `__type`). */
function errorName(headers, text) {
  const { body } = errorBody(text);
  const field = (k) => (isObject(body) && typeof body[k] === "string" ? body[k].toWellFormed() : undefined);
  const trim = (s) => s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
  const raw = [headers["x-amzn-ErrorType"], field("code"), field("__type")].filter((s) => s !== undefined).map(trim).find((s) => s !== "");
  if (raw === undefined) return "UnknownError";
  const cut = raw.split(/[,:]/)[0];
  const name = trim(cut.slice(cut.lastIndexOf("#") + 1));
  return name === "" ? "UnknownError" : name;
}

// ---------------------------------------------------------------- the run

let server;
let answer;
let uncaught;
before(async () => {
  server = await startFaultServer([(request, res) => {
    res.writeHead(answer.status, { "x-amzn-RequestId": "fuzz", ...answer.headers });
    res.end(answer.body);
  }]);
  uncaught = collectUncaught();
});
after(async () => {
  uncaught.stop();
  await server.close();
});

const OPERATIONS = [...operationsOf("KinesisVideo"), ...operationsOf("Signaling")];
const withoutMetadata = (out) => {
  const { $metadata, ...rest } = out;
  return rest;
};

test(`${CALLS} generated responses (FUZZ_SEED=${SEED}) read as the model says`, { timeout: 30 * 60_000 }, async () => {
  const config = { region: "us-east-1", credentials: CREDS, endpoint: server.url, maxAttempts: 1 };
  const clients = { KinesisVideo: new pkg.KinesisVideoClient(config), Signaling: new pkg.KinesisVideoSignalingClient(config) };
  const counts = { resolved: 0, refused: 0, errors: 0 };
  for (let call = 1; call <= CALLS; call++) {
    const op = pick(OPERATIONS);
    const where = `call ${call} (FUZZ_SEED=${SEED}) ${op.name}`;
    let what;
    if (rand() < 0.8) {
      const [description, body] = successBody(op);
      what = description;
      answer = { status: pick([200, 200, 200, 201, 204]), headers: { "Content-Type": "application/json" }, body };
    } else {
      answer = errorResponse();
      what = `HTTP ${answer.status} ${JSON.stringify(answer.headers)} ${answer.body.slice(0, 80)}`;
    }
    // A 204 has no body on the wire, whatever the server wrote.
    const sent = answer.status === 204 ? "" : answer.body;
    // The input is irrelevant here: the server answers every request the same way.
    const input = EXAMPLES[op.name].minimal;
    let outcome;
    try {
      outcome = { output: await clients[op.service][op.method](input) };
    } catch (e) {
      outcome = { error: e };
    }
    const at = `${where}: ${what}`;
    if (outcome.error && !(outcome.error instanceof Error)) assert.fail(`${at}: a non-Error was thrown: ${String(outcome.error)}`);
    if (outcome.error instanceof WebAssembly.RuntimeError) assert.fail(`${at}: a wasm trap: ${outcome.error.message}`);
    if (outcome.error?.name === "ValidationError") assert.fail(`${at}: the generated input was refused: ${outcome.error.message}`);
    if (answer.status < 300) {
      const want = readSuccess(op, sent);
      if (want.output) {
        assert.equal(outcome.error, undefined, `${at}: rejected a body the model accepts: ${outcome.error?.message}`);
        assert.deepEqual(withoutMetadata(outcome.output), want.output, at);
        assert.equal(outcome.output.$metadata.httpStatusCode, answer.status, at);
        counts.resolved++;
      } else {
        assert.ok(outcome.error, `${at}: accepted a body the model refuses (${want.refused})`);
        assert.equal(outcome.error.name, "DeserializationError", `${at}: ${outcome.error.message}`);
        assert.equal(outcome.error.message, want.refused, at);
        assert.equal(outcome.error.$metadata.httpStatusCode, answer.status, at);
        counts.refused++;
      }
    } else {
      assert.ok(outcome.error, `${at}: an error status resolved`);
      assert.equal(outcome.error.name, errorName(answer.headers, sent), at);
      assert.equal(outcome.error.$fault, answer.status >= 500 ? "server" : "client", at);
      assert.deepEqual([outcome.error.$metadata.httpStatusCode, outcome.error.$metadata.attempts], [answer.status, 1], at);
      assert.equal(outcome.error.message, errorMessage(answer.status, sent), at);
      counts.errors++;
    }
  }
  console.log(`responses: ${JSON.stringify(counts)}`);
  // Every kind of outcome was exercised.
  for (const [kind, n] of Object.entries(counts)) assert.ok(n > CALLS / 20, `only ${n} ${kind} outcomes`);
  const signed = pkg.signRequest({ method: "POST", url: "https://kinesisvideo.us-east-1.amazonaws.com/" }, { credentials: CREDS, region: "us-east-1", service: "kinesisvideo" });
  assert.match(signed.headers.authorization, /^AWS4-HMAC-SHA256 /);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(uncaught.texts(), [], "uncaught exceptions or unhandled rejections");
});
