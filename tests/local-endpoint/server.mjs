// A local Kinesis Video endpoint: one HTTP server on 127.0.0.1 serving the control plane, the
// signaling data plane and the signaling WebSocket, and the media data plane (archived media,
// GetMedia, WebRTC storage, HLS/DASH sessions), answering the way the service does on the wire.
// See README.md in this folder for the endpoint scheme.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { canonicalHeaderValues, createVerifier, parseQuery } from "./auth.mjs";
import { CognitoError, CognitoIdentity, DEFAULT_IDENTITY_POOL_ID } from "./cognito.mjs";
import { ControlPlane } from "./control-plane.mjs";
import { AuthError, ServiceError, validationErrorName } from "./errors.mjs";
import { MediaPayload, MediaServices, SESSION_PATH } from "./media/service.mjs";
import { archivedMediaModel, controlModel, operationsByPath, shapeOutput, signalingModel } from "./model.mjs";
import { Signaling } from "./signaling.mjs";
import { validateInput } from "./validate.mjs";

export { DEFAULT_IDENTITY_POOL_ID } from "./cognito.mjs";
export { DEFAULT_SIGNALING_LIMITS } from "./signaling.mjs";

export const LOCAL_ACCOUNT_ID = "123456789012";
export const LOCAL_ACCESS_KEY_ID = "AKIAKVSLOCAL00000000";
export const LOCAL_SECRET_ACCESS_KEY = "kvs-local-secret";

const EXPOSED_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const PREFLIGHT_MAX_AGE = "172800";
const MAX_BODY_BYTES = 1024 * 1024;
const UNKNOWN_OPERATION = { Output: { __type: "com.amazon.coral.service#UnknownOperationException" }, Version: "1.0" };
/** Signaling HTTPS operations: at the root, or under the `/signaling/r-<8 hex>` endpoint of a channel. */
const SIGNALING_PATH = /^(?:\/signaling\/r-([0-9a-f]{8}))?(\/v1\/[a-z-]+)$/;
const JSON_1_1 = "application/x-amz-json-1.1";
/** The unsigned HLS/DASH session URLs, for error answers: they fail as the archived-media API does. */
const SESSION_OPERATION = { name: "streaming session", errors: ["InvalidArgumentException", "NotAuthorizedException", "ResourceNotFoundException"] };

