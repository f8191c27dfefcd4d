// A Cloudflare Worker that hands browsers a presigned signaling URL and ICE servers for a Kinesis
// Video signaling channel, so the AWS credentials stay in the Worker's secrets:
//
//   GET /signaling?channel=NAME&role=VIEWER&clientId=ID  →  200 { wssUrl, iceServers }
//
// Secrets / vars: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional),
// AWS_REGION, KVS_ENDPOINT (optional: another control-plane endpoint, e.g. a local one),
// ALLOWED_ORIGIN (optional: sent as Access-Control-Allow-Origin).
import { KinesisVideoClient } from "kinesis-video-wasm";

// The service's patterns for channel names and client ids.
const NAME = /^[a-zA-Z0-9_.-]{1,256}$/;
const ROLES = new Set(["MASTER", "VIEWER"]);

class BadRequest extends Error {}

/** Checks the query; returns the arguments of connectSignaling or throws BadRequest. */
function parseSignalingQuery(params) {
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1) throw new BadRequest(`${key}: given more than once`);
  }
  const channelName = params.get("channel");
  const role = params.get("role");
  const clientId = params.get("clientId") ?? undefined;
  if (!channelName) throw new BadRequest("channel: required");
  if (!NAME.test(channelName)) throw new BadRequest("channel: 1 to 256 of the characters a-z A-Z 0-9 _ . -");
  if (!ROLES.has(role)) throw new BadRequest("role: must be MASTER or VIEWER");
  if (role === "VIEWER" && clientId === undefined) throw new BadRequest("clientId: required for the VIEWER role");
  if (role === "MASTER" && clientId !== undefined) throw new BadRequest("clientId: not allowed for the MASTER role");
  if (clientId !== undefined && (!NAME.test(clientId) || clientId.startsWith("AWS_"))) {
    throw new BadRequest("clientId: 1 to 256 of the characters a-z A-Z 0-9 _ . -, not starting with AWS_");
  }
  return clientId === undefined ? { channelName, role } : { channelName, role, clientId };
}

// Service errors → the status this Worker answers. Anything about the Worker's own credentials
// or the service being unreachable is the Worker's problem (502/504), not the caller's.
const STATUS_BY_ERROR = {
  ResourceNotFoundException: 404,
  InvalidArgumentException: 400,
  ValidationError: 400,
  ClientLimitExceededException: 429,
  TimeoutError: 504,
};

function errorStatus(error) {
  return STATUS_BY_ERROR[error?.name] ?? 502;
}

function json(status, body, env, extraHeaders = {}) {
  const headers = {
    "content-type": "application/json; charset=utf-8",
    // The answer holds a presigned URL: never cache it.
    "cache-control": "no-store",
    ...extraHeaders,
  };
  if (env?.ALLOWED_ORIGIN) {
    headers["access-control-allow-origin"] = env.ALLOWED_ORIGIN;
    headers["vary"] = "Origin";
  }
  return new Response(JSON.stringify(body), { status, headers });
}

// One client per set of bindings: it keeps its clock-skew correction between requests.
let cached;
function clientFor(env) {
  if (cached?.env === env) return cached.client;
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  if (env.AWS_SESSION_TOKEN) credentials.sessionToken = env.AWS_SESSION_TOKEN;
  const config = { region: env.AWS_REGION, credentials, requestTimeoutMs: 10_000 };
  if (env.KVS_ENDPOINT) config.endpoint = env.KVS_ENDPOINT;
  const client = new KinesisVideoClient(config);
  cached = { env, client };
  return client;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/signaling") return json(404, { error: "NotFound", message: "no such path" }, env);
    if (request.method === "OPTIONS" && env.ALLOWED_ORIGIN) {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": env.ALLOWED_ORIGIN,
          "access-control-allow-methods": "GET",
          "access-control-max-age": "86400",
          vary: "Origin",
        },
      });
    }
    if (request.method !== "GET") {
      return json(405, { error: "MethodNotAllowed", message: "use GET" }, env, { allow: "GET" });
    }

    let args;
    try {
      args = parseSignalingQuery(url.searchParams);
    } catch (error) {
      if (error instanceof BadRequest) return json(400, { error: "BadRequest", message: error.message }, env);
      throw error;
    }
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY || !env.AWS_REGION) {
      console.error("signaling worker: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION must be set");
      return json(500, { error: "NotConfigured", message: "the Worker has no AWS credentials or region" }, env);
    }

    try {
      const { wssUrl, iceServers } = await clientFor(env).connectSignaling(args);
      return json(200, { wssUrl, iceServers }, env);
    } catch (error) {
      const status = errorStatus(error);
      console.error(`signaling worker: ${error?.name}: ${error?.message}`);
      // Messages of 4xx answers are about the caller's request; others may describe the Worker's
      // setup (credentials, permissions), which callers need not see.
      const message = status < 500 ? error.message : "the signaling service could not be reached or refused the Worker";
      return json(status, { error: error?.name ?? "Error", message }, env);
    }
  },
};
