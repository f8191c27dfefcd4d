// The signaling data plane: GetIceServerConfig, SendAlexaOfferToMaster, and the WebSocket relay
// between a channel's master and its viewers in the service's message format.
import { randomBytes, randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { performance } from "node:perf_hooks";
import { WebSocketServer } from "ws";
import { canonicalHeaderValues, parseQuery } from "./auth.mjs";
import { endpointId } from "./control-plane.mjs";
import { AuthError, ServiceError } from "./errors.mjs";
import { signalingModel } from "./model.mjs";

const ACTIONS = new Set(["SDP_OFFER", "SDP_ANSWER", "ICE_CANDIDATE"]);
const CLIENT_ID = /^[a-zA-Z0-9_.-]{1,256}$/;
const CORRELATION_ID = /^[a-zA-Z0-9_.-]{1,256}$/;
const BASE64 = /^(?:[A-Za-z0-9+/\-_]{4})*(?:[A-Za-z0-9+/\-_]{2}(?:==)?|[A-Za-z0-9+/\-_]{3}=?)?$/;
const MAX_PAYLOAD_CHARS = 10 * 1024;
const MAX_VIEWERS = 10;
const ICE_TTL_SECONDS = 300; // what the service gives
const MAX_CONNECTION_MS = 60 * 60 * 1000;
const GO_AWAY_GRACE_MS = 60 * 1000;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
const ROLES = new Set(["MASTER", "VIEWER"]);

/** The service's rates: connects per second per channel, SDP and ICE sends per second per connection. */
export const DEFAULT_SIGNALING_LIMITS = Object.freeze({ connectsPerSecond: 3, sdpPerSecond: 5, icePerSecond: 20 });

/** `signalingLimits` with defaults filled in; null, false or Infinity turns a limit off. */
export function signalingLimits(given) {
  const limits = {};
  for (const [name, fallback] of Object.entries(DEFAULT_SIGNALING_LIMITS)) {
    const value = given?.[name];
    if (value === undefined) limits[name] = fallback;
    else if (value === null || value === false || value === Infinity) limits[name] = Infinity;
    else if (Number.isInteger(value) && value > 0) limits[name] = value;
    else throw new Error(`signalingLimits.${name} must be a positive integer, or null/Infinity for no limit; got ${value}`);
  }
  return limits;
}

/**
 * Admits one event into a sliding one-second window of at most `limit` admitted events.
 * Monotonic time, not the endpoint's clock: a test clock that stands still or jumps must not
 * lock a channel out or let a burst through.
 */
function admit(times, limit) {
  if (limit === Infinity) return true;
  const t = performance.now();
  while (times.length > 0 && times[0] <= t - 1000) times.shift();
  if (times.length >= limit) return false;
  times.push(t);
  return true;
}

/** Which role a WebSocket path serves: `/signaling/m-<8 hex>` (master) or `/signaling/v-<8 hex>` (viewer). */
const WSS_PATH = /^\/signaling\/([mv])-([0-9a-f]{8})\/?$/;

/** Standard base64 for URL-safe input, so receivers using `atob` can read every relayed payload. */
function standardBase64(text) {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  return standard + "=".repeat((4 - (standard.length % 4)) % 4);
}

function refuse(socket, status, name, message, bodyKey) {
  const body = JSON.stringify({ [bodyKey]: message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-amzn-RequestId: ${randomUUID()}\r\n` +
      `x-amzn-ErrorType: ${name}\r\n` +
      `Date: ${new Date().toUTCString()}\r\n` +
      "Access-Control-Allow-Origin: *\r\n" +
      "Connection: close\r\n\r\n" +
      body,
  );
}

export class Signaling {
  /**
   * @param {{controlPlane: import("./control-plane.mjs").ControlPlane, verifier: {verify: Function},
   *          now: () => number, baseUrl: () => string, alexaAnswerTimeoutMs?: number, iceTtlSeconds?: number,
   *          limits?: {connectsPerSecond?: number, sdpPerSecond?: number, icePerSecond?: number}}} options
   */
  constructor(options) {
    this.options = options;
    this.limits = signalingLimits(options.limits);
    this.controlPlane = options.controlPlane;
    /** channel ARN → { master, viewers: Map<clientId, connection>, held: [], alexaWaiters: Map<clientId, fn>, connects: [] } */
    this.sessions = new Map();
    this.wss = new WebSocketServer({ noServer: true });
  }

  session(channelArn) {
    let session = this.sessions.get(channelArn);
    if (!session) {
      session = { master: null, viewers: new Map(), held: [], alexaWaiters: new Map(), connects: [] };
      this.sessions.set(channelArn, session);
    }
    return session;
  }

  activeChannel(region, arn, context) {
    const channel = this.controlPlane.channelByArn(region, arn);
    if (!channel || this.controlPlane.status(channel) !== "ACTIVE") {
      throw new ServiceError("ResourceNotFoundException", "The requested channel is not found or not active.");
    }
    if (context.endpointId !== undefined && context.endpointId !== endpointId(channel.arn)) {
      throw new ServiceError("InvalidArgumentException", `This endpoint does not serve the channel ${arn}.`);
    }
    return channel;
  }

  // ---- HTTPS data plane ------------------------------------------------------------------

  /** Runs one data-plane operation; `context` is `{ region, operation, endpointId? }`. */
  handle(name, input, context) {
    if (name === "GetIceServerConfig") return this.getIceServerConfig(input, context);
    if (name === "SendAlexaOfferToMaster") return this.sendAlexaOfferToMaster(input, context);
    throw new Error(`signaling: no handler for ${name}`);
  }

  getIceServerConfig(input, context) {
    const channel = this.activeChannel(context.region, input.ChannelARN, context);
    const hostPort = new URL(this.options.baseUrl()).host;
    const ttl = this.options.iceTtlSeconds ?? ICE_TTL_SECONDS;
    const expiry = Math.floor(this.options.now() / 1000) + ttl;
    // Two servers as the service gives; the URIs point at loopback and no TURN server answers there.
    const IceServerList = [0, 1].map(() => ({
      Password: randomBytes(32).toString("base64"),
      Ttl: ttl,
      Uris: [`turn:${hostPort}?transport=udp`, `turns:${hostPort}?transport=udp`, `turns:${hostPort}?transport=tcp`],
      Username: `${expiry}:${Buffer.from(`v1:${channel.arn}`).toString("base64")}`,
    }));
    return { IceServerList };
  }

  async sendAlexaOfferToMaster(input, context) {
    const channel = this.activeChannel(context.region, input.ChannelARN, context);
    const session = this.session(channel.arn);
    if (!session.master) {
      throw new ServiceError("ResourceNotFoundException", `No master is connected to the channel ${channel.arn}.`);
    }
    const timeoutMs = this.options.alexaAnswerTimeoutMs ?? 5000;
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        session.alexaWaiters.delete(input.SenderClientId);
        reject(new ServiceError("ResourceNotFoundException", `The master did not answer the offer within ${timeoutMs} ms.`));
      }, timeoutMs);
      session.alexaWaiters.set(input.SenderClientId, (payload) => {
        clearTimeout(timer);
        session.alexaWaiters.delete(input.SenderClientId);
        if (payload === null) reject(new ServiceError("ResourceNotFoundException", `The channel ${channel.arn} was deleted.`));
        else resolve(payload);
      });
    });
    session.master.send({ senderClientId: input.SenderClientId, messageType: "SDP_OFFER", messagePayload: input.MessagePayload });
    return { Answer: await answer };
  }

  // ---- WebSocket ---------------------------------------------------------------------------

  /** Accepts or refuses a WebSocket upgrade (the `upgrade` event of the HTTP server). */
  async handleUpgrade(request, socket, head) {
    socket.on("error", () => socket.destroy());
    try {
      const accepted = await this.checkHandshake(request);
      this.wss.handleUpgrade(request, socket, head, (ws) => this.attach(ws, accepted));
    } catch (error) {
      // Handshake failures answer with the signaling model's statuses (400, 404); signature problems 403.
      if (error instanceof ServiceError) refuse(socket, signalingModel.shapes[error.name].error.httpStatusCode, error.name, error.message, "Message");
      else if (error instanceof AuthError) refuse(socket, 403, "AccessDeniedException", error.message, "message");
      else {
        console.error("local endpoint: WebSocket handshake failed:", error);
        refuse(socket, 500, "InternalFailure", "The server encountered an internal error.", "message");
      }
    }
  }

  async checkHandshake(request) {
    const [path, rawQuery = ""] = request.url.split(/\?(.*)/s);
    const match = WSS_PATH.exec(path);
    if (!match || request.method !== "GET") throw new ServiceError("ResourceNotFoundException", `No signaling endpoint serves ${path}.`);
    const query = parseQuery(rawQuery);
    const identity = await this.options.verifier.verify({
      method: request.method,
      path,
      query,
      headers: canonicalHeaderValues(request),
    });
    const param = (name) => query.find(([key]) => key === name)?.[1];
    const role = match[1] === "m" ? "MASTER" : "VIEWER";
    const channelArn = param("X-Amz-ChannelARN");
    if (!channelArn) throw new ServiceError("InvalidArgumentException", "X-Amz-ChannelARN is required.");
    const clientId = param("X-Amz-ClientId");
    if (role === "VIEWER") {
      if (!clientId) throw new ServiceError("InvalidArgumentException", "X-Amz-ClientId is required for a viewer.");
      if (!CLIENT_ID.test(clientId) || clientId.startsWith("AWS_")) {
        throw new ServiceError("InvalidArgumentException", `X-Amz-ClientId '${clientId}' is not valid: [a-zA-Z0-9_.-]{1,256}, not starting with AWS_.`);
      }
    }
    const channel = this.activeChannel(identity.region, channelArn, { endpointId: match[2] });
    const session = this.session(channel.arn);
    if (role === "VIEWER" && !session.viewers.has(clientId) && session.viewers.size >= MAX_VIEWERS) {
      throw new ServiceError("ClientLimitExceededException", `The channel already has ${MAX_VIEWERS} viewers.`);
    }
    // Counted last, so only handshakes that would otherwise be accepted use up the channel's rate.
    const { connectsPerSecond } = this.limits;
    if (!admit(session.connects, connectsPerSecond)) {
      throw new ServiceError("ClientLimitExceededException", `Too many connections to the channel: at most ${connectsPerSecond} per second.`);
    }
    return { channel, session, role, clientId: role === "VIEWER" ? clientId : undefined };
  }

  attach(ws, { channel, session, role, clientId }) {
    const connection = {
      ws,
      role,
      clientId,
      connectedAt: this.options.now(),
      /** Sends a message (a string goes as it is); false when the socket is no longer open. */
      send: (message) => {
        if (ws.readyState !== ws.OPEN) return false;
        ws.send(typeof message === "string" ? message : JSON.stringify(message));
        return true;
      },
      timers: [],
      sdpTimes: [],
      iceTimes: [],
    };
    // A newer master, or a viewer reusing its ClientId, takes the place of the older connection.
    const previous = role === "MASTER" ? session.master : session.viewers.get(clientId);
    if (role === "MASTER") session.master = connection;
    else session.viewers.set(clientId, connection);
    previous?.ws.close(1000, "Replaced by a newer connection");

    // The service's limits: GO_AWAY after an hour then a minute of grace; close after 10 idle minutes.
    const lifetime = setTimeout(() => {
      connection.send({ messageType: "GO_AWAY" });
      connection.timers.push(setTimeout(() => ws.close(1000, "Connection lifetime reached"), GO_AWAY_GRACE_MS).unref());
    }, MAX_CONNECTION_MS).unref();
    const idle = () => setTimeout(() => ws.close(1000, "Idle timeout"), IDLE_TIMEOUT_MS).unref();
    connection.idleTimer = idle();
    connection.timers.push(lifetime);

    ws.on("message", (data) => {
      clearTimeout(connection.idleTimer);
      connection.idleTimer = idle();
      this.onClientMessage(channel, session, connection, data.toString("utf8"));
    });
    ws.on("close", () => {
      for (const timer of connection.timers) clearTimeout(timer);
      clearTimeout(connection.idleTimer);
      if (role === "MASTER" && session.master === connection) session.master = null;
      if (role === "VIEWER" && session.viewers.get(clientId) === connection) session.viewers.delete(clientId);
    });
    ws.on("error", () => ws.terminate());

    if (role === "MASTER") this.deliverHeld(session, connection);
  }

  deliverHeld(session, master) {
    const now = this.options.now();
    const held = session.held;
    session.held = [];
    for (const entry of held) if (entry.expiresAt > now) master.send(entry.message);
  }

  onClientMessage(channel, session, connection, text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return; // nothing to answer: a STATUS_RESPONSE needs the message's correlationId
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) return;
    // Other SDKs capitalize the keys (RecipientClientId, MessagePayload, CorrelationId).
    const field = (name) => message[name] ?? message[name[0].toUpperCase() + name.slice(1)];
    const action = field("action");
    const payload = field("messagePayload");
    const recipient = field("recipientClientId");
    const correlationId = field("correlationId");

    const reject = (description, errorType = "InvalidArgumentException", statusCode = "400") => {
      if (typeof correlationId !== "string" || correlationId === "") return; // the service only answers failures it can correlate
      connection.send({
        messageType: "STATUS_RESPONSE",
        statusResponse: { correlationId, errorType, statusCode, description, success: false },
      });
    };

    if (!ACTIONS.has(action)) return reject(`Unknown action '${action}'.`);
    if (correlationId !== undefined && (typeof correlationId !== "string" || !CORRELATION_ID.test(correlationId))) {
      return reject("correlationId must match [a-zA-Z0-9_.-]{1,256}.");
    }
    if (typeof payload !== "string" || payload === "" || !BASE64.test(payload)) {
      return reject("messagePayload must be a non-empty base64 string.");
    }
    if (payload.length > MAX_PAYLOAD_CHARS) return reject(`messagePayload exceeds ${MAX_PAYLOAD_CHARS} characters.`);
    if (connection.role === "MASTER" && (typeof recipient !== "string" || recipient === "")) {
      return reject("recipientClientId is required for messages from the master.");
    }
    // Each well-formed send counts; one beyond the rate is dropped, not queued.
    const [times, limit, kind] =
      action === "ICE_CANDIDATE" ? [connection.iceTimes, this.limits.icePerSecond, "ICE_CANDIDATE"] : [connection.sdpTimes, this.limits.sdpPerSecond, "SDP"];
    if (!admit(times, limit)) {
      return reject(`Too many ${kind} messages on this connection: at most ${limit} per second.`, "ClientLimitExceededException");
    }
    const messagePayload = standardBase64(payload);

    if (connection.role === "VIEWER") {
      // Viewers only ever talk to the master: any recipient they name is ignored.
      const relayed = { senderClientId: connection.clientId, messageType: action, messagePayload };
      if (session.master) return session.master.send(relayed);
      if (action === "SDP_OFFER") {
        // A newer offer from a viewer supersedes what it sent before (its older offer and candidates).
        session.held = session.held.filter((entry) => entry.sender !== connection.clientId);
      }
      session.held.push({
        sender: connection.clientId,
        message: relayed,
        expiresAt: this.options.now() + channel.messageTtlSeconds * 1000,
      });
      return;
    }

    // Messages from the master carry no senderClientId.
    const relayed = { messageType: action, messagePayload };
    const viewer = session.viewers.get(recipient);
    if (viewer) return viewer.send(relayed);
    const alexa = session.alexaWaiters.get(recipient);
    if (alexa && action === "SDP_ANSWER") return alexa(messagePayload);
    if (alexa) return; // candidates for an Alexa client have no channel back to it
    return reject(`The recipient '${recipient}' is not connected to the channel.`);
  }

  // ---- test hooks (not part of the service) -------------------------------------------------

  /** The open connections of a channel that match a role and a viewer's ClientId (either may be omitted). */
  matching({ channelArn, role, clientId } = {}) {
    if (typeof channelArn !== "string" || channelArn === "") throw new TypeError("channelArn must be a channel ARN.");
    if (role !== undefined && role !== null && !ROLES.has(role)) throw new TypeError(`role must be MASTER or VIEWER, got ${JSON.stringify(role)}.`);
    if (clientId !== undefined && clientId !== null && typeof clientId !== "string") throw new TypeError("clientId must be a string.");
    const session = this.sessions.get(channelArn);
    if (!session) return [];
    const all = [session.master, ...session.viewers.values()].filter((connection) => connection && connection.ws.readyState === connection.ws.OPEN);
    return all.filter((connection) => (role == null || connection.role === role) && (clientId == null || connection.clientId === clientId));
  }

  /** Sends a frame as the service would (e.g. GO_AWAY); answers how many connections got it. */
  sendTestMessage({ message, ...selector } = {}) {
    const isObject = typeof message === "object" && message !== null && !Array.isArray(message);
    if (!isObject && typeof message !== "string") throw new TypeError("message must be a JSON object or a string.");
    return this.matching(selector).filter((connection) => connection.send(message)).length;
  }

  /** Destroys the TCP sockets of matching connections: the peer sees a close without a close frame. */
  dropConnections(selector) {
    const dropped = this.matching(selector);
    for (const connection of dropped) connection.ws.terminate();
    return dropped.length;
  }

  /** `[{ role, clientId, connectedAt }]` of a channel's connections (clientId null for the master). */
  listConnections(channelArn) {
    return this.matching({ channelArn }).map(({ role, clientId, connectedAt }) => ({ role, clientId: clientId ?? null, connectedAt }));
  }

  /** Ends every connection of a deleted channel. */
  closeChannel(channelArn) {
    const session = this.sessions.get(channelArn);
    if (!session) return;
    this.sessions.delete(channelArn);
    for (const waiter of session.alexaWaiters.values()) waiter(null);
    session.master?.ws.close(1000, "Channel deleted");
    for (const viewer of session.viewers.values()) viewer.ws.close(1000, "Channel deleted");
  }

  close() {
    for (const arn of [...this.sessions.keys()]) this.closeChannel(arn);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
