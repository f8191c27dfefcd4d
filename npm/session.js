// SignalingSession: the KVS WebRTC signaling protocol over one WebSocket (no RTCPeerConnection
// inside). Outgoing messages are JSON frames whose payload is base64 of UTF-8 JSON; incoming ones
// are read in every form the service and other SDKs send. The session reconnects with a freshly
// presigned URL on GO_AWAY, on an unexpected close and before the service's one-hour limit, and
// keeps the service's send rates (5 SDP and 20 ICE messages a second) by queueing, in order.

import { namedError } from "./errors.js";

const MAX_PAYLOAD = 10 * 1024; // base64 characters, the service's limit
const RATES = { SDP: 5, ICE: 20 }; // messages per second per connection
const ID = /^[a-zA-Z0-9_.-]{1,256}$/;
const EVENTS = {
  SDP_OFFER: "sdpOffer",
  SDP_ANSWER: "sdpAnswer",
  ICE_CANDIDATE: "iceCandidate",
  STATUS_RESPONSE: "statusResponse",
  GO_AWAY: "goAway",
  RECONNECT_ICE_SERVER: "reconnectIceServer",
};

/** An event of a signaling session: its type's fields (`description`, `candidate`, ...) are own properties. */
export class SignalingEvent extends Event {
  constructor(type, fields) {
    super(type);
    Object.assign(this, fields);
  }
}

