// An init script (Playwright's addInitScript: it runs before any script of the page): every
// WebSocket the page opens records, in order, the text frames it sent and received, so a test can
// compare what one side put on the signaling WebSocket with what the other side was handed by the
// local endpoint's relay. The page's code and the KVS WebRTC SDK look up the global `WebSocket`
// when they connect, so both get this subclass; nothing else about the WebSocket changes.
(() => {
  const Native = window.WebSocket;
  const frames = [];
  let connections = 0;
  const now = () => Math.round(performance.now());
  const text = (data) => (typeof data === "string" ? data : `<binary ${data?.byteLength ?? data?.size ?? "?"} bytes>`);

  class RecordingWebSocket extends Native {
    #conn;
    #url;

    constructor(url, protocols) {
      super(url, protocols);
      const u = new URL(String(url), location.href);
      this.#conn = connections++;
      this.#url = `${u.protocol}//${u.host}${u.pathname}`;
      frames.push({ conn: this.#conn, url: this.#url, dir: "connect", t: now(), query: [...u.searchParams.keys()] });
      this.addEventListener("open", () => frames.push({ conn: this.#conn, url: this.#url, dir: "open", t: now() }));
      this.addEventListener("message", (e) => frames.push({ conn: this.#conn, url: this.#url, dir: "in", t: now(), data: text(e.data) }));
      this.addEventListener("close", (e) => frames.push({ conn: this.#conn, url: this.#url, dir: "close", t: now(), code: e.code }));
    }

    send(data) {
      const result = super.send(data); // a send that throws was not sent: not recorded
      frames.push({ conn: this.#conn, url: this.#url, dir: "out", t: now(), data: text(data) });
      return result;
    }
  }

  window.WebSocket = RecordingWebSocket;
  window.__frames = frames;
})();
