// Checks on the signaling frames the interop pages recorded (pages/frames.js), for interop.test.mjs:
// the service's client-to-service format (kvs-wire-facts.md, "Signaling WebSocket") and, between
// two sides, that every frame one sent reached the other through the relay and became the event its
// signaling layer gives for it. Each check throws an AssertionError that says which frame.
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";

export const SIGNALING_URL = /\/signaling\/[mv]-[0-9a-f]{8}\/?$/;
const CLIENT_FRAME_KEYS = new Set(["action", "recipientClientId", "messagePayload", "correlationId"]);
const ACTIONS = new Set(["SDP_OFFER", "SDP_ANSWER", "ICE_CANDIDATE"]);
const ID = /^[a-zA-Z0-9_.-]{1,256}$/;
const CANDIDATE_KEYS = new Set(["candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"]);
const MAX_PAYLOAD = 10 * 1024;
/** The event each signaling layer gives for a relayed message type (ours and the SDK's use the same names). */
export const EVENT_OF = { SDP_OFFER: "sdpOffer", SDP_ANSWER: "sdpAnswer", ICE_CANDIDATE: "iceCandidate" };

/** A page's signaling frames: `{ connects, sent, received }`, each sent/received frame parsed. */
export function signalingFrames(snapshot, who) {
  const frames = snapshot.frames.filter((f) => SIGNALING_URL.test(f.url));
  const parse = (f, i) => {
    let json;
    assert.doesNotThrow(() => (json = JSON.parse(f.data)), `${who}: ${f.dir} frame ${i} is not JSON: ${f.data.slice(0, 200)}`);
    return { ...f, json };
  };
  return {
    connects: frames.filter((f) => f.dir === "connect"),
    sent: frames.filter((f) => f.dir === "out").map(parse),
    received: frames.filter((f) => f.dir === "in").map(parse),
  };
}

/** The JSON inside a messagePayload, after checking it is canonical, padded standard base64 of UTF-8. */
export function decodePayload(payload, where) {
  assert.equal(typeof payload, "string", `${where}: messagePayload is not a string`);
  assert.ok(payload.length > 0 && payload.length <= MAX_PAYLOAD, `${where}: messagePayload is ${payload.length} characters (1 to ${MAX_PAYLOAD})`);
  assert.match(payload, /^[A-Za-z0-9+/]*={0,2}$/, `${where}: messagePayload is not standard base64`);
  assert.equal(payload.length % 4, 0, `${where}: messagePayload is not padded base64`);
  const bytes = Buffer.from(payload, "base64");
  assert.equal(bytes.toString("base64"), payload, `${where}: messagePayload is not canonical base64`);
  let text;
  assert.doesNotThrow(() => (text = new TextDecoder("utf-8", { fatal: true }).decode(bytes)), `${where}: the payload is not UTF-8`);
  let json;
  assert.doesNotThrow(() => (json = JSON.parse(text)), `${where}: the payload is not JSON: ${text.slice(0, 200)}`);
  return json;
}

/** The payload's JSON is what the action carries: `{type, sdp}` or an RTCIceCandidateInit. */
export function checkPayloadShape(action, json, where) {
  assert.ok(json && typeof json === "object" && !Array.isArray(json), `${where}: the payload is not a JSON object`);
  if (action === "ICE_CANDIDATE") {
    for (const key of Object.keys(json)) assert.ok(CANDIDATE_KEYS.has(key), `${where}: the candidate has a key ${key}`);
    assert.equal(typeof json.candidate, "string", `${where}: no candidate string`);
    if (json.sdpMid !== undefined && json.sdpMid !== null) assert.equal(typeof json.sdpMid, "string", `${where}: sdpMid`);
    if (json.sdpMLineIndex !== undefined && json.sdpMLineIndex !== null) assert.ok(Number.isInteger(json.sdpMLineIndex), `${where}: sdpMLineIndex`);
  } else {
    assert.deepEqual(Object.keys(json).sort(), ["sdp", "type"], `${where}: an SDP payload has exactly type and sdp`);
    assert.equal(json.type, action === "SDP_OFFER" ? "offer" : "answer", `${where}: type`);
    assert.match(json.sdp, /^v=0\r\n/, `${where}: sdp`);
  }
}

