#!/bin/sh
# Test media for the local endpoint: a 10 s H.264 clip from ffmpeg's testsrc, 640x360 at 25 fps with a
# keyframe every second, cut into 1 s fragments the way a Kinesis video stream stores them:
#   init.mp4, fragment-NNN.m4s   fragmented MP4 (HLS, DASH, GetClip)
#   fragment-NNN.mkv             Matroska (GetMedia, GetMediaForFragmentList)
#   fragment-NNN.ts              MPEG-TS (HLS with ContainerFormat MPEG_TS)
#   image-NNN.jpg, image-NNN.png five frames a second (GetImages)
#   manifest.json                the fragments, their durations and sizes
# Usage: make-media.sh DIR (e.g. build/media). Does nothing when DIR already holds this version.
set -eu

VERSION=1
SECONDS_LONG=10
FPS=25
IMAGES_PER_SECOND=5

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
current() { grep -q "\"version\": $VERSION," "$dir/manifest.json" 2>/dev/null; }
current && exit 0

for tool in ffmpeg ffprobe; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: $tool is not installed (Debian: apt-get install -y ffmpeg)" >&2
    exit 1
  fi
done

# Several test processes may start at once: one generates, the others wait for it. A lock older than
# a minute is left over from a killed run and is taken over.
mkdir -p "$(dirname "$dir")"
lock="$dir.lock"
waited=0
until mkdir "$lock" 2>/dev/null; do
  if [ "$waited" -ge 60 ]; then
    rm -rf "$lock"
    waited=0
    continue
  fi
  sleep 1
  waited=$((waited + 1))
done
work=""
trap 'rm -rf "$lock" ${work:+"$work"}' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
current && exit 0

work=$(mktemp -d "$dir.tmp.XXXXXX")
quiet="-hide_banner -loglevel error -nostdin -y"

# One encode; every container below is cut from it without re-encoding, so all of them split at the
# same keyframes. No B-frames: decode order is presentation order in every container.
ffmpeg $quiet -f lavfi -i "testsrc=size=640x360:rate=$FPS:duration=$SECONDS_LONG" \
  -c:v libx264 -preset veryfast -profile:v main -level 3.0 -pix_fmt yuv420p -bf 0 \
  -g "$FPS" -keyint_min "$FPS" -sc_threshold 0 "$work/clip.mp4"
ffmpeg $quiet -i "$work/clip.mp4" -c copy -f hls -hls_time 1 -hls_playlist_type vod \
  -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 \
  -hls_segment_filename "$work/fragment-%03d.m4s" "$work/fmp4.m3u8"
ffmpeg $quiet -i "$work/clip.mp4" -c copy -f hls -hls_time 1 -hls_playlist_type vod \
  -hls_segment_type mpegts -hls_segment_filename "$work/fragment-%03d.ts" "$work/ts.m3u8"
ffmpeg $quiet -i "$work/clip.mp4" -c copy -f segment -segment_time 1 -segment_format matroska \
  -reset_timestamps 1 "$work/fragment-%03d.mkv"
ffmpeg $quiet -i "$work/clip.mp4" -vf "fps=$IMAGES_PER_SECOND" -q:v 5 -start_number 0 "$work/image-%03d.jpg" \
  -vf "fps=$IMAGES_PER_SECOND" -start_number 0 "$work/image-%03d.png"

size() { wc -c <"$1" | tr -d ' '; }

# The fragments' durations come from the HLS playlist ffmpeg wrote (seconds, in #EXTINF).
durations=$(awk -F'[:,]' '/^#EXTINF:/ { printf "%d\n", $2 * 1000 + 0.5 }' "$work/fmp4.m3u8")
count=$(printf '%s\n' "$durations" | wc -l | tr -d ' ')
for ext in m4s mkv ts; do
  found=$(find "$work" -name "fragment-*.$ext" | wc -l | tr -d ' ')
  if [ "$found" -ne "$count" ]; then
    echo "$0: expected $count .$ext fragments, ffmpeg wrote $found" >&2
    exit 1
  fi
done

{
  printf '{\n  "version": %s,\n' "$VERSION"
  printf '  "width": 640,\n  "height": 360,\n  "framesPerSecond": %s,\n' "$FPS"
  printf '  "imagesPerSecond": %s,\n' "$IMAGES_PER_SECOND"
  printf '  "init": { "file": "init.mp4", "size": %s },\n' "$(size "$work/init.mp4")"
  printf '  "fragments": [\n'
  i=0
  start=0
  printf '%s\n' "$durations" | while read -r ms; do
    n=$(printf '%03d' "$i")
    # Image k shows the clip at k / IMAGES_PER_SECOND seconds: these are the fragment's.
    first=$(((start * IMAGES_PER_SECOND + 999) / 1000))
    last=$((((start + ms) * IMAGES_PER_SECOND + 999) / 1000 - 1))
    start=$((start + ms))
    [ "$i" -gt 0 ] && printf ',\n'
    printf '    { "durationMs": %s, "mp4": { "file": "fragment-%s.m4s", "size": %s },' "$ms" "$n" "$(size "$work/fragment-$n.m4s")"
    printf ' "mkv": { "file": "fragment-%s.mkv", "size": %s },' "$n" "$(size "$work/fragment-$n.mkv")"
    printf ' "ts": { "file": "fragment-%s.ts", "size": %s },' "$n" "$(size "$work/fragment-$n.ts")"
    printf ' "images": { "first": %s, "last": %s } }' "$first" "$last"
    i=$((i + 1))
  done
  printf '\n  ],\n  "images": { "jpeg": "image-%%03d.jpg", "png": "image-%%03d.png", "count": %s }\n}\n' \
    "$(find "$work" -name 'image-*.jpg' | wc -l | tr -d ' ')"
} >"$work/manifest.json"

rm -f "$work/clip.mp4" "$work/fmp4.m3u8" "$work/ts.m3u8"
rm -rf "$dir"
mv "$work" "$dir"
work=""
