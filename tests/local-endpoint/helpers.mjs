// Shared by the local endpoint's tests: signed raw requests and a schema check of response bodies
// against botocore's output shapes (the models come from tests/support/models.mjs).
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { WebSocket } from "ws";
import { startLocalEndpoint } from "./server.mjs";

export const REGION = "us-west-2";

/** An endpoint with short lifecycle delays so tests do not wait long. */
export function startTestEndpoint(options = {}) {
  return startLocalEndpoint({ activationDelayMs: 60, deletionDelayMs: 60, ...options });
}

/**
 * A server clock that tests move forward instead of waiting: the lifecycle of resources follows
 * it, while requests are still signed with the real time (a few minutes apart at most).
 */
export function testClock() {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      offsetMs += ms;
    },
  };
}

/**
 * An endpoint for the shared scenario: long lifecycle delays on a test clock, so transient
 * states (CREATING, SYNCING, DELETING) last while they are checked, and `elapse()` ends them.
 */
export async function startScenarioEndpoint() {
  const delayMs = 10000;
  const clock = testClock();
  const endpoint = await startTestEndpoint({ now: clock.now, activationDelayMs: delayMs, deletionDelayMs: delayMs });
  return { endpoint, elapse: () => clock.advance(delayMs + 1) };
}

export function credentialsOf(endpoint) {
  return { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey };
}

/** Sends bytes with exactly the given headers (fetch would add or drop some) and reads the answer (`body` is the raw bytes). */
export function rawHttp(url, { method = "POST", headers = {}, body = "" } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A SigV4-signed JSON request (signed with @smithy/signature-v4). `tamper` may change the
 * signed request before it is sent, to prove the endpoint notices.
 */
export async function signedRequest(url, { body = {}, credentials, region = REGION, signingDate = new Date(), tamper } = {}) {
  const target = new URL(url);
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const signer = new SignatureV4({ service: "kinesisvideo", region, sha256: Sha256, credentials });
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query: {},
      headers: { host: target.host, "content-type": "application/json" },
      body: text,
    },
    { signingDate },
  );
  const outgoing = { headers: { ...signed.headers }, body: text };
  tamper?.(outgoing);
  return rawHttp(url, { headers: outgoing.headers, body: outgoing.body });
}

/** The error name as SDKs read it: the header, cut at ':' (the service may append a namespace). */
export function errorName(response) {
  return response.headers["x-amzn-errortype"]?.split(":")[0];
}

export async function waitUntil(check, { timeoutMs = 3000, intervalMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Checks a response body against an output shape of a botocore model: every member present
 * (absent ones as null, as the service sends them), no unknown keys, required members not
 * null, types, enums, lengths and ranges. Patterns are not checked: real values break some
 * (see the wire facts on ICE credentials). Returns the list of problems.
 */
export function checkOutputShape(model, shapeName, value, path = "$", problems = []) {
  const shape = model.shapes[shapeName];
  const problem = (text) => problems.push(`${path}: ${text}`);
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problem(`expected a ${shapeName} object`);
        return problems;
      }
      for (const key of Object.keys(value)) if (!(key in shape.members)) problem(`unknown member ${key}`);
      for (const [member, spec] of Object.entries(shape.members)) {
        if (!(member in value)) problem(`member ${member} is missing (absent members are sent as null)`);
        else if (value[member] === null) {
          if ((shape.required ?? []).includes(member)) problem(`required member ${member} is null`);
        } else checkOutputShape(model, spec.shape, value[member], `${path}.${member}`, problems);
      }
      break;
    }
    case "list":
      if (!Array.isArray(value)) {
        problem("expected a list");
        return problems;
      }
      if (shape.min !== undefined && value.length < shape.min) problem(`fewer than ${shape.min} items`);
      if (shape.max !== undefined && value.length > shape.max) problem(`more than ${shape.max} items`);
      value.forEach((item, i) => checkOutputShape(model, shape.member.shape, item, `${path}[${i}]`, problems));
      break;
    case "map":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problem("expected a map");
        return problems;
      }
      for (const [key, item] of Object.entries(value)) {
        checkOutputShape(model, shape.key.shape, key, `${path}{key ${key}}`, problems);
        checkOutputShape(model, shape.value.shape, item, `${path}.${key}`, problems);
      }
      break;
    case "string":
      if (typeof value !== "string") {
        problem(`expected a string, got ${JSON.stringify(value)}`);
        return problems;
      }
      if (shape.enum && !shape.enum.includes(value)) problem(`${value} is not one of ${shape.enum.join(", ")}`);
      if (shape.min !== undefined && value.length < shape.min) problem(`shorter than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) problem(`longer than ${shape.max}`);
      break;
    case "integer":
    case "long":
      if (!Number.isInteger(value)) {
        problem(`expected an integer, got ${JSON.stringify(value)}`);
        return problems;
      }
      if (shape.min !== undefined && value < shape.min) problem(`below ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) problem(`above ${shape.max}`);
      break;
    case "boolean":
      if (typeof value !== "boolean") problem(`expected a boolean, got ${JSON.stringify(value)}`);
      break;
    case "timestamp":
      // rest-json timestamps are epoch seconds, with a fraction for milliseconds.
      if (typeof value !== "number" || !Number.isFinite(value)) problem(`expected epoch seconds, got ${JSON.stringify(value)}`);
      break;
    default:
      problem(`shape type ${shape.type} is not checked`);
  }
  return problems;
}

