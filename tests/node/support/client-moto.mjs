// moto_server for the client's live tests (client-moto.test.mjs), with moto's request
// authentication on.
//
// How moto authenticates (moto/core/authorization.py, moto/iam/access_control.py): while
// fewer than INITIAL_NO_AUTH_ACTION_COUNT requests have been served, requests are not checked;
// after that every request must carry the access key of an IAM user moto knows, and moto
// recomputes its SigV4 signature with botocore (SignatureDoesNotMatch, 403, when it differs;
// InvalidClientTokenId, 403, for an unknown key) and checks the user's policies (AccessDenied).
// The default is infinity (never checked). We start moto with INITIAL_NO_AUTH_ACTION_COUNT=0, so
// checks are on from the first request, then open exactly three unchecked requests
// with moto's POST /moto-api/reset-auth (it sets the count and resets moto's request counter) to
// create the IAM user, its policy and its access key; every later request is checked.

import { startMoto as launch } from "../../support/moto.mjs";

/** moto with request authentication on (see above). */
export const startMoto = (options = {}) => launch({ ...options, auth: true });

/**
 * Sends one IAM query API action to moto, signed with `signRequest` (our SigV4 signer) for
 * service iam in us-east-1. Returns { status, text }.
 */
export async function iamAction(motoUrl, signRequest, credentials, params) {
  const body = new URLSearchParams({ ...params, Version: "2010-05-08" }).toString();
  const signed = signRequest(
    { method: "POST", url: `${motoUrl}/`, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body },
    { credentials, region: "us-east-1", service: "iam" },
  );
  const res = await fetch(signed.url, { method: "POST", headers: signed.headers, body, signal: AbortSignal.timeout(10000) });
  return { status: res.status, text: await res.text() };
}

const xmlValue = (xml, tag) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

/**
 * Creates IAM user `userName` with an allow-all inline policy and an access key, in the three
 * unchecked requests opened by /moto-api/reset-auth (one per step). Returns
 * { accessKeyId, secretAccessKey, userArn }.
 */
export async function createIamUser(motoUrl, signRequest, userName) {
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
  const steps = [
    { Action: "CreateUser", UserName: userName },
    { Action: "PutUserPolicy", UserName: userName, PolicyName: "allow-all", PolicyDocument: JSON.stringify(policy) },
    { Action: "CreateAccessKey", UserName: userName },
  ];
  const reset = await fetch(`${motoUrl}/moto-api/reset-auth`, { method: "POST", body: String(steps.length), signal: AbortSignal.timeout(10000) });
  const resetText = await reset.text();
  if (reset.status !== 200) throw new Error(`moto /moto-api/reset-auth answered ${reset.status}: ${resetText}`);
  // Any key will do for these steps: moto does not check them.
  const bootstrap = { accessKeyId: "AKIABOOTSTRAPONLY000", secretAccessKey: "bootstrap-only" };
  const answers = [];
  for (const step of steps) {
    const answer = await iamAction(motoUrl, signRequest, bootstrap, step);
    if (answer.status !== 200) throw new Error(`moto IAM ${step.Action} answered ${answer.status}: ${answer.text}`);
    answers.push(answer.text);
  }
  const accessKeyId = xmlValue(answers[2], "AccessKeyId");
  const secretAccessKey = xmlValue(answers[2], "SecretAccessKey");
  const userArn = xmlValue(answers[0], "Arn");
  if (!accessKeyId || !secretAccessKey) throw new Error(`no access key in moto's CreateAccessKey answer: ${answers[2]}`);
  return { accessKeyId, secretAccessKey, userArn };
}