function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ServiceError("InvalidArgumentException", `The request body exceeds ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Starts the endpoint.
 * @param {object} [options]
 * @param {number} [options.port=0] 0 picks a free port
 * @param {string} [options.host="127.0.0.1"] only loopback is accepted
 * @param {number} [options.activationDelayMs=300] how long new streams and channels stay CREATING
 * @param {number} [options.deletionDelayMs=300] how long deleted ones stay DELETING
 * @param {Record<string,string>} [options.credentials] access key id → secret access key
 * @param {number} [options.maxSkewMs=300000] allowed distance between a signature's date and the clock
 * @param {() => number} [options.now] the clock, in epoch milliseconds
 * @param {number} [options.alexaAnswerTimeoutMs=5000] how long SendAlexaOfferToMaster waits for the master's answer
 * @param {number} [options.iceTtlSeconds=300] the Ttl of the ICE servers GetIceServerConfig hands out
 * @param {string} [options.identityPoolId] the one Cognito identity pool (DEFAULT_IDENTITY_POOL_ID)
 * @param {number} [options.cognitoCredentialSeconds=3600] lifetime of the credentials Cognito hands out
 * @param {{connectsPerSecond?: number, sdpPerSecond?: number, icePerSecond?: number}} [options.signalingLimits]
 *   per-second rates (3, 5, 20); null or Infinity turns one off
 * @param {string} [options.mediaDir] the generated test media (<repo>/build/media; made with ffmpeg when missing)
 */
export async function startLocalEndpoint(options = {}) {
  const {
    port = 0,
    host = "127.0.0.1",
    activationDelayMs = 300,
    deletionDelayMs = 300,
    credentials = { [LOCAL_ACCESS_KEY_ID]: LOCAL_SECRET_ACCESS_KEY },
    maxSkewMs = 5 * 60 * 1000,
    now = () => Date.now(),
    alexaAnswerTimeoutMs = 5000,
    iceTtlSeconds = 300,
    identityPoolId = DEFAULT_IDENTITY_POOL_ID,
    cognitoCredentialSeconds = 3600,
    signalingLimits,
    mediaDir,
  } = options;
  if (host !== "127.0.0.1") throw new Error(`the local endpoint binds to 127.0.0.1 only, not ${host}`);

  let baseUrl = "";
  const cognito = new CognitoIdentity({ identityPoolId, credentialSeconds: cognitoCredentialSeconds, now });
  const verifier = createVerifier({ credentials, maxSkewMs, now, temporaryCredentials: (id) => cognito.temporaryCredentials(id) });
  const controlPlane = new ControlPlane({
    accountId: LOCAL_ACCOUNT_ID,
    activationDelayMs,
    deletionDelayMs,
    now,
    baseUrl: () => baseUrl,
    onChannelDeleted: (arn) => signaling.closeChannel(arn),
  });
  const signaling = new Signaling({ controlPlane, verifier, now, baseUrl: () => baseUrl, alexaAnswerTimeoutMs, iceTtlSeconds, limits: signalingLimits });
  const media = new MediaServices({ controlPlane, now, baseUrl: () => baseUrl, mediaDir });
  const controlRoutes = operationsByPath(controlModel);
  const signalingRoutes = operationsByPath(signalingModel);

  function route(method, path) {
    if (method !== "POST") return undefined;
    const control = controlRoutes.get(path);
    if (control) return { model: controlModel, operation: control, handler: controlPlane };
    const match = SIGNALING_PATH.exec(path);
    const data = match && signalingRoutes.get(match[2]);
    if (data) return { model: signalingModel, operation: data, handler: signaling, endpointId: match[1] };
    const mediaTarget = media.route(method, path);
    if (mediaTarget) return { ...mediaTarget, handler: media };
    return undefined;
  }

  function sendError(res, model, operation, error) {
    if (error instanceof AuthError) {
      return sendJson(res, error.status, { message: error.message }, { "x-amzn-ErrorType": error.name });
    }
    const shape = error instanceof ServiceError && operation.errors.includes(error.name) ? model.shapes[error.name] : undefined;
    if (!shape) {
      console.error(`local endpoint: ${operation.name} failed:`, error);
      return sendJson(res, 500, { message: "The server encountered an internal error." }, { "x-amzn-ErrorType": "InternalFailure" });
    }
    // Modeled errors carry their message in the member the model names (`Message`, or `message` for a few).
    const messageKey = Object.keys(shape.members).find((key) => key.toLowerCase() === "message") ?? "Message";
    return sendJson(res, shape.error.httpStatusCode, { [messageKey]: error.message }, { "x-amzn-ErrorType": error.name });
  }

  /** Cognito Identity: JSON 1.1, unsigned, errors as `{"__type", "message"}` with status 400. */
  async function handleCognito(req, res, target) {
    const headers = { "Content-Type": JSON_1_1 };
    try {
      let input;
      try {
        input = JSON.parse((await readBody(req)).toString("utf8") || "{}");
      } catch (error) {
        // readBody refuses oversized bodies with a ServiceError; anything else is a JSON syntax error.
        if (error instanceof ServiceError) throw new CognitoError("ValidationException", error.message);
        throw new CognitoError("SerializationException", "The request body is not valid JSON.");
      }
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new CognitoError("SerializationException", "The request body must be a JSON object.");
      }
      sendJson(res, 200, cognito.handle(target, input), headers);
    } catch (error) {
      if (!(error instanceof CognitoError)) {
        console.error(`local endpoint: ${target} failed:`, error);
        error = Object.assign(new CognitoError("InternalErrorException", "The server encountered an internal error."), { status: 500 });
      }
      sendJson(res, error.status ?? 400, { __type: error.name, message: error.message }, { ...headers, "x-amzn-ErrorType": error.name });
    }
  }

  /** A media body: bytes at once, or chunks as they come (GetMedia), with backpressure. */
  async function sendPayload(res, payload) {
    if (Buffer.isBuffer(payload.body)) {
      res.writeHead(200, { "Content-Type": payload.contentType, "Content-Length": payload.body.length });
      return res.end(payload.body);
    }
    res.writeHead(200, { "Content-Type": payload.contentType });
    for await (const chunk of payload.body) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
    }
    res.end();
  }

  /** The HLS/DASH session URLs: unsigned GETs, the session token in the query is the credential. */
  function handleSession(req, res, match, rawQuery) {
    req.resume();
    try {
      const { contentType, body } = media.serveSession(match, new URLSearchParams(rawQuery));
      res.writeHead(200, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    } catch (error) {
      sendError(res, archivedMediaModel, SESSION_OPERATION, error);
    }
  }

  /** Test hooks for tests in another process (a browser page): unsigned, not part of the service. */
  async function handleTestHook(req, res, path) {
    const hooks = {
      "/_local/signaling/message": (input) => ({ delivered: signaling.sendTestMessage(input) }),
      "/_local/signaling/drop": (input) => ({ dropped: signaling.dropConnections(input) }),
      "/_local/signaling/connections": (input) => ({ connections: signaling.listConnections(input.channelArn) }),
      "/_local/media/seed": (input) => media.seed(input),
    };
    const hook = req.method === "POST" ? hooks[path] : undefined;
    if (!hook) {
      req.resume();
      return sendJson(res, 404, { message: `No test hook answers ${req.method} ${path}.` }, { "x-amzn-ErrorType": "ResourceNotFoundException" });
    }
    try {
      const input = JSON.parse((await readBody(req)).toString("utf8") || "{}");
      sendJson(res, 200, await hook(input ?? {}));
    } catch (error) {
      // Bad arguments (a TypeError, a JSON SyntaxError, an oversized body) are the caller's; anything
      // else, e.g. media that could not be generated, is the endpoint's.
      const callers = error instanceof TypeError || error instanceof SyntaxError || error instanceof ServiceError;
      sendJson(res, callers ? 400 : 500, { message: error.message }, { "x-amzn-ErrorType": callers ? "InvalidArgumentException" : "InternalFailure" });
    }
  }

  async function handleRequest(req, res) {
    res.setHeader("x-amzn-RequestId", randomUUID());
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    if (req.method === "OPTIONS") {
      // CORS preflight: allow exactly what the browser asks for, as the service does.
      const headers = { "Access-Control-Max-Age": PREFLIGHT_MAX_AGE, "Content-Length": "0" };
      const method = req.headers["access-control-request-method"];
      const requested = req.headers["access-control-request-headers"];
      if (method) headers["Access-Control-Allow-Methods"] = method;
      if (requested) headers["Access-Control-Allow-Headers"] = requested;
      res.writeHead(200, headers);
      return res.end();
    }
    const [path, rawQuery = ""] = req.url.split(/\?(.*)/s);
    // JSON 1.1 services are addressed by X-Amz-Target at the root; only Cognito Identity is served.
    const amzTarget = req.headers["x-amz-target"];
    if (req.method === "POST" && path === "/" && amzTarget !== undefined) return handleCognito(req, res, amzTarget);
    if (path.startsWith("/_local/")) return handleTestHook(req, res, path);
    const session = req.method === "GET" ? SESSION_PATH.exec(path) : null;
    if (session) return handleSession(req, res, session, rawQuery);
    const target = route(req.method, path);
    if (!target) {
      req.resume();
      return sendJson(res, 404, UNKNOWN_OPERATION, { "x-amzn-ErrorType": "UnknownOperationException" });
    }
    const { model, operation, handler } = target;
    try {
      const body = await readBody(req);
      const identity = await verifier.verify({
        method: req.method,
        path,
        query: parseQuery(rawQuery),
        headers: canonicalHeaderValues(req),
        body,
      });
      const argumentError = validationErrorName(operation);
      let input;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
      } catch {
        throw new ServiceError(argumentError, "The request body is not valid JSON.");
      }
      const problem = validateInput(model, operation.input, input);
      if (problem) throw new ServiceError(argumentError, problem);
      const context = {
        region: identity.region,
        operation,
        errorForArgument: argumentError,
        endpointId: target.endpointId,
        endpointKind: target.endpointKind,
      };
      const output = await handler.handle(operation.name, input, context);
      if (output instanceof MediaPayload) return await sendPayload(res, output);
      if (!operation.output) {
        // Operations without output (JoinStorageSession) answer 200 with an empty body.
        res.writeHead(200, { "Content-Length": "0" });
        return res.end();
      }
      sendJson(res, 200, shapeOutput(model, operation.output, output));
    } catch (error) {
      if (res.headersSent) return res.destroy(); // a streamed body failed midway: the client sees it cut
      sendError(res, model, operation, error);
    }
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error) => {
      console.error("local endpoint: request failed:", error);
      if (!res.headersSent) sendJson(res, 500, { message: "The server encountered an internal error." }, { "x-amzn-ErrorType": "InternalFailure" });
      else res.destroy();
    });
  });
  server.on("upgrade", (req, socket, head) => signaling.handleUpgrade(req, socket, head));
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const boundPort = server.address().port;
  baseUrl = `http://127.0.0.1:${boundPort}`;
  const [accessKeyId, secretAccessKey] = Object.entries(credentials)[0] ?? [];

  let closing;
  return {
    url: baseUrl,
    port: boundPort,
    accessKeyId,
    secretAccessKey,
    accountId: LOCAL_ACCOUNT_ID,
    identityPoolId,
    /** region → { streams, channels }: the in-memory resources, for tests to inspect. */
    state: controlPlane.regions,
    // Test hooks, not part of the service (README.md, "Test hooks").
    /** Sends `message` to the channel's connections of `role` (a viewer by `clientId`); returns how many got it. */
    sendSignalingMessage: (selector) => signaling.sendTestMessage(selector),
    /** Destroys matching connections' sockets without a close frame; returns how many. */
    dropSignalingConnections: (selector) => signaling.dropConnections(selector),
    /** `[{ role, clientId, connectedAt }]` of the channel's open connections. */
    signalingConnections: (channelArn) => signaling.listConnections(channelArn),
    /**
     * Appends the test clip's fragments to an ACTIVE stream (`{ streamName | streamArn, region?,
     * startTimestamp?, repeat? }`); resolves to `{ streamArn, fragments }`. See README.md.
     */
    seedStreamMedia: (selector) => media.seed(selector),
    close() {
      closing ??= new Promise((resolve) => {
        signaling.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
