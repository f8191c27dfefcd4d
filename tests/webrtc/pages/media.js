// What a <video> element showing a remote track really plays: two samples `spanMs` apart, each with
// the element's currentTime, its decoded frame count and the mean colour of the picture drawn on a
// canvas, plus how much the picture changed between them. The test decides what counts as playing.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The picture now in `video`: mean r, g, b, the share of pixels that are not black, and the pixels. */
function sample(video) {
  const width = video.videoWidth;
  const height = video.videoHeight;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext("2d", { willReadFrequently: true });
  g.drawImage(video, 0, 0, width, height);
  const data = g.getImageData(0, 0, width, height).data;
  const sums = [0, 0, 0];
  let lit = 0;
  for (let i = 0; i < data.length; i += 4) {
    sums[0] += data[i];
    sums[1] += data[i + 1];
    sums[2] += data[i + 2];
    if (data[i] + data[i + 1] + data[i + 2] > 48) lit++;
  }
  const n = data.length / 4;
  const quality = video.getVideoPlaybackQuality?.();
  return {
    at: Math.round(performance.now()),
    currentTime: video.currentTime,
    totalVideoFrames: quality?.totalVideoFrames ?? null,
    width,
    height,
    r: sums[0] / n,
    g: sums[1] / n,
    b: sums[2] / n,
    nonBlack: lit / n,
    pixels: data,
  };
}

/**
 * Waits (up to `timeoutMs`) for `video` to show a frame, then samples it twice, `spanMs` apart.
 * Resolves to `{ firstFrameMs, samples: [a, b], meanAbsDiff }` or `{ error, ... }`.
 */
export async function observeVideo(video, { timeoutMs = 15000, spanMs = 1500 } = {}) {
  const start = performance.now();
  while (!(video?.srcObject && video.videoWidth > 0 && video.currentTime > 0)) {
    if (performance.now() - start > timeoutMs) {
      return {
        error: `no video frame played within ${timeoutMs} ms`,
        hasSource: Boolean(video?.srcObject),
        readyState: video?.readyState,
        paused: video?.paused,
        currentTime: video?.currentTime,
      };
    }
    await sleep(50);
  }
  const firstFrameMs = Math.round(performance.now() - start);
  const a = sample(video);
  await sleep(spanMs);
  const b = sample(video);
  let diff = 0;
  const count = Math.min(a.pixels.length, b.pixels.length);
  for (let i = 0; i < count; i++) if (i % 4 !== 3) diff += Math.abs(a.pixels[i] - b.pixels[i]);
  const strip = ({ pixels, ...rest }) => rest;
  return { firstFrameMs, samples: [strip(a), strip(b)], meanAbsDiff: a.width === b.width && a.height === b.height ? diff / ((count / 4) * 3) : null };
}
