// The package's API besides the model (npm/model.d.ts, generated: the client classes and their
// operations): configuration, credentials, the signer, signaling, waiters and initialization. One set of declarations for
// every entry (node, browser, workerd, web): each exports the same names, and `init` as the default
// export (a promise that resolves at once where importing already initialized).
import type {
  APIName,
  DescribeSignalingChannelInput,
  DescribeSignalingChannelOutput,
  DescribeStreamInput,
  DescribeStreamOutput,
  KinesisVideoArchivedMediaClient,
  KinesisVideoClient,
  KinesisVideoErrorName,
  KinesisVideoMediaClient,
} from "./model.js";

export * from "./model.js";

// ------------------------------------------------------------------------------ calls and errors

/** Metadata of a call, on every output and every error, as in the AWS SDK for JavaScript v3. */
export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
  totalRetryDelay: number;
}
export interface MetadataBearer {
  $metadata: ResponseMetadata;
}
/** A rejected call: `name` is the AWS exception name (or ValidationError, AbortError, TimeoutError, NetworkError, CredentialsProviderError, DeserializationError, UnknownError). */
export interface KinesisVideoError extends Error {
  name:
    | KinesisVideoErrorName
    | "AbortError"
    | "TimeoutError"
    | "NetworkError"
    | "CredentialsProviderError"
    | "DeserializationError"
    | "UnknownError"
    | (string & {});
  $fault: "client" | "server";
  $metadata: ResponseMetadata;
  Message?: string;
}
export interface CallOptions {
  abortSignal?: AbortSignal;
}

// ------------------------------------------------------------------------------------ clients

/** AWS credentials. Kept in memory only; never printed or put in error messages. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialsProvider = () => Promise<Credentials>;
export interface KinesisVideoClientConfig {
  region: string;
  credentials: Credentials | CredentialsProvider;
  /** e.g. "http://127.0.0.1:4567": overrides endpoint resolution. */
  endpoint?: string;
  useFipsEndpoint?: boolean;
  useDualstackEndpoint?: boolean;
  /** Attempts per call, retries included. Default 3. */
  maxAttempts?: number;
  /** Per-attempt timeout in milliseconds. Default: none. */
  requestTimeoutMs?: number;
  /** Longest response body taken, in bytes (default 16 MiB): a longer one is a ResponseTooLargeError. */
  maxResponseBytes?: number;
}
/** A client of a service at an endpoint another call gives (GetDataEndpoint, GetSignalingChannelEndpoint). */
export interface DataPlaneClientConfig {
  region: string;
  credentials: Credentials | CredentialsProvider;
  /** The endpoint, e.g. a channel's HTTPS ResourceEndpoint or a stream's DataEndpoint. */
  endpoint: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  maxResponseBytes?: number;
}
export type KinesisVideoSignalingClientConfig = DataPlaneClientConfig;

/** What the control-plane client has besides its operations (the classes are in model.d.ts). */
export interface KinesisVideoClientExtras {
  /**
   * Channel name or ARN to a presigned WSS URL and ICE servers in one call. The channel's ARN and
   * endpoints are remembered by the client, and its ICE servers until a minute before their Ttl.
   */
  connectSignaling(args: ConnectSignalingArgs, options?: ConnectSignalingOptions): Promise<SignalingConnection>;
  /**
   * GetDataEndpoint for `apiName` and a client of the service at that endpoint (sharing this one's
   * credentials and settings). The endpoint is remembered per (stream, API); a call that fails as a
   * stale endpoint would asks for it again, once.
   */
  dataEndpointClient<A extends DataEndpointApi>(apiName: A, stream: StreamSelector, options?: CallOptions): Promise<DataEndpointClient<A>>;
}
/** The stream a data endpoint is for. */
export type StreamSelector = { StreamName: string; StreamARN?: undefined } | { StreamARN: string; StreamName?: undefined };
export type DataEndpointApi = Exclude<APIName, "PUT_MEDIA">;
/** The client `dataEndpointClient` gives for an API: GET_MEDIA's is the media service's. */
export type DataEndpointClient<A extends DataEndpointApi> = A extends "GET_MEDIA" ? KinesisVideoMediaClient : KinesisVideoArchivedMediaClient;

// ------------------------------------------------------------------------------------- signer

