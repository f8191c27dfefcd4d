// The media services' clients on a scripted server: a payload read whole (GetClip: a Uint8Array and
// ContentType from the header) or as a stream (GetMedia: 50 MB read with memory flat, an abort
// mid-stream ending the read with AbortError, a connection reset mid-body an error and never a
// truncated success), and dataEndpointClient (one GetDataEndpoint per stream and API across 100
// calls; a stale endpoint asked for again once).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { after, before, describe, test } from "node:test";
import {
  KinesisVideoArchivedMediaClient,
  KinesisVideoClient,
  KinesisVideoMediaClient,
  KinesisVideoWebRTCStorageClient,
  paginateListFragments,
} from "../../pkg/node.js";

const T = { timeout: 60_000 };
const CREDENTIALS = { accessKeyId: "AKIDMEDIA00000000000", secretAccessKey: "media-secret" };
const config = (endpoint, extra = {}) => ({ region: "us-west-2", credentials: CREDENTIALS, endpoint, maxAttempts: 1, ...extra });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;
// A garbage collection on demand, to see what a read keeps (not what it has not collected yet).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

/** A server whose requests go to `handler(req, res, body)`; every request is recorded. */
async function server(handler) {
  const requests = [];
  const sockets = new Set();
  const s = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  s.on("connection", (c) => (sockets.add(c), c.on("close", () => sockets.delete(c))));
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${s.address().port}`,
    requests,
    close: () => new Promise((r) => (sockets.forEach((c) => c.destroy()), s.close(r))),
  };
}

/** Reads a stream to its end: the byte count (nothing kept). */
async function drain(stream, onChunk = () => {}) {
  const reader = stream.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return size;
    size += value.byteLength;
    onChunk(size);
  }
}

describe("payloads", () => {
  let s;
  let chunkDelayMs = 0;
  before(async () => {
    s = await server(async (req, res, body) => {
      const path = new URL(req.url, "http://x").pathname;
      if (path === "/getClip") {
        const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypmp42"), Buffer.alloc(1000, 7)]);
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": mp4.length, "x-amzn-RequestId": "clip-1" });
        return res.end(mp4);
      }
      if (path === "/getMedia") {
        const { StartSelector } = JSON.parse(body);
        if (StartSelector.StartSelectorType === "FRAGMENT_NUMBER") {
          // 50 MB in 1 MB chunks, without a Content-Length (chunked, as a live feed is).
          res.writeHead(200, { "Content-Type": "video/webm" });
          const chunk = Buffer.alloc(MB, 0x1a);
          for (let i = 0; i < 50; i++) {
            if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
            if (chunkDelayMs) await sleep(chunkDelayMs);
          }
          return res.end();
        }
        if (StartSelector.StartSelectorType === "NOW") {
          // 200 kB, then the connection is reset.
          res.writeHead(200, { "Content-Type": "video/webm", "Content-Length": 10 * MB });
          res.write(Buffer.alloc(200_000, 1));
          await sleep(100);
          return req.socket.destroy();
        }
        // An error of the service, as JSON.
        res.writeHead(404, { "Content-Type": "application/json", "x-amzn-ErrorType": "ResourceNotFoundException" });
        return res.end(JSON.stringify({ Message: "No fragments." }));
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{}");
    });
  });
  after(() => s.close());

  test("GetClip: the MP4 as a Uint8Array and ContentType from the header", T, async () => {
    const c = new KinesisVideoArchivedMediaClient(config(s.url));
    const out = await c.getClip({ StreamName: "cam", ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: new Date(1000), EndTimestamp: new Date(2000) } } });
    assert.ok(out.Payload instanceof Uint8Array);
    assert.equal(out.Payload.byteLength, 1012);
    assert.equal(Buffer.from(out.Payload.subarray(4, 8)).toString(), "ftyp");
    assert.equal(out.ContentType, "video/mp4");
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(out.$metadata.requestId, "clip-1");
    assert.deepEqual(Object.keys(out).sort(), ["$metadata", "ContentType", "Payload"]);
    const sent = s.requests.at(-1);
    assert.equal(sent.url, "/getClip");
    assert.deepEqual(JSON.parse(sent.body), { StreamName: "cam", ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: 1, EndTimestamp: 2 } } });
    assert.match(sent.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDMEDIA00000000000\/\d{8}\/us-west-2\/kinesisvideo\/aws4_request, /);
  });

  test("GetMedia: 50 MB read as a stream, with memory flat", T, async () => {
    const c = new KinesisVideoMediaClient(config(s.url));
    const held = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = held();
    const out = await c.getMedia({ StreamName: "cam", StartSelector: { StartSelectorType: "FRAGMENT_NUMBER", AfterFragmentNumber: "1" } });
    assert.ok(out.Payload instanceof ReadableStream);
    assert.equal(out.ContentType, "video/webm");
    const kept = []; // what the process holds, every 5 MB read
    let next = 5 * MB;
    const size = await drain(out.Payload, (n) => {
      if (n < next) return;
      next += 5 * MB;
      kept.push(held() - before);
    });
    assert.equal(size, 50 * MB);
    // Flat: far from the 50 MB a body read whole would hold, and no growth: what is held moves
    // with the chunks in flight (both ends of the loopback are in this process, and a busy machine
    // lets more of them pile up), but its floor over the last 25 MB is the floor over the first.
    const mb = kept.map((k) => (k / MB).toFixed(1)).join(", ");
    assert.ok(Math.max(...kept) < 20 * MB, `held ${mb} MB`);
    assert.ok(Math.min(...kept.slice(5)) - Math.min(...kept.slice(0, 5)) < 4 * MB, `held ${mb} MB`);
  });

  test("GetMedia: an abort mid-stream ends the read with AbortError", T, async () => {
    chunkDelayMs = 20;
    try {
      const c = new KinesisVideoMediaClient(config(s.url));
      const controller = new AbortController();
      const out = await c.getMedia({ StreamName: "cam", StartSelector: { StartSelectorType: "FRAGMENT_NUMBER", AfterFragmentNumber: "1" } }, { abortSignal: controller.signal });
      let got = 0;
      await assert.rejects(
        drain(out.Payload, (n) => {
          got = n;
          if (n >= 3 * MB) controller.abort();
        }),
        { name: "AbortError" },
      );
      assert.ok(got >= 3 * MB && got < 50 * MB, `${got} bytes before the abort`);
    } finally {
      chunkDelayMs = 0;
    }
  });

  test("GetMedia: a connection reset mid-body is an error, never a short success", T, async () => {
    const c = new KinesisVideoMediaClient(config(s.url));
    const out = await c.getMedia({ StreamName: "cam", StartSelector: { StartSelectorType: "NOW" } });
    let got = 0;
    await assert.rejects(drain(out.Payload, (n) => (got = n)));
    assert.equal(got, 200_000, "the bytes before the reset came, then the error");
  });

  test("a payload operation's error is read as the service's JSON error", T, async () => {
    const c = new KinesisVideoMediaClient(config(s.url));
    await assert.rejects(c.getMedia({ StreamName: "cam", StartSelector: { StartSelectorType: "EARLIEST" } }), (e) => {
      assert.equal(e.name, "ResourceNotFoundException");
      assert.equal(e.message, "No fragments.");
      assert.equal(e.$metadata.httpStatusCode, 404);
      return true;
    });
  });

  test("WebRTC storage: JoinStorageSession, whose output is empty", T, async () => {
    const c = new KinesisVideoWebRTCStorageClient(config(s.url));
    const out = await c.joinStorageSession({ channelArn: "arn:aws:kinesisvideo:us-west-2:123456789012:channel/door/1705489836421" });
    assert.deepEqual(Object.keys(out), ["$metadata"]);
    assert.equal(s.requests.at(-1).url, "/joinStorageSession");
    await assert.rejects(c.joinStorageSession({ channelArn: "not an arn" }), { name: "ValidationError", message: /^channelArn: must match/ });
  });

  test("each client has its own service's operations only", () => {
    const media = new KinesisVideoMediaClient(config(s.url));
    assert.equal(typeof media.getMedia, "function");
    assert.equal(media.getClip, undefined);
    assert.equal(media.describeStream, undefined);
    assert.ok(media instanceof KinesisVideoMediaClient);
    assert.ok(!(media instanceof KinesisVideoClient));
    assert.throws(() => new KinesisVideoMediaClient({ region: "us-west-2", credentials: CREDENTIALS }), { name: "TypeError", message: /endpoint/ });
  });
});

describe("retries of payload operations", () => {
  // Each request's answer is the next of `script` (the last one repeats).
  let s;
  let script = [];
  before(async () => {
    s = await server(async (req, res) => {
      const answer = script.length > 1 ? script.shift() : script[0];
      await answer(req, res);
    });
  });
  after(() => s.close());
  const unavailable = (req, res) => {
    res.writeHead(503, { "Content-Type": "application/json", "x-amzn-ErrorType": "ServiceUnavailable" });
    res.end(JSON.stringify({ message: "busy" }));
  };
  const feed = (bytes) => (req, res) => {
    res.writeHead(200, { "Content-Type": "video/webm" });
    res.end(Buffer.alloc(bytes, 0x1a));
  };
  const fastRetries = { maxAttempts: 3 };

  test("a 503 before the body is retried, for a streamed payload and a whole one", T, async () => {
    script = [unavailable, feed(5000)];
    s.requests.length = 0;
    const media = new KinesisVideoMediaClient(config(s.url, fastRetries));
    const out = await media.getMedia({ StreamName: "cam", StartSelector: { StartSelectorType: "EARLIEST" } });
    assert.equal(out.$metadata.attempts, 2);
    assert.equal(await drain(out.Payload), 5000);
    script = [unavailable, unavailable, feed(700)];
    const archived = new KinesisVideoArchivedMediaClient(config(s.url, fastRetries));
    const range = { StartTimestamp: new Date(0), EndTimestamp: new Date(1000) };
    const clip = await archived.getClip({ StreamName: "cam", ClipFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: range } });
    assert.equal(clip.$metadata.attempts, 3);
    assert.equal(clip.Payload.length, 700);
    assert.equal(s.requests.length, 5);
  });

  test("once a streamed body is handed over, a failure in it is the reader's error and nothing is sent again", T, async () => {
    script = [
      (req, res) => {
        res.writeHead(200, { "Content-Type": "video/webm", "Content-Length": 1_000_000 });
        res.write(Buffer.alloc(10_000, 1));
        setTimeout(() => req.socket.destroy(), 50);
      },
      feed(1000),
    ];
    s.requests.length = 0;
    const media = new KinesisVideoMediaClient(config(s.url, fastRetries));
    const out = await media.getMedia({ StreamName: "cam", StartSelector: { StartSelectorType: "EARLIEST" } });
    assert.equal(out.$metadata.attempts, 1);
    await assert.rejects(drain(out.Payload));
    await sleep(200);
    assert.equal(s.requests.length, 1, "the call was not sent again");
  });
});

describe("dataEndpointClient", () => {
  let s;
  let dataPath = "/data-1";
  before(async () => {
    s = await server((req, res, body) => {
      const path = new URL(req.url, "http://x").pathname;
      const json = (status, value, headers = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(value));
      };
      if (path === "/getDataEndpoint") return json(200, { DataEndpoint: `${s.url}${dataPath}` });
      // The endpoint the control plane gives now answers; an older one says it is the wrong one.
      if (path.startsWith(dataPath)) {
        if (path.endsWith("/listFragments")) {
          const { NextToken } = JSON.parse(body);
          return json(200, { Fragments: [{ FragmentNumber: NextToken ? "2" : "1", FragmentSizeInBytes: 10, ProducerTimestamp: 1.5, ServerTimestamp: 1.6, FragmentLengthInMilliseconds: 1000 }], NextToken: NextToken ? null : "next" });
        }
        return json(200, {});
      }
      return json(400, { Message: "Caller used the wrong endpoint for this stream." }, { "x-amzn-ErrorType": "InvalidEndpointException" });
    });
  });
  after(() => s.close());

  const calls = (p) => s.requests.filter((r) => r.url === p).length;

  test("one GetDataEndpoint per stream and API across 100 calls, concurrent ones included", T, async () => {
    const kvs = new KinesisVideoClient(config(s.url));
    const clients = await Promise.all([...Array(50).keys()].map(() => kvs.dataEndpointClient("LIST_FRAGMENTS", { StreamName: "cam" })));
    for (let i = 0; i < 50; i++) {
      const c = await kvs.dataEndpointClient("LIST_FRAGMENTS", { StreamName: "cam" });
      await c.listFragments({ StreamName: "cam" });
    }
    assert.equal(calls("/getDataEndpoint"), 1);
    assert.ok(clients[0] instanceof KinesisVideoArchivedMediaClient);
    assert.equal(clients[0].endpoint, `${s.url}/data-1`);
    const sent = s.requests.find((r) => r.url === "/getDataEndpoint");
    assert.deepEqual(JSON.parse(sent.body), { StreamName: "cam", APIName: "LIST_FRAGMENTS" });
    // Another API or another stream is another GetDataEndpoint.
    const media = await kvs.dataEndpointClient("GET_MEDIA", { StreamName: "cam" });
    assert.ok(media instanceof KinesisVideoMediaClient);
    await kvs.dataEndpointClient("LIST_FRAGMENTS", { StreamARN: "arn:aws:kinesisvideo:us-west-2:123456789012:stream/other/1705489836421" });
    assert.equal(calls("/getDataEndpoint"), 3);
    // A paginator works on it.
    const pages = [];
    for await (const page of paginateListFragments(clients[1], { StreamName: "cam" })) pages.push(page.Fragments[0].FragmentNumber);
    assert.deepEqual(pages, ["1", "2"]);
  });

  test("a call at a stale endpoint asks for the endpoint again, once, and is tried at the new one", T, async () => {
    const kvs = new KinesisVideoClient(config(s.url));
    const c = await kvs.dataEndpointClient("GET_IMAGES", { StreamName: "moved" });
    assert.equal(c.endpoint, `${s.url}/data-1`);
    const before = calls("/getDataEndpoint");
    dataPath = "/data-2"; // the stream moved
    const out = await c.getImages({ StreamName: "moved", ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: 1, EndTimestamp: 2, Format: "JPEG" });
    assert.ok(out.$metadata);
    assert.equal(calls("/getDataEndpoint"), before + 1);
    assert.equal(c.endpoint, `${s.url}/data-2`);
    assert.deepEqual(s.requests.slice(-3).map((r) => r.url), ["/data-1/getImages", "/getDataEndpoint", "/data-2/getImages"]);
    // The fresh endpoint is what the client remembers now.
    const again = await kvs.dataEndpointClient("GET_IMAGES", { StreamName: "moved" });
    assert.equal(again.endpoint, `${s.url}/data-2`);
    assert.equal(calls("/getDataEndpoint"), before + 1);
    // A refusal the endpoint did not cause is not retried: the same endpoint again, the error.
    const n = s.requests.length;
    await assert.rejects(again.getImages({ StreamName: "moved", ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: 1, EndTimestamp: 2, Format: "BMP" }), { name: "ValidationError" });
    assert.equal(s.requests.length, n, "a bad input sends nothing");
    dataPath = "/data-1";
  });

  test("bad arguments are refused before any request", T, async () => {
    const kvs = new KinesisVideoClient(config(s.url));
    const n = s.requests.length;
    await assert.rejects(kvs.dataEndpointClient("PUT_MEDIA", { StreamName: "cam" }), { name: "TypeError", message: /apiName: must be one of GET_HLS_STREAMING_SESSION_URL/ });
    await assert.rejects(kvs.dataEndpointClient("GET_CLIP", {}), { name: "ValidationError", message: /StreamName/ });
    await assert.rejects(kvs.dataEndpointClient("GET_CLIP", { StreamName: "" }), { name: "ValidationError" });
    assert.equal(s.requests.length, n);
  });
});