/** Base64 of `text`'s UTF-8 bytes (`btoa` alone takes only Latin-1 text). */
function encode(text) {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The JSON in a payload: standard or URL-safe base64, padded or not, of UTF-8 text. */
function decode(payload) {
  const b64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

/** An RTCIceCandidateInit's members of `c`, nothing else. */
const candidateInit = ({ candidate, sdpMid, sdpMLineIndex, usernameFragment }) => ({ candidate, sdpMid, sdpMLineIndex, usernameFragment });

/** The status of a refused WebSocket handshake, where the WebSocket implementation tells it (Node's
 *  `ws`), as the AWS error the service names it with. (A 400 may also be ClientLimitExceededException.) */
function handshakeError(event) {
  const status = Number(/\b([45]\d\d)\b/.exec(event?.message ?? event?.error?.message ?? "")?.[1]);
  const name = { 400: "InvalidArgumentException", 403: "AccessDeniedException", 404: "ResourceNotFoundException" }[status];
  return name
    ? namedError(name, `the signaling service refused the connection (HTTP ${status})`, { $fault: "client", status })
    : namedError("SignalingConnectionError", "the signaling WebSocket could not connect", { $fault: "client" });
}

/**
 * Keeps only `codecs` (e.g. ["H264", "opus"]) in every media section of `sdp`, with the
 * retransmission entries that belong to them: a Chrome offer lists about 30 formats, which can
 * take it past the service's 10 KB message limit.
 */
export function filterSdpCodecs(sdp, codecs) {
  const keep = new Set(codecs.map((c) => c.toLowerCase()));
  // Each media section on its own: a payload type is only defined within its section.
  return sdp
    .split(/(?=\r?\nm=)/)
    .map((section) => {
      const name = {};
      const apt = {};
      for (const [, pt, codec] of section.matchAll(/a=rtpmap:(\d+) ([^/\r\n]+)/g)) name[pt] = codec.toLowerCase();
      for (const [, pt, of] of section.matchAll(/a=fmtp:(\d+) .*?\bapt=(\d+)/g)) apt[pt] = of;
      // A format goes when its codec is not kept and it retransmits no kept codec.
      const drop = (pt) => pt in name && !keep.has(name[pt]) && !keep.has(name[apt[pt]]);
      return section
        .replace(/^(m=\S+ \S+ \S+)(.*)$/m, (_, head, pts) => head + pts.replace(/ (\d+)/g, (all, pt) => (drop(pt) ? "" : all)))
        .split(/\r?\n/)
        .filter((line) => !drop(/^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line)?.[1]))
        .join("\r\n");
    })
    .join("");
}

/**
 * A signaling connection to a channel as MASTER or VIEWER.
 *
 * From a client: `{ client, channelName | channelArn, role, clientId?, natTraversal? }`: every
 * (re)connect calls `client.connectSignaling` for a fresh URL. From what an edge function vended:
 * `{ wssUrl, iceServers?, role, clientId?, refresh?: () => Promise<{ wssUrl, iceServers }> }`.
 * Both take `webSocket` (a WebSocket class; the global one by default), `keepCodecs`,
 * `maxQueuedMessages` (100), `reconnect` (`{ maxAttempts: 8, minDelayMs: 250, maxDelayMs: 10000 }`),
 * `connectTimeoutMs` (10 s for a WebSocket to open) and `maxConnectionMs` (55 minutes: reconnect
 * before the service's one-hour limit).
 */
export class SignalingSession extends EventTarget {
  #o;
  #ws;
  #queue = [];
  #sent = { SDP: [], ICE: [] };
  #timers = new Set();
  #attempt = 0;
  #opening;
  state = "new";

  constructor(options) {
    super();
    const o = { maxQueuedMessages: 100, maxConnectionMs: 55 * 60_000, connectTimeoutMs: 10_000, ...options };
    o.reconnect = { maxAttempts: 8, minDelayMs: 250, maxDelayMs: 10_000, ...options?.reconnect };
    o.webSocket ??= globalThis.WebSocket;
    if (typeof o.webSocket !== "function") {
      throw new TypeError("options.webSocket: no global WebSocket here: pass one (in Node, `ws`)");
    }
    if (o.role !== "MASTER" && o.role !== "VIEWER") throw new TypeError('options.role: must be "MASTER" or "VIEWER"');
    const { maxQueuedMessages, maxConnectionMs, connectTimeoutMs } = o;
    for (const [name, v] of Object.entries({ ...o.reconnect, maxQueuedMessages, maxConnectionMs, connectTimeoutMs })) {
      if (!(v >= 0)) throw new TypeError(`options.${name}: must be a number, at least 0`);
    }
    if (o.keepCodecs !== undefined && !(Array.isArray(o.keepCodecs) && o.keepCodecs.every((c) => typeof c === "string"))) {
      throw new TypeError("options.keepCodecs: must be an array of codec names");
    }
    if (o.role === "VIEWER" && !ID.test(o.clientId ?? "")) {
      throw new TypeError("options.clientId: a viewer needs one (1 to 256 of a-zA-Z0-9_.-)");
    }
    if (o.client) {
      o.refresh = (fresh) =>
        o.client.connectSignaling(
          { channelName: o.channelName, channelArn: o.channelArn, role: o.role, clientId: o.clientId, natTraversal: o.natTraversal },
          { forceRefresh: fresh },
        );
    } else if (typeof o.wssUrl !== "string") {
      throw new TypeError("options: give a client (with channelName or channelArn), or a wssUrl");
    }
    this.#o = o;
    this.role = o.role;
    this.clientId = o.clientId;
    this.iceServers = o.iceServers ?? [];
    this.channelArn = o.channelArn;
  }

  /** Connects; resolves once the WebSocket is open. Rejects when it cannot be (after retries). */
  open() {
    if (this.state === "closed") return Promise.reject(namedError("InvalidStateError", "the session is closed"));
    if (!this.#opening) {
      this.state = "connecting";
      this.#opening = new Promise((resolve, reject) => {
        this.#onOpen = resolve;
        this.#onFail = reject;
      });
      this.#opening.catch(() => {}); // the caller of open() sees it; nobody else must
      this.#connect(false, this.#o.wssUrl);
    }
    return this.#opening;
  }

  #onOpen;
  #onFail;

  /** Ends the session: no reconnecting, no timers left, the queue dropped. */
  close() {
    this.#end(namedError("AbortError", "the session was closed"), 1000);
  }

  /** The end, for good: by close() (code 1000) or after a connection that cannot be had (1006). */
  #end(error, code) {
    if (this.state === "closed") return;
    this.state = "closed";
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#queue = [];
    this.#drop(1000, "closed");
    if (code !== 1000) this.dispatchEvent(new SignalingEvent("error", { error }));
    this.#onFail?.(error); // a no-op once open() has settled
    this.dispatchEvent(new SignalingEvent("close", { code, reason: error.message }));
  }

  sendSdpOffer(description, recipientClientId, options) {
    this.#send("SDP_OFFER", this.#description(description), recipientClientId, options);
  }

  sendSdpAnswer(description, recipientClientId, options) {
    this.#send("SDP_ANSWER", this.#description(description), recipientClientId, options);
  }

  sendIceCandidate(candidate, recipientClientId, options) {
    const c = typeof candidate?.toJSON === "function" ? candidate.toJSON() : candidate;
    if (typeof c?.candidate !== "string") throw new TypeError("candidate: must be an RTCIceCandidate(Init)");
    this.#send("ICE_CANDIDATE", candidateInit(c), recipientClientId, options);
  }

  #description(d) {
    if (typeof d?.type !== "string" || typeof d?.sdp !== "string") {
      throw new TypeError("description: must be an RTCSessionDescription(Init) with type and sdp");
    }
    const keep = this.#o.keepCodecs;
    return { type: d.type, sdp: keep ? filterSdpCodecs(d.sdp, keep) : d.sdp };
  }

  #send(action, payload, recipient, options) {
    if (this.state === "closed") throw namedError("InvalidStateError", "the session is closed");
    if (this.role === "MASTER" && !ID.test(recipient ?? "")) {
      throw new TypeError("recipientClientId: a master names the viewer (1 to 256 of a-zA-Z0-9_.-)");
    }
    if (this.role === "VIEWER" && recipient !== undefined) {
      throw new TypeError("recipientClientId: a viewer only talks to the master; leave it out");
    }
    const correlationId = options?.correlationId;
    if (correlationId !== undefined && !ID.test(String(correlationId))) {
      throw new TypeError("options.correlationId: 1 to 256 of a-zA-Z0-9_.-");
    }
    const messagePayload = encode(JSON.stringify(payload));
    if (messagePayload.length > MAX_PAYLOAD) {
      throw namedError(
        "PayloadTooLargeError",
        `the ${action} payload is ${messagePayload.length} characters after base64, over the service's ${MAX_PAYLOAD}` +
          (action === "ICE_CANDIDATE" ? "" : "; an offer listing many codecs can pass it: set keepCodecs (e.g. [\"H264\", \"opus\"])"),
      );
    }
    if (this.#queue.length >= this.#o.maxQueuedMessages) {
      throw namedError("QueueFullError", `${this.#queue.length} messages are already waiting to be sent`);
    }
    const frame = { action, messagePayload };
    if (recipient !== undefined) frame.recipientClientId = recipient;
    if (correlationId !== undefined) frame.correlationId = String(correlationId);
    this.#queue.push({ kind: action === "ICE_CANDIDATE" ? "ICE" : "SDP", text: JSON.stringify(frame) });
    this.#flush();
  }

  /** Sends queued frames in order while the socket is open and the rates allow. */
  #flush() {
    while (this.#queue.length && this.state === "open") {
      const { kind, text } = this.#queue[0];
      const now = Date.now();
      const recent = this.#sent[kind].filter((t) => now - t < 1000);
      this.#sent[kind] = recent;
      if (recent.length >= RATES[kind]) {
        if (!this.#flushTimer) {
          this.#flushTimer = this.#later(() => ((this.#flushTimer = undefined), this.#flush()), recent[0] + 1000 - now);
        }
        return;
      }
      try {
        this.#ws.send(text);
      } catch {
        return; // the socket is going: the close handler reconnects and this frame stays queued
      }
      this.#queue.shift();
      recent.push(now);
    }
  }

  #flushTimer;

  #later(f, ms) {
    const t = setTimeout(() => (this.#timers.delete(t), f()), ms);
    this.#timers.add(t);
    return t;
  }

  #drop(code, reason) {
    const ws = this.#ws;
    this.#ws = undefined;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.onerror = () => {}; // closing a socket still connecting may report an error
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  /** One connection attempt: a fresh URL (unless given `url`), then the WebSocket. */
  async #connect(fresh, url) {
    let target = url;
    try {
      if (target === undefined) {
        // Without `refresh`, the vended URL again: good until it expires (then refused).
        const next = this.#o.refresh ? await this.#o.refresh(fresh) : this.#o;
        if (this.state === "closed") return;
        target = next.wssUrl;
        if (Array.isArray(next.iceServers)) this.iceServers = next.iceServers;
        if (next.channelArn) this.channelArn = next.channelArn;
      }
      const ws = new this.#o.webSocket(target);
      this.#ws = ws;
      let opened = false;
      const timeout = this.#later(() => {
        this.#drop(1000, "timed out");
        this.#failed(namedError("TimeoutError", `the signaling WebSocket did not open within ${this.#o.connectTimeoutMs} ms`));
      }, this.#o.connectTimeoutMs);
      ws.onopen = () => {
        clearTimeout(timeout);
        opened = true;
        this.#attempt = 0;
        this.#refusedOnce = false;
        this.state = "open";
        this.#lifetime = this.#later(() => this.#reconnect("the connection reached its planned lifetime"), this.#o.maxConnectionMs);
        this.dispatchEvent(new SignalingEvent("open", { reconnected: !this.#onOpen }));
        this.#onOpen?.();
        this.#onOpen = this.#onFail = undefined;
        this.#flush();
      };
      ws.onmessage = (e) => this.#receive(e.data);
      let refusal;
      ws.onerror = (e) => {
        if (!opened) refusal = handshakeError(e);
      };
      ws.onclose = (e) => {
        if (ws !== this.#ws) return;
        clearTimeout(timeout);
        this.#ws = undefined;
        clearTimeout(this.#lifetime);
        if (opened) this.#reconnect(`the connection closed (${e?.code ?? "no code"})`);
        else this.#failed(refusal ?? handshakeError(e));
      };
    } catch (error) {
      this.#failed(error);
    }
  }

  #lifetime;

  /** Retries a connection that did not open, unless the refusal will not change. */
  #failed(error) {
    if (this.state === "closed") return;
    // 400 is retried like a drop: the service also says ClientLimitExceededException with it.
    const refused = error?.status === 403 || error?.status === 404;
    // An expired URL or a stale cached endpoint is refused too: one fresh try is worth it.
    const retry = !refused || !this.#refusedOnce;
    if (refused) this.#refusedOnce = true;
    if (retry && this.#attempt < this.#o.reconnect.maxAttempts) {
      this.#retry(error?.message ?? String(error), false, refused || this.#attempt > 0);
      return;
    }
    this.#end(error instanceof Error ? error : namedError("SignalingConnectionError", String(error)), 1006);
  }

  /** Leaves the open connection and connects again with a fresh URL (queued messages wait). */
  #reconnect(reason) {
    if (this.state === "closed") return;
    clearTimeout(this.#lifetime);
    this.#drop(1000, "reconnecting");
    this.#retry(reason, true);
  }

  /** Connects again after a delay (none for the first try after an open connection). `fresh`
   *  asks the client for everything anew (no cached channel endpoints). */
  #retry(reason, immediate = false, fresh = this.#attempt > 0) {
    this.state = "reconnecting";
    const { minDelayMs, maxDelayMs } = this.#o.reconnect;
    const attempt = ++this.#attempt;
    const delayMs = immediate ? 0 : Math.random() * Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
    this.dispatchEvent(new SignalingEvent("reconnecting", { attempt, delayMs, reason }));
    this.#later(() => this.#connect(fresh), delayMs);
  }

  #refusedOnce = false;

  #receive(data) {
    let m;
    try {
      m = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    } catch {
      return; // not JSON: nothing a peer can use
    }
    if (typeof m !== "object" || m === null) return;
    const field = (name) => m[name] ?? m[name[0].toUpperCase() + name.slice(1)];
    const messageType = field("messageType");
    if (messageType === undefined) return; // the service's stray {"message": ...} frames
    const type = EVENTS[messageType];
    const senderClientId = field("senderClientId") || undefined;
    if (!type) {
      this.dispatchEvent(new SignalingEvent("unknownMessage", { messageType, message: m, senderClientId }));
      return;
    }
    const fields = { messageType, senderClientId };
    const payload = field("messagePayload");
    if (type === "sdpOffer" || type === "sdpAnswer" || type === "iceCandidate") {
      try {
        const p = decode(payload);
        if (type === "iceCandidate") fields.candidate = candidateInit(p);
        else fields.description = { type: p.type, sdp: p.sdp };
      } catch {
        const error = namedError("DeserializationError", `a ${messageType} message whose payload is not base64 of JSON`);
        this.dispatchEvent(new SignalingEvent("error", { error, message: m }));
        return;
      }
    }
    if (type === "statusResponse") fields.statusResponse = field("statusResponse");
    if (type === "reconnectIceServer") return this.#refreshIce(fields);
    this.dispatchEvent(new SignalingEvent(type, fields));
    if (type === "goAway") this.#reconnect("the service sent GO_AWAY");
  }

  async #refreshIce(fields) {
    try {
      if (this.#o.refresh) this.iceServers = (await this.#o.refresh(true)).iceServers ?? this.iceServers;
    } catch (error) {
      this.dispatchEvent(new SignalingEvent("error", { error }));
    }
    if (this.state !== "closed") this.dispatchEvent(new SignalingEvent("reconnectIceServer", { ...fields, iceServers: this.iceServers }));
  }
}
