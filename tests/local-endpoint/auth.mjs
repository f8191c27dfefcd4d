// SigV4 verification with an independent signer (@smithy/signature-v4): the received request
// is signed again with the secret of its access key (same method, path, query, signed
// headers, body bytes, date and scope) and the two signatures are compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { AuthError } from "./errors.mjs";

const SIGNING_SERVICE = "kinesisvideo";
const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** Error names the auth layer answers with, for any operation. */
export const AUTH_ERROR_NAMES = [
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
];

const INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid.";

const MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const incomplete = (message) => new AuthError(400, "IncompleteSignatureException", message);
const invalidSignature = (message) => new AuthError(403, "InvalidSignatureException", message);

/** `20240102T030405Z` for a time in milliseconds. */
function amzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? "");
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? null : ms;
}

/** Query pairs decoded without turning `+` into a space (SigV4 encodes a space as %20). */
export function parseQuery(rawQuery) {
  const pairs = [];
  for (const part of (rawQuery ?? "").split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    try {
      pairs.push([decodeURIComponent(key), decodeURIComponent(value)]);
    } catch {
      throw incomplete(`The query string is not correctly percent-encoded: '${part}'.`);
    }
  }
  return pairs;
}

function queryObject(pairs, skip = () => false) {
  const query = {};
  for (const [key, value] of pairs) {
    if (skip(key)) continue;
    if (key in query) query[key] = [].concat(query[key], value);
    else query[key] = value;
  }
  return query;
}