export interface SigningOptions {
  credentials: Credentials;
  region: string;
  service: string;
  /** Default: now. */
  signingDate?: Date;
  /** Remove dot segments and duplicate slashes before signing. Default true. */
  normalizePath?: boolean;
  /** Add and sign `x-amz-content-sha256`. Default false. */
  signBody?: boolean;
  /** Sign the session token (default true); false appends X-Amz-Security-Token after signing. */
  signSessionToken?: boolean;
  /** presignUrl only: lifetime in seconds, 1..604800, default 900. */
  expiresIn?: number;
}
export interface HttpRequestLike {
  method: string;
  url: string;
  headers?: Record<string, string> | [string, string][];
  body?: string | Uint8Array;
}
export interface PresignRequestLike {
  method?: string;
  url: string;
  headers?: Record<string, string> | [string, string][];
  body?: string | Uint8Array;
}
export interface SignedHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}
/** Signs `request` with an Authorization header and returns the request to send (synchronous). */
export function signRequest(request: HttpRequestLike, options: SigningOptions): SignedHttpRequest;
/** Presigns `request` (method defaults to GET) and returns the URL with the `X-Amz-*` query. */
export function presignUrl(request: PresignRequestLike, options: SigningOptions): string;

// ---------------------------------------------------------------------------------- signaling

export type SignalingRole = "MASTER" | "VIEWER";
export interface PresignSignalingUrlArgs {
  /** The WSS ResourceEndpoint from GetSignalingChannelEndpoint. */
  endpoint: string;
  channelArn: string;
  role: SignalingRole;
  /** Required for VIEWER; not allowed for MASTER. */
  clientId?: string;
  credentials: Credentials;
  region: string;
  /** Seconds, default 299. */
  expiresIn?: number;
  signingDate?: Date;
}
export interface ConnectSignalingArgs {
  channelName?: string;
  channelArn?: string;
  role: SignalingRole;
  /** Required for VIEWER. */
  clientId?: string;
  /** Default STUN_TURN. */
  natTraversal?: "STUN_TURN" | "TURN_ONLY" | "DISABLED";
  /** Lifetime of the WSS URL in seconds, default 299. */
  expiresIn?: number;
}
export interface ConnectSignalingOptions extends CallOptions {
  /** Ask the service again for the channel's ARN, endpoints and ICE servers. Default false. */
  forceRefresh?: boolean;
}
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}
export interface SignalingConnection {
  channelArn: string;
  /** Presigned: open it with `new WebSocket(wssUrl)`. */
  wssUrl: string;
  /** For KinesisVideoSignalingClient (getIceServerConfig, sendAlexaOfferToMaster). */
  httpsEndpoint: string;
  /** Ready for `new RTCPeerConnection({ iceServers })`. */
  iceServers: IceServer[];
  /** When the URL (for a connect) or the ICE servers, whichever comes first, stop being valid. */
  expiresAt: Date;
}
/** A presigned WSS URL for a signaling channel, the same the KVS WebRTC SDKs compute. */
export function presignSignalingUrl(args: PresignSignalingUrlArgs): string;

// -------------------------------------------------------------------------- signaling session

export interface SignalingSessionCommonOptions {
  /** A WebSocket class: the global one by default (Node 20 has none: pass the `ws` package's). */
  webSocket?: { new (url: string): WebSocket };
  /** Codec names to keep in offers and answers (e.g. ["H264", "opus"]): keeps them under 10 KB. */
  keepCodecs?: string[];
  /** Messages waiting to be sent, at most (default 100): past it a send throws a QueueFullError. */
  maxQueuedMessages?: number;
  /** Reconnecting: attempts in a row (8), delays with full jitter from minDelayMs (250) up to maxDelayMs (10000). */
  reconnect?: { maxAttempts?: number; minDelayMs?: number; maxDelayMs?: number };
  /** A connection is renewed after this long (default 55 minutes; the service ends it at one hour). */
  maxConnectionMs?: number;
  /** A WebSocket that has not opened after this long is given up and tried again (default 10000). */
  connectTimeoutMs?: number;
}
/** A session that asks `client.connectSignaling` for every (re)connection. */
export interface ClientSignalingSessionOptions extends SignalingSessionCommonOptions {
  client: KinesisVideoClient;
  channelName?: string;
  channelArn?: string;
  role: SignalingRole;
  /** Required for VIEWER. */
  clientId?: string;
  natTraversal?: ConnectSignalingArgs["natTraversal"];
}
/** A session from what an edge function vended: `refresh` gives a fresh URL for each reconnection
 *  (without it the vended URL is used again, until it expires). */
