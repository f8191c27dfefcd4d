// A local Kinesis Video endpoint: one HTTP server on 127.0.0.1 serving the control plane, the
// signaling data plane and the signaling WebSocket, answering the way the service does on the
// wire. See README.md in this folder for the endpoint scheme.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { canonicalHeaderValues, createVerifier, parseQuery } from "./auth.mjs";
import { ControlPlane } from "./control-plane.mjs";
import { AuthError, ServiceError, validationErrorName } from "./errors.mjs";
import { controlModel, operationsByPath, shapeOutput, signalingModel } from "./model.mjs";
import { Signaling } from "./signaling.mjs";
import { validateInput } from "./validate.mjs";

export const LOCAL_ACCOUNT_ID = "123456789012";
export const LOCAL_ACCESS_KEY_ID = "AKIAKVSLOCAL00000000";
export const LOCAL_SECRET_ACCESS_KEY = "kvs-local-secret";

const EXPOSED_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const PREFLIGHT_MAX_AGE = "172800";
const MAX_BODY_BYTES = 1024 * 1024;
const UNKNOWN_OPERATION = { Output: { __type: "com.amazon.coral.service#UnknownOperationException" }, Version: "1.0" };
/** Signaling HTTPS operations: at the root, or under the `/signaling/r-<8 hex>` endpoint of a channel. */
const SIGNALING_PATH = /^(?:\/signaling\/r-([0-9a-f]{8}))?(\/v1\/[a-z-]+)$/;

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
  } = options;
  if (host !== "127.0.0.1") throw new Error(`the local endpoint binds to 127.0.0.1 only, not ${host}`);

  let baseUrl = "";
  const verifier = createVerifier({ credentials, maxSkewMs, now });
  const controlPlane = new ControlPlane({
    accountId: LOCAL_ACCOUNT_ID,
    activationDelayMs,
    deletionDelayMs,
    now,
    baseUrl: () => baseUrl,
    onChannelDeleted: (arn) => signaling.closeChannel(arn),
  });
  const signaling = new Signaling({ controlPlane, verifier, now, baseUrl: () => baseUrl, alexaAnswerTimeoutMs });
  const controlRoutes = operationsByPath(controlModel);
  const signalingRoutes = operationsByPath(signalingModel);

  function route(method, path) {
    if (method !== "POST") return undefined;
    const control = controlRoutes.get(path);
    if (control) return { model: controlModel, operation: control, handler: controlPlane };
    const match = SIGNALING_PATH.exec(path);
    const data = match && signalingRoutes.get(match[2]);
    if (data) return { model: signalingModel, operation: data, handler: signaling, endpointId: match[1] };
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
      const context = { region: identity.region, operation, errorForArgument: argumentError, endpointId: target.endpointId };
      const output = await handler.handle(operation.name, input, context);
      sendJson(res, 200, shapeOutput(model, operation.output, output));
    } catch (error) {
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
    /** region → { streams, channels }: the in-memory resources, for tests to inspect. */
    state: controlPlane.regions,
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
