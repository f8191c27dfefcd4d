// Servers the tests start for themselves: always on 127.0.0.1, so test traffic never reaches a
// real interface, and on a port the system picks, so tests never collide.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { extname, join, normalize, sep } from "node:path";

/** Starts `server` (http or net) listening on 127.0.0.1 and a free port; resolves to the port. */
export function listenOnLoopback(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server.address().port);
    });
  });
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function freeLoopbackPort() {
  const probe = createNetServer();
  const port = await listenOnLoopback(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".ts": "text/plain",
};

/**
 * Serves files for GET requests: `routes` maps URL prefixes ending in `/` to folders, e.g.
 * `{ "/": dir }` or `{ "/pages/": a, "/pkg/": b }` (the longest matching prefix wins). A path
 * ending in `/` gets its `index.html`; .wasm goes out as application/wasm. Resolves to
 * `{ url, close }`, `url` without a trailing slash.
 */
export async function serveStatic(routes) {
  const bases = Object.entries(routes)
    .map(([prefix, dir]) => ({ prefix, base: normalize(dir + sep) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const server = createHttpServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const route = bases.find((r) => path.startsWith(r.prefix));
    const rest = route && path.slice(route.prefix.length);
    const file = route && normalize(join(route.base, rest === "" || rest.endsWith("/") ? rest + "index.html" : rest));
    let found = false;
    if (file?.startsWith(route.base) && req.method === "GET") {
      found = await stat(file).then((s) => s.isFile(), () => false);
    }
    if (!found) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
