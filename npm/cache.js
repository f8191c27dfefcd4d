// What a client remembers of the service's answers (connectSignaling's channel endpoints and ICE
// servers, dataEndpointClient's data endpoints): per client, each until it expires.
import { unlessAborted } from "./call.js";
import { abortedError } from "./errors.js";

/** client → Map(key → { promise, expiresAt }): answers, and the calls under way, shared by callers. */
const caches = new WeakMap();

/**
 * What `load()` gives, remembered under `key` until the `expiresAt` (epoch ms) it resolves with
 * (`fresh` asks anew). Concurrent callers share one call; each stops waiting when its own signal
 * fires. A failed call is not remembered.
 */
export function remembered(client, key, fresh, signal, load) {
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new Map()));
  let entry = cache.get(key);
  if (fresh || !entry || entry.expiresAt <= Date.now()) {
    entry = { expiresAt: Infinity };
    entry.promise = load().then(
      ({ value, expiresAt = Infinity }) => ((entry.expiresAt = expiresAt), value),
      (error) => {
        if (cache.get(key) === entry) cache.delete(key);
        throw error;
      },
    );
    cache.set(key, entry);
  }
  return unlessAborted(entry.promise, signal, abortedError);
}
