// connectSignaling: from a channel name (or ARN) to what a WebRTC peer needs, in one call:
// DescribeSignalingChannel (unless given the ARN) → GetSignalingChannelEndpoint → GetIceServerConfig
// at the channel's HTTPS endpoint → the presigned WSS URL. The client checks the arguments first
// and signs; this only sequences its calls.
import { credentialsReady } from "./call.js";

function deserializationError(message) {
  const e = new Error(message);
  e.name = "DeserializationError";
  e.$fault = "client";
  e.$metadata = { attempts: 0, totalRetryDelay: 0 };
  return e;
}

function abortError() {
  const e = new Error("the call was aborted");
  e.name = "AbortError";
  e.$fault = "client";
  e.$metadata = { attempts: 0, totalRetryDelay: 0 };
  return e;
}

const list = (v) => (Array.isArray(v) ? v : []);

export async function connectSignaling(client, args, options) {
  const a = client.__signalingArgs(args, options);
  const callOptions = { abortSignal: a.abortSignal };
  let channelArn = a.channelArn;
  if (channelArn === undefined) {
    const described = await client.describeSignalingChannel({ ChannelName: a.channelName }, callOptions);
    channelArn = described.ChannelInfo?.ChannelARN;
    if (typeof channelArn !== "string") throw deserializationError("the channel has no ARN");
  }
  const { ResourceEndpointList } = await client.getSignalingChannelEndpoint(
    { ChannelARN: channelArn, SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: a.role } },
    callOptions,
  );
  const endpoint = (protocol) => list(ResourceEndpointList).find((e) => e?.Protocol === protocol)?.ResourceEndpoint;
  const [wss, https] = [endpoint("WSS"), endpoint("HTTPS")];
  if (typeof wss !== "string" || typeof https !== "string") {
    throw deserializationError("no WSS and HTTPS endpoints for the channel");
  }
  await credentialsReady(client, a.abortSignal, abortError);

  const iceServers = [];
  const stun = client.__stun;
  if (a.natTraversal === "STUN_TURN" && stun) iceServers.push({ urls: stun });
  if (a.natTraversal !== "DISABLED") {
    const dataPlane = client.__dataPlane(https);
    try {
      const config = await dataPlane.getIceServerConfig(
        { ChannelARN: channelArn, ClientId: a.clientId, Service: "TURN" },
        callOptions,
      );
      for (const s of list(config.IceServerList)) {
        iceServers.push({ urls: list(s.Uris), username: s.Username, credential: s.Password });
      }
    } finally {
      dataPlane.free();
    }
  }
  const wssUrl = client.__signalingUrl(wss, channelArn, a.role, a.clientId, a.expiresIn);
  return { channelArn, wssUrl, httpsEndpoint: https, iceServers };
}
