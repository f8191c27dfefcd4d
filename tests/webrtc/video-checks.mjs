// What counts as "the viewer plays the master's camera" for the tests of this folder, on the
// observation pages/media.js makes of a <video>: the picture moves on (currentTime, decoded frames),
// is not black, is the green picture of Chromium's fake camera, and changes from one sample to the next.
import assert from "node:assert/strict";

export function assertPlays(media, label) {
  assert.ok(media, `${label}: the video was not observed`);
  assert.equal(media.error, undefined, `${label}: ${media.error} (${JSON.stringify(media)})`);
  const [a, b] = media.samples;
  assert.ok(b.currentTime - a.currentTime >= 1, `${label}: currentTime went from ${a.currentTime} to ${b.currentTime} in 1.5 s`);
  assert.ok(b.totalVideoFrames - a.totalVideoFrames >= 10, `${label}: ${b.totalVideoFrames - a.totalVideoFrames} frames decoded in 1.5 s`);
  for (const s of [a, b]) {
    assert.ok(s.width >= 160 && s.height >= 120, `${label}: a ${s.width}x${s.height} picture`);
    assert.ok(s.nonBlack >= 0.9, `${label}: only ${(s.nonBlack * 100).toFixed(1)}% of the pixels are not black`);
    // Chromium's fake camera paints a green picture: what arrived is that camera, not some other picture.
    assert.ok(s.g >= 60 && s.g > 2 * s.r && s.g > 2 * s.b, `${label}: mean colour r ${s.r.toFixed(1)} g ${s.g.toFixed(1)} b ${s.b.toFixed(1)} is not the fake camera's green`);
  }
  assert.ok(media.meanAbsDiff === null || media.meanAbsDiff > 0.5, `${label}: the two pictures 1.5 s apart are the same (mean difference ${media.meanAbsDiff})`);
}

/** One line about the observation, for a diagnostic. */
export function describePlayback(media) {
  const [a, b] = media.samples;
  return `first frame ${media.firstFrameMs} ms after asked; ${b.totalVideoFrames - a.totalVideoFrames} frames in ${(b.currentTime - a.currentTime).toFixed(2)} s at ${b.width}x${b.height}, mean g ${b.g.toFixed(0)}, change ${media.meanAbsDiff?.toFixed(1) ?? "resized"}`;
}
