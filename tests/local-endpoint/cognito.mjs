// Amazon Cognito Identity, the two unsigned calls a browser makes for guest credentials:
// GetId and GetCredentialsForIdentity (JSON 1.1, routed on X-Amz-Target). The temporary
// credentials handed out are looked up by the SigV4 verifier, which then demands their
// session token. One identity pool exists; there is no role, policy or token check.
import { randomBytes, randomUUID } from "node:crypto";

export const DEFAULT_IDENTITY_POOL_ID = "us-west-2:0a1b2c3d-0000-4000-8000-00000000c091";
export const TARGET_PREFIX = "AWSCognitoIdentityService.";

// Constraints of the Cognito Identity API (IdentityPoolId, IdentityId, AccountId, Logins, role ARN).
const ID_PATTERN = /^[\w-]+:[0-9a-f-]+$/;
const ACCOUNT_ID = /^\d+$/;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** An error of the JSON 1.1 protocol: always 400 here, named as Cognito names it. */
export class CognitoError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

/** `ASIA` and 16 base32 characters: the shape of a temporary access key id. */
function temporaryAccessKeyId() {
  return "ASIA" + Array.from(randomBytes(16), (byte) => BASE32[byte & 31]).join("");
}

/** Collects constraint violations and words them like the service: "N validation errors detected: ...". */
class Violations {
  constructor() {
    this.list = [];
  }
  add(value, member, constraint) {
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    this.list.push(`Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
  }
  id(value, member, required) {
    if (value === undefined || value === null) {
      if (required) this.add(null, member, "Member must not be null");
    } else if (typeof value !== "string") this.add(value, member, "Member must be a string");
    else if (value.length < 1 || value.length > 55) this.add(value, member, "Member must have length between 1 and 55");
    else if (!ID_PATTERN.test(value)) this.add(value, member, `Member must satisfy regular expression pattern: ${ID_PATTERN.source.slice(1, -1)}`);
  }
  logins(value, member) {
    if (value === undefined || value === null) return;
    if (typeof value !== "object" || Array.isArray(value)) return this.add(value, member, "Member must be a map");
    const entries = Object.entries(value);
    if (entries.length > 10) this.add(value, member, "Member must have length less than or equal to 10");
    for (const [provider, token] of entries) {
      if (provider.length < 1 || provider.length > 128) this.add(provider, `${member}.key`, "Member must have length between 1 and 128");
      if (typeof token !== "string" || token.length < 1 || token.length > 50000) {
        this.add(token, `${member}.${provider}`, "Member must be a string with length between 1 and 50000");
      }
    }
  }
  throwIfAny() {
    const n = this.list.length;
    if (n) throw new CognitoError("ValidationException", `${n} validation error${n > 1 ? "s" : ""} detected: ${this.list.join("; ")}`);
  }
}

/** The logins map in a form that compares equal for equal maps, or undefined for none. */
function loginsKey(logins) {
  if (!logins || Object.keys(logins).length === 0) return undefined;
  return JSON.stringify(Object.entries(logins).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class CognitoIdentity {
  /**
   * @param {{identityPoolId: string, credentialSeconds: number, now: () => number}} options
   */
  constructor({ identityPoolId, credentialSeconds, now }) {
    if (typeof identityPoolId !== "string" || !ID_PATTERN.test(identityPoolId) || identityPoolId.length > 55) {
      throw new Error(`identityPoolId must look like <region>:<uuid>, got '${identityPoolId}'`);
    }
    if (!(credentialSeconds > 0)) throw new Error(`cognitoCredentialSeconds must be positive, got ${credentialSeconds}`);
    this.identityPoolId = identityPoolId;
    this.region = identityPoolId.split(":")[0];
    this.credentialSeconds = credentialSeconds;
    this.now = now;
    /** identity id → { loginsKey } */
    this.identities = new Map();
    /** logins key → identity id, so the same logins find the same identity */
    this.byLogins = new Map();
    /** access key id → { secretAccessKey, sessionToken, expiresAtMs, identityId } */
    this.credentials = new Map();
  }

  /** Runs the operation an `X-Amz-Target` header names. */
  handle(target, input) {
    if (target === `${TARGET_PREFIX}GetId`) return this.getId(input);
    if (target === `${TARGET_PREFIX}GetCredentialsForIdentity`) return this.getCredentialsForIdentity(input);
    throw new CognitoError("UnknownOperationException", `The operation '${target}' is not supported by this endpoint.`);
  }

  getId({ IdentityPoolId, AccountId, Logins }) {
    const violations = new Violations();
    violations.id(IdentityPoolId, "identityPoolId", true);
    if (AccountId !== undefined && AccountId !== null && (typeof AccountId !== "string" || !ACCOUNT_ID.test(AccountId) || AccountId.length > 15)) {
      violations.add(AccountId, "accountId", "Member must satisfy regular expression pattern: \\d+ with length between 1 and 15");
    }
    violations.logins(Logins, "logins");
    violations.throwIfAny();
    if (IdentityPoolId !== this.identityPoolId) throw new CognitoError("ResourceNotFoundException", `IdentityPool '${IdentityPoolId}' not found.`);

    // Guests get a new identity on every call (a browser keeps its id in storage to come back).
    const key = loginsKey(Logins);
    const known = key && this.byLogins.get(key);
    if (known) return { IdentityId: known };
    const IdentityId = `${this.region}:${randomUUID()}`;
    this.identities.set(IdentityId, { loginsKey: key });
    if (key) this.byLogins.set(key, IdentityId);
    return { IdentityId };
  }

  getCredentialsForIdentity({ IdentityId, Logins, CustomRoleArn }) {
    const violations = new Violations();
    violations.id(IdentityId, "identityId", true);
    violations.logins(Logins, "logins");
    if (CustomRoleArn !== undefined && CustomRoleArn !== null && (typeof CustomRoleArn !== "string" || CustomRoleArn.length < 20 || CustomRoleArn.length > 2048)) {
      violations.add(CustomRoleArn, "customRoleArn", "Member must have length between 20 and 2048");
    }
    violations.throwIfAny();
    const identity = this.identities.get(IdentityId);
    if (!identity) throw new CognitoError("ResourceNotFoundException", `Identity '${IdentityId}' not found.`);
    // An identity made from logins is not a guest: it needs those logins again.
    if (identity.loginsKey !== undefined && loginsKey(Logins) !== identity.loginsKey) {
      throw new CognitoError("NotAuthorizedException", "Invalid login token. The logins given do not match the identity's.");
    }

    const expiresAtMs = (Math.floor(this.now() / 1000) + this.credentialSeconds) * 1000;
    const record = {
      accessKeyId: temporaryAccessKeyId(),
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: randomBytes(300).toString("base64"),
      expiresAtMs,
      identityId: IdentityId,
    };
    this.credentials.set(record.accessKeyId, record);
    return {
      IdentityId,
      Credentials: {
        AccessKeyId: record.accessKeyId,
        SecretKey: record.secretAccessKey,
        SessionToken: record.sessionToken,
        Expiration: expiresAtMs / 1000, // epoch seconds, a JSON number as the service sends it
      },
    };
  }

  /** The temporary credentials of an access key id, for the SigV4 verifier. */
  temporaryCredentials(accessKeyId) {
    return this.credentials.get(accessKeyId);
  }
}
