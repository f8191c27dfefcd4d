// Errors made in JS, named as the AWS SDKs name them (`name` is what callers test).

/** An `Error` named `name`, with `fields` (e.g. `$fault`) as own properties. */
export function namedError(name, message, fields) {
  const e = new Error(message);
  e.name = name;
  return Object.assign(e, fields);
}

/** A failed call that sent nothing: `$fault` and `$metadata` as every call error has. */
export const clientError = (name, message) =>
  namedError(name, message, { $fault: "client", $metadata: { attempts: 0, totalRetryDelay: 0 } });

/** The error when the caller's abortSignal ends a wait (for credentials, for a shared answer). */
export const abortedError = () => clientError("AbortError", "the call was aborted");
