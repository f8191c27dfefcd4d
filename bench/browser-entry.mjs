// Chromium side of bench/sign.mjs. Bundled by esbuild for the browser; the package itself is
// loaded unbundled from /pkg/ (wasm-bindgen's --target web output), as a web app would.
import init, { signRequest } from "/pkg/kinesis_video_wasm.js";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { AwsV4Signer } from "aws4fetch";
import { checkSigners, createSigners, runBench } from "./core.mjs";

window.runBench = async (options) => {
  await init();
  const signers = createSigners({ signRequest, SignatureV4, Sha256, AwsV4Signer });
  const problems = await checkSigners(signers);
  const results = await runBench(signers, options);
  return { problems, results, userAgent: navigator.userAgent, secureContext: window.isSecureContext };
};
window.benchReady = true;
