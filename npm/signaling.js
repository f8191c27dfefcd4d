// connectSignaling: from a channel name (or ARN) to what a WebRTC peer needs, in one call:
// DescribeSignalingChannel (unless given the ARN) → GetSignalingChannelEndpoint → GetIceServerConfig
// at the channel's HTTPS endpoint → the presigned WSS URL. The client checks the arguments first
// and signs; this sequences its calls and remembers their answers per client (channel ARN and
// endpoints for ten minutes or until a call says the channel is gone, ICE servers until a minute
// before their Ttl), because the service allows only 5 DescribeSignalingChannel and
// GetIceServerConfig calls a second per channel.
import { remembered } from "./cache.js";
import { credentialsReady, run } from "./call.js";
import { abortedError, clientError } from "./errors.js";

/** ICE servers are handed out until this long before their Ttl ends. */
const ICE_MARGIN_MS = 60_000;
/** A channel's ARN and endpoints are asked for again after this long. */
const CHANNEL_TTL_MS = 10 * 60_000;

const list = (v) => (Array.isArray(v) ? v : []);

export async function connectSignaling(client, args, options) {
  const a = client.__signalingArgs(args, options);
  try {
    return await connect(client, a, a.forceRefresh);
  } catch (error) {
    // A remembered ARN or endpoint of a channel deleted (and perhaps made again): ask anew, once.
    if (error?.name !== "ResourceNotFoundException" || a.forceRefresh || a.channelArn !== undefined) throw error;
    return connect(client, a, true);
  }
}

async function connect(client, a, fresh) {
  const signal = a.abortSignal;
  const channelArn =
    a.channelArn ??
    (await remembered(client, `arn ${a.channelName}`, fresh, signal, async () => {
      const { ChannelInfo } = await client.describeSignalingChannel({ ChannelName: a.channelName });
      const value = ChannelInfo?.ChannelARN;
      if (typeof value !== "string") throw clientError("DeserializationError", "the channel has no ARN");
      return { value, expiresAt: Date.now() + CHANNEL_TTL_MS };
    }));
  const endpoints = await remembered(client, `endpoints ${channelArn} ${a.role}`, fresh, signal, async () => {
    const { ResourceEndpointList } = await client.getSignalingChannelEndpoint({
      ChannelARN: channelArn,
      SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: a.role },
    });
    const endpoint = (p) => list(ResourceEndpointList).find((e) => e?.Protocol === p)?.ResourceEndpoint;
    const value = { wss: endpoint("WSS"), https: endpoint("HTTPS") };
    if (typeof value.wss !== "string" || typeof value.https !== "string") {
      throw clientError("DeserializationError", "no WSS and HTTPS endpoints for the channel");
    }
    return { value, expiresAt: Date.now() + CHANNEL_TTL_MS };
  });
  await credentialsReady(client, signal, abortedError);

  const iceServers = [];
  let expiresAt = Date.now() + a.expiresIn * 1000;
  if (a.natTraversal === "STUN_TURN" && a.stun) iceServers.push({ urls: a.stun });
  if (a.natTraversal !== "DISABLED") {
    const ice = await remembered(client, `ice ${channelArn} ${a.clientId}`, fresh, signal, async () => {
      const input = { ChannelARN: channelArn, ClientId: a.clientId, Service: "TURN" };
      const servers = list((await run(client, client.__iceServerConfig(endpoints.https, input))).IceServerList);
      const ttl = Math.min(...servers.map((s) => (typeof s?.Ttl === "number" ? s.Ttl : Infinity)));
      const until = Date.now() + ttl * 1000 - ICE_MARGIN_MS;
      const value = {
        servers: servers.map((s) => ({ urls: list(s.Uris), username: s.Username, credential: s.Password })),
        until,
      };
      return { value, expiresAt: until };
    });
    iceServers.push(...ice.servers.map((server) => ({ ...server, urls: [...server.urls] })));
    expiresAt = Math.min(expiresAt, ice.until);
  }
  const wssUrl = client.__signalingUrl(endpoints.wss, channelArn, a.role, a.clientId, a.expiresIn);
  return { channelArn, wssUrl, httpsEndpoint: endpoints.https, iceServers, expiresAt: new Date(expiresAt) };
}
