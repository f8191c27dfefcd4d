// dataEndpointClient: GetDataEndpoint and a client for the endpoint it gives, in one call. The
// client remembers the endpoint per (stream, API), and a call that fails the way a stale endpoint
// makes it fail asks GetDataEndpoint once more and, if the endpoint changed, is tried there.
import { remembered } from "./cache.js";

/** Remembered this long (data endpoints change only when a stream is made again). */
const ENDPOINT_TTL_MS = 60 * 60_000;

/** What a call at a stale data endpoint fails with: the wrong endpoint said so, or no answer. */
const STALE = new Set(["InvalidEndpointException", "ResourceNotFoundException", "NetworkError", "TimeoutError"]);

/**
 * `services`: `[{ index, Class, apis, methods }]`, the services at data endpoints (npm/operations.js,
 * generated from model/services.json).
 */
export async function dataEndpointClient(client, services, api, stream, options) {
  const service = services.find((s) => s.apis.includes(api));
  if (!service) throw new TypeError(`apiName: must be one of ${services.flatMap((s) => s.apis).join(", ")}`);
  const input = { APIName: api, StreamName: stream?.StreamName, StreamARN: stream?.StreamARN };
  const key = `data ${api} ${input.StreamName} ${input.StreamARN}`;
  const signal = options?.abortSignal;
  const endpoint = (fresh) =>
    remembered(client, key, fresh, signal, async () => ({
      value: (await client.getDataEndpoint(input, options)).DataEndpoint,
      expiresAt: Date.now() + ENDPOINT_TTL_MS,
    }));
  // The wasm module makes the client; its service's class gives it the operation methods.
  const data = Object.setPrototypeOf(client.__clientAt(service.index, await endpoint(false)), service.Class.prototype);
  // The operation methods of this one client, each trying a fresh endpoint once.
  for (const method of service.methods) {
    const call = data[method];
    Object.defineProperty(data, method, {
      configurable: true,
      writable: true,
      value: async (input, options) => {
        try {
          return await call.call(data, input, options);
        } catch (error) {
          if (!STALE.has(error?.name)) throw error;
          const before = data.endpoint;
          data.__retarget(await endpoint(true));
          if (data.endpoint === before) throw error;
          return call.call(data, input, options);
        }
      },
    });
  }
  return data;
}
