// Test hooks (not part of the service): frames the service sends on its own (GO_AWAY,
// RECONNECT_ICE_SERVER) pushed to chosen connections, abrupt drops, and the list of connections,
// from code and over unsigned HTTP for tests in another process.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { activeChannel, rawHttp, startTestEndpoint } from "./helpers.mjs";

const GO_AWAY = { messageType: "GO_AWAY" };
const RECONNECT = { messageType: "RECONNECT_ICE_SERVER" };

let endpoint;
before(async () => {
  endpoint = await startTestEndpoint();
}, { timeout: 10000 });
after(() => endpoint.close());

let channelCount = 0;
/** A channel with a master and viewers v-1, v-2 connected (3 connects: within the rate). */
async function connectedChannel() {
  const channel = await activeChannel(endpoint, { name: `hooks-${++channelCount}` });
  const master = await channel.master();
  const v1 = await channel.viewer("v-1");
  const v2 = await channel.viewer("v-2");
  return { channel, master, v1, v2, all: [master, v1, v2] };
}

const hook = (name, body) =>
  rawHttp(`${endpoint.url}/_local/signaling/${name}`, { headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

test("sendSignalingMessage reaches the master, one viewer, all viewers or everyone", { timeout: 10000 }, async () => {
  const { channel, master, v1, v2, all } = await connectedChannel();
  const channelArn = channel.arn;
  assert.equal(endpoint.sendSignalingMessage({ channelArn, role: "MASTER", message: GO_AWAY }), 1);
  assert.deepEqual(await master.next(), GO_AWAY);
  await Promise.all([v1.quiet(50), v2.quiet(50)]);

  assert.equal(endpoint.sendSignalingMessage({ channelArn, role: "VIEWER", clientId: "v-2", message: RECONNECT }), 1);
  assert.deepEqual(await v2.next(), RECONNECT);
  await Promise.all([master.quiet(50), v1.quiet(50)]);

  assert.equal(endpoint.sendSignalingMessage({ channelArn, role: "VIEWER", message: GO_AWAY }), 2);
  assert.deepEqual(await v1.next(), GO_AWAY);
  assert.deepEqual(await v2.next(), GO_AWAY);
  await master.quiet(50);

  assert.equal(endpoint.sendSignalingMessage({ channelArn, message: RECONNECT }), 3, "no role: every connection");
  for (const connection of all) assert.deepEqual(await connection.next(), RECONNECT);

  // A string goes as it is: frames the service sends outside the message format.
  const stray = { message: "Endpoint request timed out", connectionId: "abc=", requestId: "def=" };
  assert.equal(endpoint.sendSignalingMessage({ channelArn, role: "MASTER", message: JSON.stringify(stray) }), 1);
  assert.deepEqual(await master.next(), stray);

  assert.equal(endpoint.sendSignalingMessage({ channelArn, role: "VIEWER", clientId: "absent", message: GO_AWAY }), 0);
  assert.equal(endpoint.sendSignalingMessage({ channelArn: channelArn.replace(/\/\d+$/, "/1"), role: "MASTER", message: GO_AWAY }), 0);
  assert.throws(() => endpoint.sendSignalingMessage({ channelArn, role: "PEER", message: GO_AWAY }), /role must be MASTER or VIEWER/);
  assert.throws(() => endpoint.sendSignalingMessage({ channelArn, role: "MASTER" }), /message must be/);
  assert.throws(() => endpoint.sendSignalingMessage({ role: "MASTER", message: GO_AWAY }), /channelArn/);

  // A hook's GO_AWAY is only a frame: the connection stays usable until the test drops it.
  await Promise.all(all.map((connection) => connection.quiet(50)));
  v1.send({ action: "SDP_OFFER", messagePayload: "eyJ0eXBlIjoib2ZmZXIifQ==" });
  assert.equal((await master.next()).messageType, "SDP_OFFER");
  await Promise.all(all.map((connection) => connection.close()));
});

test("signalingConnections lists the open connections; dropSignalingConnections ends them without a close frame", { timeout: 10000 }, async () => {
  const startedAt = Date.now();
  const { channel, master, v1, v2 } = await connectedChannel();
  const channelArn = channel.arn;
  const listed = endpoint.signalingConnections(channelArn);
  assert.deepEqual(listed.map(({ role, clientId }) => ({ role, clientId })), [
    { role: "MASTER", clientId: null },
    { role: "VIEWER", clientId: "v-1" },
    { role: "VIEWER", clientId: "v-2" },
  ]);
  for (const { connectedAt } of listed) assert.ok(connectedAt >= startedAt && connectedAt <= Date.now(), `${connectedAt}`);
  assert.deepEqual(endpoint.signalingConnections("arn:aws:kinesisvideo:us-west-2:123456789012:channel/none/1"), []);

  assert.equal(endpoint.dropSignalingConnections({ channelArn, role: "VIEWER", clientId: "v-1" }), 1);
  assert.equal(await v1.closed, 1006, "an abrupt close: no close frame reached the client");
  assert.deepEqual(endpoint.signalingConnections(channelArn).map((c) => c.clientId), [null, "v-2"]);

  assert.equal(endpoint.dropSignalingConnections({ channelArn }), 2);
  assert.deepEqual(await Promise.all([master.closed, v2.closed]), [1006, 1006]);
  assert.deepEqual(endpoint.signalingConnections(channelArn), []);
  assert.equal(endpoint.dropSignalingConnections({ channelArn }), 0);
});

test("the unsigned HTTP hooks under /_local/signaling/ do the same for tests in another process", { timeout: 10000 }, async () => {
  const { channel, master, v1, v2 } = await connectedChannel();
  const channelArn = channel.arn;

  const sent = await hook("message", { channelArn, role: "VIEWER", clientId: "v-1", message: RECONNECT });
  assert.equal(sent.status, 200, sent.text);
  assert.deepEqual(sent.json, { delivered: 1 });
  assert.equal(sent.headers["access-control-allow-origin"], "*");
  assert.deepEqual(await v1.next(), RECONNECT);
  assert.deepEqual((await hook("message", { channelArn, role: "MASTER", message: GO_AWAY })).json, { delivered: 1 });
  assert.deepEqual(await master.next(), GO_AWAY);
  await v2.quiet(50);

  const listed = await hook("connections", { channelArn });
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.json.connections.map((c) => [c.role, c.clientId, typeof c.connectedAt]), [
    ["MASTER", null, "number"],
    ["VIEWER", "v-1", "number"],
    ["VIEWER", "v-2", "number"],
  ]);

  assert.deepEqual((await hook("drop", { channelArn, role: "MASTER" })).json, { dropped: 1 });
  assert.equal(await master.closed, 1006);

  const bad = await hook("message", { channelArn, role: "nobody", message: GO_AWAY });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers["x-amzn-errortype"], "InvalidArgumentException");
  assert.match(bad.json.message, /role/);
  const notJson = await rawHttp(`${endpoint.url}/_local/signaling/message`, { body: "{" });
  assert.equal(notJson.status, 400);
  const unknown = await hook("nothing", {});
  assert.equal(unknown.status, 404);
  const preflight = await rawHttp(`${endpoint.url}/_local/signaling/message`, {
    method: "OPTIONS",
    headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers["access-control-allow-headers"], "content-type");
  await Promise.all([v1.close(), v2.close()]);
});