export interface VendedSignalingSessionOptions extends SignalingSessionCommonOptions {
  wssUrl: string;
  iceServers?: IceServer[];
  role: SignalingRole;
  clientId?: string;
  refresh?: (fresh: boolean) => Promise<{ wssUrl: string; iceServers?: IceServer[]; channelArn?: string }>;
}
export type SignalingSessionOptions = ClientSignalingSessionOptions | VendedSignalingSessionOptions;

export interface SignalingStatusResponse {
  correlationId?: string;
  errorType?: string;
  statusCode?: string;
  success?: boolean;
  description?: string;
}
/** The events of a session; a type's fields are properties of its event. */
export interface SignalingEvent extends Event {
  messageType?: string;
  /** Who sent it: a viewer's client id (messages from the master have none). */
  senderClientId?: string;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
  statusResponse?: SignalingStatusResponse;
  iceServers?: IceServer[];
  error?: Error;
  reconnected?: boolean;
  attempt?: number;
  delayMs?: number;
  reason?: string;
  code?: number;
  message?: unknown;
}
export declare const SignalingEvent: { prototype: SignalingEvent; new (type: string, fields?: object): SignalingEvent };
export interface SignalingSessionEventMap {
  open: SignalingEvent & { reconnected: boolean };
  sdpOffer: SignalingEvent & { description: RTCSessionDescriptionInit };
  sdpAnswer: SignalingEvent & { description: RTCSessionDescriptionInit };
  iceCandidate: SignalingEvent & { candidate: RTCIceCandidateInit };
  statusResponse: SignalingEvent & { statusResponse: SignalingStatusResponse };
  goAway: SignalingEvent;
  reconnectIceServer: SignalingEvent & { iceServers: IceServer[] };
  /** A message type this package does not know, passed on as it came. */
  unknownMessage: SignalingEvent & { messageType: string; message: unknown };
  reconnecting: SignalingEvent & { attempt: number; delayMs: number; reason: string };
  close: SignalingEvent & { code: number; reason: string };
  error: SignalingEvent & { error: Error };
}
export interface SendOptions {
  /** The service answers a failed send with a statusResponse carrying it. */
  correlationId?: string;
}
/** The KVS WebRTC signaling protocol over one WebSocket, reconnecting as the service asks. */
export declare class SignalingSession extends EventTarget {
  constructor(options: SignalingSessionOptions);
  readonly role: SignalingRole;
  readonly clientId?: string;
  /** The ICE servers of the latest connection. */
  iceServers: IceServer[];
  channelArn?: string;
  readonly state: "new" | "connecting" | "open" | "reconnecting" | "closed";
  open(): Promise<void>;
  close(): void;
  /** A master names the viewer; a viewer names no one (it talks to the master). */
  sendSdpOffer(description: RTCSessionDescriptionInit, recipientClientId?: string, options?: SendOptions): void;
  sendSdpAnswer(description: RTCSessionDescriptionInit, recipientClientId?: string, options?: SendOptions): void;
  sendIceCandidate(candidate: RTCIceCandidateInit | RTCIceCandidate, recipientClientId?: string, options?: SendOptions): void;
  addEventListener<K extends keyof SignalingSessionEventMap>(type: K, listener: (event: SignalingSessionEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}
/** `sdp` with only `codecs` (and their retransmission formats) in each media section. */
export function filterSdpCodecs(sdp: string, codecs: string[]): string;

// -------------------------------------------------------------------------------------- peers

export type PeerSessionOptions =
  | Omit<ClientSignalingSessionOptions, "role">
  | Omit<VendedSignalingSessionOptions, "role">
  | { session: SignalingSession };
export type PeerOptions = PeerSessionOptions & {
  /** Tracks to send. */
  localStream?: MediaStream;
  /** RTCConfiguration besides iceServers. */
  configuration?: RTCConfiguration;
  RTCPeerConnection?: typeof RTCPeerConnection;
};
export interface PeerEventMap {
  track: SignalingEvent & { track: MediaStreamTrack; streams: readonly MediaStream[]; remoteClientId?: string; peerConnection: RTCPeerConnection };
  dataChannel: SignalingEvent & { channel: RTCDataChannel; remoteClientId?: string; peerConnection: RTCPeerConnection };
  connectionStateChange: SignalingEvent & { state: RTCPeerConnectionState; remoteClientId?: string; peerConnection: RTCPeerConnection };
  error: SignalingEvent & { error: Error; remoteClientId?: string };
  close: SignalingEvent;
}
export interface MasterEventMap extends PeerEventMap {
  peer: SignalingEvent & { remoteClientId: string; peerConnection: RTCPeerConnection };
  peerClosed: SignalingEvent & { remoteClientId: string; peerConnection: RTCPeerConnection };
}
export interface ViewerConnection extends EventTarget {
  session: SignalingSession;
  peerConnection: RTCPeerConnection;
  /** The data channel the viewer opened, unless `dataChannel: false`. */
  dataChannel?: RTCDataChannel;
  close(): void;
  addEventListener<K extends keyof PeerEventMap>(type: K, listener: (event: PeerEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}
export interface MasterConnection extends EventTarget {
  session: SignalingSession;
  /** viewer client id → its peer connection. */
  peers: Map<string, RTCPeerConnection>;
  close(): void;
  addEventListener<K extends keyof MasterEventMap>(type: K, listener: (event: MasterEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}
/** A viewer's peer connection to the channel's master, offered once the session is open. */
export function connectViewer(
  options: PeerOptions & {
    /** Receive audio and video (default true each). */
    receive?: { audio?: boolean; video?: boolean };
    /** The data channel's label (default "kvsDataChannel"), or false for none. */
    dataChannel?: string | false;
  },
): Promise<ViewerConnection>;
/** A master answering every viewer (up to `maxViewers`, default 10) with a peer connection of its own. */
export function connectMaster(options: PeerOptions & { maxViewers?: number }): Promise<MasterConnection>;

// ------------------------------------------------------------------------------ guest credentials

export interface CognitoIdentityPoolOptions {
  identityPoolId: string;
  /** Default: the pool's region. */
  region?: string;
  /** Identity provider → token (or a function giving it), for signed-in users. */
  logins?: Record<string, string | (() => string | Promise<string>)>;
  customRoleArn?: string;
  /** Default https://cognito-identity.<region>.amazonaws.com/ */
  endpoint?: string;
}
/** Temporary credentials from an Amazon Cognito identity pool: pass it as a client's `credentials`. */
export function fromCognitoIdentityPool(options: CognitoIdentityPoolOptions): CredentialsProvider;

// ------------------------------------------------------------------------------------ waiters

export interface WaiterOptions {
  /** Give up after this many seconds (default 300): rejects with a TimeoutError. */
  maxWaitTime?: number;
  /** Shortest delay between polls, seconds (default 2). */
  minDelay?: number;
  /** Longest delay between polls, seconds (default 30). */
  maxDelay?: number;
  abortSignal?: AbortSignal;
}
export interface WaiterResult<T> {
  state: "SUCCESS";
  reason: T;
}
export function waitUntilStreamActive(client: KinesisVideoClient, input: DescribeStreamInput, options?: WaiterOptions): Promise<WaiterResult<DescribeStreamOutput>>;
export function waitUntilStreamDeleted(client: KinesisVideoClient, input: DescribeStreamInput, options?: WaiterOptions): Promise<WaiterResult<Error>>;
export function waitUntilSignalingChannelActive(client: KinesisVideoClient, input: DescribeSignalingChannelInput, options?: WaiterOptions): Promise<WaiterResult<DescribeSignalingChannelOutput>>;
export function waitUntilSignalingChannelDeleted(client: KinesisVideoClient, input: DescribeSignalingChannelInput, options?: WaiterOptions): Promise<WaiterResult<Error>>;

// ----------------------------------------------------------------------------- initialization

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
export type SyncInitInput = BufferSource | WebAssembly.Module;
export interface InitOutput {
  readonly memory: WebAssembly.Memory;
}
/** Instantiates the module from bytes or a compiled `WebAssembly.Module` (done on import, except in `/web`). */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
/** Loads and instantiates the module: required once with the `/web` entry, a no-op elsewhere. */
export default function init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