/**
 * A frame a client sent is the service's format: keys action, messagePayload, recipientClientId
 * (the master's frames name `recipient`; a viewer's have none), optional correlationId; the payload
 * canonical base64 of UTF-8 JSON of the right shape. Returns the payload's JSON.
 */
export function checkClientFrame(frame, { role, recipient }, where) {
  const m = frame.json;
  assert.ok(m && typeof m === "object" && !Array.isArray(m), `${where}: not a JSON object`);
  for (const key of Object.keys(m)) assert.ok(CLIENT_FRAME_KEYS.has(key), `${where}: a key the service does not read: ${key}`);
  assert.ok(ACTIONS.has(m.action), `${where}: action ${m.action}`);
  if (role === "MASTER") assert.equal(m.recipientClientId, recipient, `${where}: the master's frame names the viewer`);
  else assert.ok(!("recipientClientId" in m), `${where}: a viewer's frame names a recipient (${m.recipientClientId})`);
  if ("correlationId" in m) assert.match(String(m.correlationId), ID, `${where}: correlationId`);
  const json = decodePayload(m.messagePayload, where);
  checkPayloadShape(m.action, json, where);
  return json;
}

/** Per action, the sorted key lists of `frames` (e.g. { SDP_ANSWER: ["action,messagePayload,recipientClientId"] }). */
export function keyShapes(frames) {
  const shapes = {};
  for (const f of frames) (shapes[f.json.action] ??= new Set()).add(Object.keys(f.json).sort().join(","));
  return Object.fromEntries(Object.entries(shapes).map(([a, s]) => [a, [...s].sort()]));
}

/** The JSON an event carried: our session's description/candidate, or the SDK's payload argument. */
function eventPayload(event) {
  return event.payload ?? event.description ?? event.candidate;
}

/**
 * Every frame `sender` sent reached `receiver` through the relay, in order, with the same payload and
 * the sender named as the service names it, and became exactly one signaling event of the receiver
 * with that payload; the receiver's signaling layer gave no event for anything else.
 * `senderClientId`: the viewer's id when the sender is the viewer, undefined when it is the master
 * (the service names no sender for the master's messages).
 */
export function checkAccepted({ sender, receiver, receiverEvents, senderClientId, label }) {
  assert.equal(receiver.received.length, sender.sent.length, `${label}: the receiver was handed ${receiver.received.length} frames for the ${sender.sent.length} sent`);
  const expected = sender.sent.map((f, i) => {
    const where = `${label}: frame ${i} (${f.json.action})`;
    const json = decodePayload(f.json.messagePayload, `${where}, as sent`);
    const got = receiver.received[i].json;
    assert.equal(got.messageType, f.json.action, `${where}: relayed as ${got.messageType}`);
    assert.equal(got.senderClientId, senderClientId, `${where}: relayed with senderClientId ${got.senderClientId}`);
    assert.deepEqual(decodePayload(got.messagePayload, `${where}, as relayed`), json, `${where}: relayed with another payload`);
    return { type: EVENT_OF[f.json.action], json, where };
  });
  const events = receiverEvents.filter((e) => Object.values(EVENT_OF).includes(e.type));
  const left = [...events];
  for (const { type, json, where } of expected) {
    const i = left.findIndex((e) => e.type === type && e.senderClientId === senderClientId && isDeepStrictEqual(eventPayload(e), json));
    assert.ok(i >= 0, `${where}: no ${type} event with its payload${senderClientId ? ` from ${senderClientId}` : ""} (events: ${events.map((e) => e.type).join(", ")})`);
    left.splice(i, 1);
  }
  assert.deepEqual(left.map((e) => e.type), [], `${label}: events for frames nobody sent`);
  return { frames: expected.length, events: events.length };
}

