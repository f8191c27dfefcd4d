// Loads the implementation under test: the built package (pkg/node.js, `make pkg`).
//
// SIGV4_IMPL=smithy swaps in an adapter that implements the same JS contract on top of
// @smithy/signature-v4 (async). It exists to check the test harness itself against an
// independent signer; with it the suite test shows the cases smithy cannot express
// (normalizePath: false), and the contract tests do not apply.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { smithyPresign, smithySignRequest, toSmithyRequest } from "./smithy-reference.mjs";
import { splitUrl, strictEncode } from "./sigv4-suite.mjs";

export const PKG_NODE_URL = new URL("../../../pkg/node.js", import.meta.url);

const smithyContract = {
  name: "@smithy/signature-v4 (harness check)",
  async signRequest(request, options) {
    const { headers } = await smithySignRequest(request, options);
    return { method: request.method, url: request.url, headers };
  },
  async presignUrl(request, options) {
    const { query } = await smithyPresign({ method: "GET", ...request }, options);
    const { scheme, authority, path, query: written } = splitUrl(request.url);
    const original = toSmithyRequest(request).query;
    const added = Object.entries(query)
      .filter(([k]) => !Object.hasOwn(original, k))
      .map(([k, v]) => `${k}=${strictEncode(v)}`);
    const all = (written ? [written] : []).concat(added);
    return `${scheme}://${authority}${path}?${all.join("&")}`;
  },
};

export async function loadSigner() {
  if (process.env.SIGV4_IMPL === "smithy") return smithyContract;
  if (!existsSync(PKG_NODE_URL)) {
    throw new Error(
      `${fileURLToPath(PKG_NODE_URL)} does not exist: build the npm package with \`make pkg\` before running the Node tests`,
    );
  }
  const mod = await import(PKG_NODE_URL.href);
  for (const fn of ["signRequest", "presignUrl"]) {
    if (typeof mod[fn] !== "function") throw new Error(`pkg/node.js does not export ${fn}()`);
  }
  return { name: "kinesis-video-wasm", signRequest: mod.signRequest, presignUrl: mod.presignUrl };
}
