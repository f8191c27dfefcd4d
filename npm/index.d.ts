// The package's API besides the model (npm/model.d.ts, generated): clients, configuration,
// credentials, the signer, signaling, waiters and initialization. One set of declarations for
// every entry (node, browser, workerd, web): each exports the same names, and `init` as the default
// export (a promise that resolves at once where importing already initialized).
import type {
  DescribeSignalingChannelInput,
  DescribeSignalingChannelOutput,
  DescribeStreamInput,
  DescribeStreamOutput,
  KinesisVideoClientOperations,
  KinesisVideoErrorName,
  KinesisVideoSignalingClientOperations,
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
}
export interface KinesisVideoSignalingClientConfig {
  region: string;
  credentials: Credentials | CredentialsProvider;
  /** The HTTPS ResourceEndpoint from GetSignalingChannelEndpoint. */
  endpoint: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

/** The Kinesis Video control plane: one method per operation of the 2017-09-30 API. */
export interface KinesisVideoClient extends KinesisVideoClientOperations {}
export declare class KinesisVideoClient {
  constructor(config: KinesisVideoClientConfig);
  /** The resolved endpoint this client sends to. */
  readonly endpoint: string;
  /** Channel name or ARN to a presigned WSS URL and ICE servers in one call. */
  connectSignaling(args: ConnectSignalingArgs, options?: CallOptions): Promise<SignalingConnection>;
  /** Releases the client's wasm memory; the client cannot be used afterwards. */
  free(): void;
  [Symbol.dispose](): void;
}

/** The signaling channel data plane (2019-12-04 API) at a channel's HTTPS endpoint. */
export interface KinesisVideoSignalingClient extends KinesisVideoSignalingClientOperations {}
export declare class KinesisVideoSignalingClient {
  constructor(config: KinesisVideoSignalingClientConfig);
  readonly endpoint: string;
  free(): void;
  [Symbol.dispose](): void;
}

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
export interface SignalingConnection {
  channelArn: string;
  /** Presigned: open it with `new WebSocket(wssUrl)`. */
  wssUrl: string;
  /** For KinesisVideoSignalingClient (getIceServerConfig, sendAlexaOfferToMaster). */
  httpsEndpoint: string;
  /** Ready for `new RTCPeerConnection({ iceServers })`. */
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
}
/** A presigned WSS URL for a signaling channel, the same the KVS WebRTC SDKs compute. */
export function presignSignalingUrl(args: PresignSignalingUrlArgs): string;

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
