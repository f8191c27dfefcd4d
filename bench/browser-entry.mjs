// Chromium side of bench/sign.mjs. Bundled by esbuild for the browser; the package itself is
// loaded unbundled from /pkg/ through its plain-page entry (web.js), as a web app would.
import init, { signRequest } from "/pkg/web.js";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { AwsV4Signer } from "aws4fetch";
import { checkSigners, createSigners, measureFloor, runBench } from "./core.mjs";

window.runBench = async (options) => {
  await init();
  const signers = createSigners({ signRequest, SignatureV4, Sha256, AwsV4Signer });
  const problems = await checkSigners(signers);
  const results = await runBench(signers, options);
  const { instance } = await WebAssembly.instantiateStreaming(fetch("/sha-floor.wasm"));
  const floorMicros = measureFloor(instance.exports, options);
  return { problems, results, floorMicros, userAgent: navigator.userAgent, secureContext: window.isSecureContext };
};
window.benchReady = true;
