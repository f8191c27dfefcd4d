// fromCognitoIdentityPool: temporary credentials for a page from an Amazon Cognito identity pool,
// so that no AWS key is shipped to the browser. GetId once (the identity id is kept), then
// GetCredentialsForIdentity whenever the client's credentials cache asks (five minutes before the
// last ones expire). Both are unsigned calls in the JSON 1.1 protocol.

import { namedError } from "./errors.js";

const POOL_ID = /^[\w-]+:[0-9a-f-]+$/;

/**
 * A credentials provider for `KinesisVideoClient`'s `credentials`.
 * `{ identityPoolId, region?, logins?, customRoleArn?, endpoint? }`: the region defaults to the
 * pool's; `logins` maps an identity provider to its token (or to a function giving it) for
 * signed-in users; `endpoint` overrides `https://cognito-identity.<region>.amazonaws.com`.
 */
export function fromCognitoIdentityPool(options) {
  const { identityPoolId, logins, customRoleArn } = options ?? {};
  if (typeof identityPoolId !== "string" || !POOL_ID.test(identityPoolId)) {
    throw new TypeError('identityPoolId: must be a pool id such as "us-east-1:0f8e…"');
  }
  // Cognito takes at most 10 logins, each a provider name and a token.
  const entries = logins === undefined ? [] : typeof logins === "object" && logins !== null ? Object.entries(logins) : null;
  if (!entries || entries.length > 10 || !entries.every(([, v]) => typeof v === "string" || typeof v === "function")) {
    throw new TypeError("logins: at most 10 providers, each to a token or a function giving one");
  }
  const region = options.region ?? identityPoolId.split(":")[0];
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  const url = options.endpoint ?? `https://cognito-identity.${region}.${suffix}/`;
  let identityId;

  /** The logins map, each token resolved (a value may be a function giving it). */
  const loginsNow = async () =>
    logins && Object.fromEntries(await Promise.all(entries.map(async ([k, v]) => [k, typeof v === "function" ? await v() : v])));

  const call = async (operation, input) => {
    const response = await fetch(url, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityService.${operation}` },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = {};
    }
    if (response.status !== 200) {
      const type = response.headers.get("x-amzn-errortype") ?? body.__type ?? body.code ?? "UnknownError";
      const name = type.split(/[:,]/)[0].split("#").pop();
      throw namedError(name, `Cognito ${operation}: ${body.message ?? body.Message ?? `HTTP ${response.status}`}`);
    }
    return body;
  };

  return async () => {
    const Logins = await loginsNow();
    identityId ??= (await call("GetId", { IdentityPoolId: identityPoolId, Logins })).IdentityId;
    const input = { IdentityId: identityId, Logins, CustomRoleArn: customRoleArn };
    const { Credentials: c } = await call("GetCredentialsForIdentity", input);
    return {
      accessKeyId: c?.AccessKeyId,
      secretAccessKey: c?.SecretKey,
      sessionToken: c?.SessionToken,
      expiration: new Date(c?.Expiration * 1000),
    };
  };
}
