// The demo: starts the local Kinesis Video endpoint and serves the page (www/), the package (pkg/)
// and the one npm file the page plays HLS with (hls.js, at /vendor/) on http://127.0.0.1:8080.
// `make demo` runs this file; tests call startDemo().
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, startLocalEndpoint } from "../tests/local-endpoint/server.mjs";

const WWW = dirname(fileURLToPath(import.meta.url));
const PKG = join(WWW, "..", "pkg");
const HOST = "127.0.0.1";
const HLS_DIST = join(WWW, "..", "node_modules", "hls.js", "dist");
/** Files of npm packages the page loads, each at one URL: nothing else of node_modules is served. */
const VENDOR = new Map([
  ["/vendor/hls.min.mjs", join(HLS_DIST, "hls.min.mjs")],
  ["/vendor/hls.min.mjs.map", join(HLS_DIST, "hls.min.mjs.map")],
]);

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** Maps a URL path to a file under www/ or pkg/ or a VENDOR file, or undefined when it would leave them. */
function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  if (VENDOR.has(decoded)) return VENDOR.get(decoded);
  const [root, rest] = decoded.startsWith("/pkg/") ? [PKG, decoded.slice(5)] : [WWW, decoded.slice(1)];
  const file = normalize(join(root, rest || "index.html"));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  if (root === WWW && file === join(WWW, "serve.mjs")) return undefined;
  return file;
}

function send(res, status, body, type = "text/plain; charset=utf-8") {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(body);
}

/**
 * Starts the local endpoint and the page server.
 * @param {object} [options]
 * @param {number} [options.port=8080] the page's port (0 picks a free one)
 * @param {number} [options.kvsPort=4567] the local endpoint's port (0 picks a free one)
 * @param {number} [options.activationDelayMs] how long new resources stay CREATING (the endpoint's default if absent)
 * @param {string} [options.region="us-west-2"] the region the page starts with
 */
// `credentials` ({ accessKeyId: secretAccessKey, ... }) adds keys the local endpoint accepts
// beside its own (tests use marked ones); /config.json always offers the local endpoint's own.
export async function startDemo({ port = 8080, kvsPort = 4567, activationDelayMs, region = "us-west-2", credentials } = {}) {
  const kvs = await startLocalEndpoint({
    port: kvsPort,
    ...(activationDelayMs === undefined ? {} : { activationDelayMs }),
    ...(credentials ? { credentials: { [LOCAL_ACCESS_KEY_ID]: LOCAL_SECRET_ACCESS_KEY, ...credentials } } : {}),
  });
  const config = JSON.stringify({
    endpoint: kvs.url,
    region,
    accessKeyId: kvs.accessKeyId,
    secretAccessKey: kvs.secretAccessKey,
    accountId: kvs.accountId,
  });

  const server = createServer(async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "Method not allowed\n");
    const path = new URL(req.url, "http://localhost").pathname;
    if (path === "/config.json") return send(res, 200, config, MIME[".json"]);
    const file = resolveFile(path);
    if (!file) return send(res, 404, "Not found\n");
    let info;
    try {
      info = await stat(file);
    } catch {
      info = undefined;
    }
    if (!info?.isFile()) {
      const hint = path.startsWith("/pkg/")
        ? "pkg/ is not built yet: run `make pkg`.\n"
        : VENDOR.has(path) ? "node_modules/ is not installed: run `make setup`.\n" : "Not found\n";
      return send(res, 404, hint);
    }
    res.writeHead(200, {
      "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
      "Content-Length": info.size,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    if (req.method === "HEAD") return res.end();
    createReadStream(file).on("error", () => res.destroy()).pipe(res);
  });

  try {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, HOST, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await kvs.close();
    throw error;
  }

  let closing;
  return {
    url: `http://${HOST}:${server.address().port}/`,
    kvs,
    close() {
      closing ??= Promise.all([
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        kvs.close(),
      ]);
      return closing;
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const port = Number(process.env.PORT ?? 8080);
  const kvsPort = Number(process.env.KVS_LOCAL_PORT ?? 4567);
  let demo;
  try {
    demo = await startDemo({ port, kvsPort });
  } catch (error) {
    if (error.code !== "EADDRINUSE") throw error;
    console.error(`Port ${error.port} on 127.0.0.1 is in use: stop what uses it or set PORT (page, now ${port}) / KVS_LOCAL_PORT (endpoint, now ${kvsPort}).`);
    process.exit(1);
  }
  console.log(`Kinesis Video demo: ${demo.url}`);
  console.log(`Local endpoint:     ${demo.kvs.url} (access key ${demo.kvs.accessKeyId}, secret ${demo.kvs.secretAccessKey})`);
  console.log("Press Ctrl-C to stop.");
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping.`);
    await demo.close();
    process.exit(0);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