function sameSignature(expected, received) {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(received ?? "", "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseScope(credential) {
  const parts = (credential ?? "").split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || parts.some((p) => p === "")) {
    throw incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  const [accessKeyId, shortDate, region, service] = parts;
  return { accessKeyId, shortDate, region, service };
}

/**
 * Builds the verifier of one endpoint.
 * @param {{credentials: Record<string,string>, maxSkewMs: number, now: () => number,
 *          temporaryCredentials?: (accessKeyId: string) => {secretAccessKey: string, sessionToken: string, expiresAtMs: number} | undefined}} options
 *   `credentials` are long-term keys (a session token is not checked); `temporaryCredentials`
 *   looks up keys handed out with a session token, which must then be sent and signed.
 */
export function createVerifier({ credentials, maxSkewMs, now, temporaryCredentials = () => undefined }) {
  const skewMinutes = `${Math.round(maxSkewMs / 60000)} min.`;

  // The token is checked before the date and signature: a key that needs a token is
  // unrecognized without the right one, and expired once its time is up.
  function secretFor(accessKeyId, sessionToken) {
    const secret = Object.hasOwn(credentials, accessKeyId) ? credentials[accessKeyId] : undefined;
    if (typeof secret === "string") return secret;
    const temporary = temporaryCredentials(accessKeyId);
    if (!temporary || typeof sessionToken !== "string" || !sameSignature(temporary.sessionToken, sessionToken)) {
      throw new AuthError(403, "UnrecognizedClientException", INVALID_TOKEN_MESSAGE);
    }
    if (now() >= temporary.expiresAtMs) {
      throw new AuthError(403, "ExpiredTokenException", "The security token included in the request is expired");
    }
    return temporary.secretAccessKey;
  }

  function checkScope(scope, dateText) {
    if (scope.shortDate !== dateText.slice(0, 8)) {
      throw invalidSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.shortDate}' != '${dateText.slice(0, 8)}', from '${dateText}'.`,
      );
    }
    if (scope.service !== SIGNING_SERVICE) {
      throw invalidSignature(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `);
    }
  }

  // The same window on both sides of the server clock, worded as the service words it.
  function checkClock(dateText, signedAt, validForMs = maxSkewMs) {
    const current = now();
    if (signedAt + validForMs < current) {
      const window = validForMs === maxSkewMs ? skewMinutes : `${validForMs / 1000} sec.`;
      throw invalidSignature(
        `Signature expired: ${dateText} is now earlier than ${amzDate(current - validForMs)} (${amzDate(current)} - ${window})`,
      );
    }
    if (signedAt - maxSkewMs > current) {
      throw invalidSignature(
        `Signature not yet current: ${dateText} is still later than ${amzDate(current + maxSkewMs)} (${amzDate(current)} + ${skewMinutes})`,
      );
    }
  }

  function pickHeaders(headers, names) {
    const picked = {};
    for (const name of names) if (headers[name] !== undefined) picked[name] = headers[name];
    return picked;
  }

  function signerFor(scope, secretAccessKey, sessionToken) {
    return new SignatureV4({
      service: scope.service,
      region: scope.region,
      sha256: Sha256,
      credentials: { accessKeyId: scope.accessKeyId, secretAccessKey, sessionToken },
      applyChecksum: false, // never add a header the client did not sign
    });
  }

  /** Verifies a request signed in its Authorization header. */
  async function verifyHeaderAuth(request, authorization) {
    const match = /^(\S+)\s+(.*)$/s.exec(authorization);
    if (!match || match[1] !== ALGORITHM) {
      throw incomplete(`Authorization header requires the '${ALGORITHM}' algorithm. Authorization=${authorization}`);
    }
    const fields = {};
    for (const part of match[2].split(",")) {
      const eq = part.indexOf("=");
      if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    const missing = ["Credential", "SignedHeaders", "Signature"].filter((f) => !fields[f]);
    if (missing.length) {
      throw incomplete(missing.map((f) => `Authorization header requires '${f}' parameter.`).join(" ") + ` Authorization=${authorization}`);
    }
    const scope = parseScope(fields.Credential);
    const signedNames = fields.SignedHeaders.split(";");
    // Only a signed token counts: an unsigned one could have been swapped in transit.
    const sessionToken = signedNames.includes("x-amz-security-token") ? request.headers["x-amz-security-token"] : undefined;
    const secret = secretFor(scope.accessKeyId, sessionToken);
    const dateText = request.headers["x-amz-date"];
    const signedAt = parseAmzDate(dateText);
    if (signedAt === null) {
      throw incomplete(`Authorization header requires existence of a valid 'X-Amz-Date' header. Authorization=${authorization}`);
    }
    checkScope(scope, dateText);
    checkClock(dateText, signedAt);

    const headers = pickHeaders(request.headers, signedNames);
    const bodyHash = createHash("sha256").update(request.body ?? Buffer.alloc(0)).digest("hex");
    // A signed x-amz-content-sha256 stands in for the body in the signature: it must be the body's hash.
    if (headers["x-amz-content-sha256"] !== undefined && headers["x-amz-content-sha256"] !== bodyHash) {
      throw invalidSignature(MISMATCH_MESSAGE);
    }
    const signed = await signerFor(scope, secret, sessionToken).sign(
      { method: request.method, protocol: "http:", hostname: "127.0.0.1", path: request.path, query: queryObject(request.query), headers, body: request.body },
      { signingDate: new Date(signedAt), signableHeaders: new Set(signedNames) },
    );
    const expected = /Signature=([0-9a-f]+)/.exec(signed.headers.authorization)[1];
    if (!sameSignature(expected, fields.Signature)) throw invalidSignature(MISMATCH_MESSAGE);
    return { accessKeyId: scope.accessKeyId, region: scope.region, sessionToken };
  }

  /** Verifies a request presigned in its query string (how WebSocket URLs are signed). */
  async function verifyQueryAuth(request) {
    const query = queryObject(request.query);
    const get = (name) => (typeof query[name] === "string" ? query[name] : undefined);
    if (get("X-Amz-Algorithm") !== ALGORITHM) {
      throw incomplete(`X-Amz-Algorithm only supports '${ALGORITHM}'.`);
    }
    const missing = ["X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"].filter((n) => !get(n));
    if (missing.length) {
      throw incomplete(`AWS query-string parameters must include ${missing.map((n) => `'${n}'`).join(", ")}. Re-examine the query-string parameters.`);
    }
    const scope = parseScope(get("X-Amz-Credential"));
    const secret = secretFor(scope.accessKeyId, get("X-Amz-Security-Token")); // every query parameter is signed
    const dateText = get("X-Amz-Date");
    const signedAt = parseAmzDate(dateText);
    if (signedAt === null) throw incomplete(`X-Amz-Date must be in the ISO-8601 'basic format', got '${dateText}'.`);
    const expires = /^\d+$/.test(get("X-Amz-Expires")) ? Number(get("X-Amz-Expires")) : NaN;
    if (!(expires >= 1 && expires <= MAX_PRESIGN_SECONDS)) {
      throw incomplete(`X-Amz-Expires must be an integer from 1 to ${MAX_PRESIGN_SECONDS} seconds, got '${get("X-Amz-Expires")}'.`);
    }
    checkScope(scope, dateText);
    checkClock(dateText, signedAt, expires * 1000);

    const signedNames = get("X-Amz-SignedHeaders").split(";");
    const signed = await signerFor(scope, secret, get("X-Amz-Security-Token")).presign(
      {
        method: request.method,
        protocol: "http:",
        hostname: "127.0.0.1",
        path: request.path,
        query: queryObject(request.query, (key) => key === "X-Amz-Signature"),
        headers: pickHeaders(request.headers, signedNames),
        body: request.body,
      },
      { signingDate: new Date(signedAt), expiresIn: expires, signableHeaders: new Set(signedNames) },
    );
    if (!sameSignature(signed.query["X-Amz-Signature"], get("X-Amz-Signature"))) throw invalidSignature(MISMATCH_MESSAGE);
    return { accessKeyId: scope.accessKeyId, region: scope.region, sessionToken: get("X-Amz-Security-Token") };
  }

  /**
   * Verifies a received request, signed either way.
   * @param {{method: string, path: string, query: [string,string][], headers: Record<string,string>, body?: Buffer}} request
   *   headers with lowercase names; `path` exactly as received (still percent-encoded)
   * @returns {Promise<{accessKeyId: string, region: string, sessionToken?: string}>}
   */
  async function verify(request) {
    if (request.headers.authorization !== undefined) return verifyHeaderAuth(request, request.headers.authorization);
    if (request.query.some(([key]) => key === "X-Amz-Signature")) return verifyQueryAuth(request);
    throw new AuthError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }

  return { verify };
}

/** Lowercase header names, repeated headers joined with "," as SigV4 canonicalization wants. */
export function canonicalHeaderValues(incomingMessage) {
  const headers = {};
  for (const [name, values] of Object.entries(incomingMessage.headersDistinct)) headers[name] = values.join(",");
  return headers;
}
