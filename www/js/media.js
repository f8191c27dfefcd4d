// The master's video: the camera (getUserMedia), or where there is none (no device, permission
// refused, no navigator.mediaDevices outside a secure context) a test pattern drawn on a canvas:
// moving colour bars and a running clock, never black, captured with canvas.captureStream().

const BARS = ["#f2f2f2", "#f2d21a", "#19c8dc", "#1fb34a", "#d23ca0", "#dc2d2d", "#2d55dc"];

/**
 * A ticking timer that keeps its rate in a background tab: a worker's timer is not throttled like the
 * page's (rAF stops in a hidden tab, page timers slow to once a second), so the pattern is still drawn
 * 30 times a second while the viewer is open in another tab. Falls back to setInterval where the
 * worker cannot run.
 */
function ticker(ms, tick) {
  let worker;
  let timer;
  const fallback = () => {
    worker?.terminate();
    worker = undefined;
    timer ??= setInterval(tick, ms);
  };
  try {
    let url = URL.createObjectURL(new Blob([`setInterval(() => postMessage(0), ${ms});`], { type: "text/javascript" }));
    worker = new Worker(url);
    worker.onmessage = () => {
      if (url) URL.revokeObjectURL(url);
      url = undefined;
      tick();
    };
    worker.onerror = fallback;
  } catch {
    fallback();
  }
  return () => {
    worker?.terminate();
    clearInterval(timer);
  };
}

/** A canvas test pattern as a MediaStream: { stream, kind: "pattern", label, stop() }. */
export function testPattern({ width = 640, height = 360, fps = 30 } = {}) {
  const canvas = Object.assign(document.createElement("canvas"), { width, height });
  const g = canvas.getContext("2d");
  const started = performance.now();
  let frame = 0;
  const barWidth = width / BARS.length;
  const barsHeight = Math.round(height * 0.68);
  const draw = () => {
    const seconds = (performance.now() - started) / 1000;
    // Bars scrolling right at 90 px/s, wrapping around.
    const shift = (seconds * 90) % width;
    BARS.forEach((color, i) => {
      const x = (i * barWidth + shift) % width;
      g.fillStyle = color;
      g.fillRect(Math.floor(x), 0, Math.ceil(barWidth) + 1, barsHeight);
      if (x + barWidth > width) g.fillRect(Math.floor(x - width), 0, Math.ceil(barWidth) + 1, barsHeight);
    });
    // A lower strip with a gradient and a ball bouncing across it.
    const strip = g.createLinearGradient(0, 0, width, 0);
    strip.addColorStop(0, "#0a66c2");
    strip.addColorStop(1, "#7fb2ea");
    g.fillStyle = strip;
    g.fillRect(0, barsHeight, width, height - barsHeight);
    const phase = (seconds * 0.4) % 2;
    const ballX = 30 + (width - 60) * (phase < 1 ? phase : 2 - phase);
    g.fillStyle = "#ffd500";
    g.beginPath();
    g.arc(ballX, barsHeight + (height - barsHeight) / 2, (height - barsHeight) / 3, 0, 2 * Math.PI);
    g.fill();
    // The clock: wall time with milliseconds, and the frame count.
    const now = new Date();
    const clock = `${now.toLocaleTimeString([], { hour12: false })}.${String(now.getMilliseconds()).padStart(3, "0")}`;
    g.fillStyle = "rgba(16, 35, 61, 0.88)";
    g.fillRect(width / 2 - 190, barsHeight / 2 - 52, 380, 104);
    g.fillStyle = "#fff";
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.font = "bold 44px ui-monospace, Menlo, Consolas, monospace";
    g.fillText(clock, width / 2, barsHeight / 2 - 12);
    g.font = "16px system-ui, sans-serif";
    g.fillText(`kinesis-video-wasm test pattern · frame ${frame++}`, width / 2, barsHeight / 2 + 30);
  };
  draw();
  const stopTicking = ticker(Math.round(1000 / fps), draw);
  const stream = canvas.captureStream(fps);
  return {
    stream,
    kind: "pattern",
    label: `test pattern ${width}×${height}`,
    stop() {
      stopTicking();
      for (const track of stream.getTracks()) track.stop();
    },
  };
}

/**
 * The video a master sends. `source`: "camera" (the camera, or the test pattern when there is
 * none), "pattern" or "none" (no video: data channel only; gives null). `note(text)` is told why the
 * camera was not used.
 */
export async function localVideo(source, note = () => {}) {
  if (source === "none") return null;
  if (source === "camera") {
    try {
      if (!navigator.mediaDevices?.getUserMedia) {
        throw Object.assign(new Error("no navigator.mediaDevices here (a camera needs https or localhost)"), { name: "NotSupportedError" });
      }
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const track = stream.getVideoTracks()[0];
      const { width, height } = track?.getSettings() ?? {};
      return {
        stream,
        kind: "camera",
        label: `camera${track?.label ? ` "${track.label}"` : ""}${width ? ` ${width}×${height}` : ""}`,
        stop() {
          for (const t of stream.getTracks()) t.stop();
        },
      };
    } catch (error) {
      note(`no camera (${error.name}: ${error.message}): sending the test pattern instead`);
    }
  }
  return testPattern();
}

/** Plays `stream` in `video` (muted, inline, autoplay); resolves with nothing, whatever play() says. */
export function play(video, stream) {
  if (video.srcObject !== stream) video.srcObject = stream;
  // Muted video may autoplay; a refusal (rare) leaves the element's own controls to start it.
  video.play?.()?.catch(() => (video.controls = true));
}
