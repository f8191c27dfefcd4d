// The package's side of tests/browser/secrets.test.mjs: takes every path (successes, service,
// network, abort, provider, input and signer errors) with marked credentials and returns each
// text a program could get from the results, for the test to search.
import init, * as pkg from "/pkg/web.js";

const wasm = await init();

/** Whether `text` (ASCII) is anywhere in wasm memory. */
function inMemory(text) {
  return new TextDecoder("latin1").decode(new Uint8Array(wasm.memory.buffer)).includes(text);
}

window.secretsRun = async ({ endpoint, key, secret, token }) => {
  const creds = { accessKeyId: key, secretAccessKey: secret, sessionToken: token };
  const surfaces = [];
  const names = [];
  const add = (where, v) => {
    surfaces.push({ where, text: String(v) });
    try {
      surfaces.push({ where: `${where} JSON`, text: JSON.stringify(v) ?? "" });
    } catch {}
    if (v instanceof Error) {
      surfaces.push({ where: `${where} message`, text: v.message }, { where: `${where} stack`, text: v.stack ?? "" });
      surfaces.push({ where: `${where} $metadata`, text: JSON.stringify(v.$metadata) ?? "" });
      if (v.cause) add(`${where} cause`, v.cause);
    }
  };
  const client = (extra = {}) => new pkg.KinesisVideoClient({ region: "us-east-1", endpoint, credentials: creds, maxAttempts: 2, requestTimeoutMs: 3000, ...extra });
  const outcome = async (where, call) => {
    try {
      add(where, await call());
      names.push("ok");
    } catch (e) {
      names.push(e.name);
      add(where, e);
    }
  };
  const c = client();
  const aborted = new AbortController();
  aborted.abort();
  await outcome("createStream", () => c.createStream({ StreamName: "secrets" }));
  await outcome("describeStream", () => c.describeStream({ StreamName: "secrets" }));
  await outcome("a missing stream", () => c.describeStream({ StreamName: "missing" }));
  await outcome("bad input", () => c.describeStream({ StreamName: 5 }));
  await outcome("a wrong secret", () => client({ credentials: { ...creds, secretAccessKey: `${secret}x` } }).listStreams({}));
  await outcome("an unknown key", () => client({ credentials: { ...creds, accessKeyId: "AKIDUNKNOWN000000000" } }).listStreams({}));
  await outcome("a closed port", () => client({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 }).listStreams({}));
  await outcome("an aborted call", () => c.listStreams({}, { abortSignal: aborted.signal }));
  await outcome("a failing provider", () => client({ credentials: async () => { throw new Error("provider failed"); } }).listStreams({}));
  await outcome("a provider's bad key", () => client({ credentials: async () => ({ accessKeyId: "AKID x", secretAccessKey: secret, sessionToken: token }) }).listStreams({}));
  await outcome("connectSignaling without a channel", () => c.connectSignaling({ role: "MASTER" }));
  const options = { credentials: creds, region: "us-east-1", service: "kinesisvideo" };
  await outcome("signRequest of no URL", () => pkg.signRequest({ method: "POST", url: "not a url" }, options));
  await outcome("presignUrl for 0 s", () => pkg.presignUrl({ url: "wss://h/" }, { ...options, expiresIn: 0 }));
  await outcome("a bad region", () => new pkg.KinesisVideoClient({ region: "us-east-1\n", credentials: creds }));
  add("the client", c);

  // The token only where SigV4 puts it.
  const signed = pkg.signRequest({ method: "POST", url: "https://h/p", body: "{}" }, options);
  const { "x-amz-security-token": headerToken, ...otherHeaders } = signed.headers;
  add("signRequest's other fields", JSON.stringify({ ...signed, headers: otherHeaders }));
  const url = new URL(pkg.presignUrl({ url: "wss://h/p" }, options));
  const queryToken = url.searchParams.get("X-Amz-Security-Token");
  url.searchParams.delete("X-Amz-Security-Token");
  add("presignUrl's other parameters", url.href);

  // wasm memory: a client holds its secret until free(); the signer keeps none after returning.
  const held = `${secret}held`;
  const holder = client({ credentials: { accessKeyId: key, secretAccessKey: held } });
  await holder.listStreams({}).catch(() => {});
  const beforeFree = inMemory(held);
  holder.free();
  const afterFree = inMemory(held);
  const signerSecret = `${secret}signer`;
  pkg.signRequest({ method: "POST", url: "https://h/p" }, { ...options, credentials: { accessKeyId: key, secretAccessKey: signerSecret } });
  const signerAfterReturn = inMemory(signerSecret);

  return {
    surfaces,
    names,
    tokenWhereSigV4PutsIt: headerToken === token && queryToken === token,
    memory: { beforeFree, afterFree, signerAfterReturn },
  };
};
window.ready = true;
