import { signRequest } from "./pkg/node.js";
import { createSigners } from "./bench/core.mjs";
const ours = createSigners({ signRequest, SignatureV4: class {}, Sha256: null, AwsV4Signer: class {} })[0].fn ?? createSigners({ signRequest, SignatureV4: class {}, Sha256: null, AwsV4Signer: class {} })[0].run;
let n = 0, t = performance.now(); while (performance.now() - t < 3000) { ours(); n++; }
console.log("ours/s", Math.round(n / 3));
