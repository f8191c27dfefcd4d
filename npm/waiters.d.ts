import type { KinesisVideoClient, DescribeStreamInput, DescribeStreamOutput, DescribeSignalingChannelInput, DescribeSignalingChannelOutput } from "./kinesis_video_wasm.js";

export interface WaiterOptions {
  /** Give up after this many seconds (default 300): rejects with a TimeoutError. */
  maxWaitTime?: number;
  /** Shortest delay between polls, seconds (default 2). */
  minDelay?: number;
  /** Longest delay between polls, seconds (default 30). */
  maxDelay?: number;
  abortSignal?: AbortSignal;
}
export interface WaiterResult<T> { state: "SUCCESS"; reason: T }

export function waitUntilStreamActive(client: KinesisVideoClient, input: DescribeStreamInput, options?: WaiterOptions): Promise<WaiterResult<DescribeStreamOutput>>;
export function waitUntilStreamDeleted(client: KinesisVideoClient, input: DescribeStreamInput, options?: WaiterOptions): Promise<WaiterResult<Error>>;
export function waitUntilSignalingChannelActive(client: KinesisVideoClient, input: DescribeSignalingChannelInput, options?: WaiterOptions): Promise<WaiterResult<DescribeSignalingChannelOutput>>;
export function waitUntilSignalingChannelDeleted(client: KinesisVideoClient, input: DescribeSignalingChannelInput, options?: WaiterOptions): Promise<WaiterResult<Error>>;