/** Percent-encoding as SigV4 wants it (RFC 3986 unreserved characters stay). */
function rfc3986(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A WebSocket endpoint presigned with @smithy/signature-v4 the way KVS signaling clients presign it. */
export async function presignSignalingUrl(wssEndpoint, { channelArn, clientId, credentials, region = REGION, signingDate = new Date(), expiresIn = 299 }) {
  const target = new URL(wssEndpoint);
  const query = {};
  if (channelArn !== undefined) query["X-Amz-ChannelARN"] = channelArn;
  if (clientId !== undefined) query["X-Amz-ClientId"] = clientId;
  const signer = new SignatureV4({ service: "kinesisvideo", region, sha256: Sha256, credentials });
  const signed = await signer.presign(
    { method: "GET", protocol: target.protocol, hostname: target.hostname, port: Number(target.port), path: target.pathname, query, headers: { host: target.host } },
    { signingDate, expiresIn },
  );
  const search = Object.entries(signed.query).map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`).join("&");
  return `${target.protocol}//${target.host}${target.pathname}?${search}`;
}

/**
 * Opens a signaling WebSocket. Resolves to a connection whose `next()` gives the next message
 * (parsed) and `quiet(ms)` proves none arrives; rejects with `{status, errorType, body}` when
 * the endpoint refuses the upgrade.
 */
export function openSignaling(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const inbox = [];
    const waiters = [];
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString("utf8"));
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else inbox.push(message);
    });
    ws.on("unexpected-response", (_, res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), {
          status: res.statusCode,
          errorType: res.headers["x-amzn-errortype"],
          body: body ? JSON.parse(body) : undefined,
        }));
      });
    });
    ws.on("error", reject);
    const closed = new Promise((done) => ws.on("close", (code) => done(code)));
    ws.on("open", () =>
      resolve({
        ws,
        closed,
        send: (message) => ws.send(typeof message === "string" ? message : JSON.stringify(message)),
        next(timeoutMs = 2000) {
          if (inbox.length) return Promise.resolve(inbox.shift());
          return new Promise((done, fail) => {
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(receive), 1);
              fail(new Error(`no signaling message within ${timeoutMs} ms`));
            }, timeoutMs);
            const receive = (message) => {
              clearTimeout(timer);
              done(message);
            };
            waiters.push(receive);
          });
        },
        async quiet(ms = 150) {
          await new Promise((done) => setTimeout(done, ms));
          assert.deepEqual(inbox, [], "no message expected");
        },
        close() {
          ws.close();
          return closed;
        },
      }),
    );
  });
}

/** base64 of a JSON value, as signaling payloads are carried. */
export function payloadOf(value) {
  return Buffer.from(JSON.stringify(value)).toString("base64");
}

/**
 * Creates a signaling channel, waits until it is ACTIVE and gives openers of its WSS endpoints:
 * `master()` and `viewer(clientId)` resolve to `openSignaling` connections.
 */
export async function activeChannel(endpoint, { name, credentials = credentialsOf(endpoint), body = {} } = {}) {
  const call = (path, payload) => signedRequest(`${endpoint.url}/${path}`, { credentials, body: payload });
  const created = await call("createSignalingChannel", { ChannelName: name, ...body });
  assert.equal(created.status, 200, created.text);
  const { ChannelARN } = created.json;
  await waitUntil(async () => (await call("describeSignalingChannel", { ChannelARN })).json.ChannelInfo.ChannelStatus === "ACTIVE");
  const wss = {};
  for (const role of ["MASTER", "VIEWER"]) {
    const { json } = await call("getSignalingChannelEndpoint", {
      ChannelARN,
      SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS"], Role: role },
    });
    wss[role] = json.ResourceEndpointList[0].ResourceEndpoint;
  }
  const masterUrl = () => presignSignalingUrl(wss.MASTER, { channelArn: ChannelARN, credentials });
  const viewerUrl = (clientId) => presignSignalingUrl(wss.VIEWER, { channelArn: ChannelARN, clientId, credentials });
  return {
    arn: ChannelARN,
    call,
    wss,
    masterUrl,
    viewerUrl,
    master: async () => openSignaling(await masterUrl()),
    viewer: async (clientId) => openSignaling(await viewerUrl(clientId)),
  };
}
