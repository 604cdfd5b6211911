#!/usr/bin/env bash
# The GPU figures of issue 9, in one command, on a machine with a GPU (run from the
# repository root; nothing else needs installing when prepare.sh's .gl/ and .whl/ came along):
#   1. `planetsim bench` twice (256x128 .. 2048x1024; a frame = 10 story steps + a 1920x1080
#      globe, finished: is 2048x1024 at 60 fps with 10 steps a frame met?), numpy beside it once;
#   2. the test suite on this driver (its tolerances were set on llvmpipe);
#   3. the whole `earth` story rendered to a 1920x1080 H.264 video, timed (target: less than its
#      own 240 s), with four of its frames as one PNG.
# Writes 8 files to $OUT (default out/gpu). Each part has a time limit in seconds (BENCH_S
# per run, TESTS_S, STORY_S: 2 x 90 + 120 + 270 by default) so the whole fits a 10-minute
# call. PARTS picks parts ("bench tests story"); SIZES, RENDER, PRESET, BENCH_ARGS and
# STORY_ARGS (more `planetsim bench` and `render` options) change the defaults: small ones try
# the script out on a CPU, as tests/test_gpu_script.py does. PYTHON names the interpreter,
# WHEELS the folder of wheels to install (default .whl).
set -u
OUT=${OUT:-out/gpu}
mkdir -p "$OUT"
rm -f "$OUT/bench.md" # appended to below
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# GL loaders: unpacked only on a machine with the NVIDIA driver (never over a workstation's own).
if [ -d .gl ] && command -v nvidia-smi >/dev/null; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
fi
vendor=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -f "$vendor" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$vendor"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
WHEELS=${WHEELS:-.whl} # prepare.sh's wheels, for the GPU machine's Python only
if compgen -G "$WHEELS/*.whl" >/dev/null; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/planetsim-site "$WHEELS"/*.whl || exit 1
    export PYTHONPATH="$PYTHONPATH:/tmp/planetsim-site"
fi
PARTS=${PARTS:-bench tests story}
SIZES=${SIZES:-256x128,512x256,1024x512,2048x1024}
RENDER=${RENDER:-1920x1080}
PRESET=${PRESET:-earth}
{
    date -u
    nvidia-smi -L 2>/dev/null || echo "no nvidia-smi"
    nproc
    $PY --version
    $PY -m planetsim info
} >"$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"

if [[ " $PARTS " == *" bench "* ]]; then
    common=(--sizes "$SIZES" --render "$RENDER" --steps-per-frame 10 --repeats 3
        --min-time 0.15 --stage-max-cells 2097152 --force ${BENCH_ARGS:-})
    for run in A B; do
        extra=()
        [ "$run" = B ] && extra=(--no-numpy) # numpy's speed does not depend on the GPU
        echo "## run $run" >>"$OUT/bench.md"
        timeout "${BENCH_S:-90}" $PY -m planetsim bench "${common[@]}" "${extra[@]}" \
            --json "$OUT/bench_$run.json" 2>>"$OUT/bench.log" | tee -a "$OUT/bench.md"
        echo "bench $run: exit ${PIPESTATUS[0]}" | tee -a "$OUT/bench.log"
    done
fi

if [[ " $PARTS " == *" tests "* ]]; then
    # The whole suite on this driver: its tolerances were set on llvmpipe (the window's test
    # skips itself without Xvfb).
    timeout "${TESTS_S:-120}" $PY -m pytest -q -p no:cacheprovider tests >"$OUT/tests.txt" 2>&1
    echo "tests: exit $?; $(tail -1 "$OUT/tests.txt")"
fi
if [[ " $PARTS " == *" story "* ]]; then
    w=${RENDER%x*}
    h=${RENDER#*x}
    video=/tmp/planetsim-story.mp4 # too big to bring back; four frames come instead
    t0=$(date +%s%N)
    timeout "${STORY_S:-270}" $PY -m planetsim render --preset "$PRESET" --width "$w" \
        --height "$h" --out "$video" --force ${STORY_ARGS:-} 2>/tmp/planetsim-story.log
    rc=$?
    t1=$(date +%s%N)
    {
        echo "planetsim render --preset $PRESET --width $w --height $h: exit $rc"
        echo "wall seconds: $(((t1 - t0) / 1000000000))"
        tail -c 600 /tmp/planetsim-story.log | tr '\r' '\n' | tail -3
    } | tee "$OUT/story.txt"
    [ "$rc" = 0 ] && $PY - "$video" "$OUT/story_frames.png" <<'PY'
import subprocess
import sys

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np

video, out = sys.argv[1], sys.argv[2]
n, secs = imageio_ffmpeg.count_frames_and_secs(video)  # stream copy: no decoding
w, h = 960, 540
strip = []
for frac in (0.05, 0.35, 0.65, 1.0):  # four moments, half size, side by side
    # Half a frame before the picked frame: ffmpeg gives the first frame at or after -ss.
    at = max(round(frac * (n - 1)) - 0.5, 0.0) * secs / n
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-ss", f"{at:.4f}",
           "-i", video, "-frames:v", "1", "-vf", f"scale={w}:{h}", "-f", "rawvideo",
           "-pix_fmt", "rgb24", "-"]  # fmt: skip
    raw = subprocess.run(cmd, capture_output=True, check=True, stdin=subprocess.DEVNULL).stdout
    strip.append(np.frombuffer(raw, np.uint8).reshape(h, w, 3))
iio.imwrite(out, np.concatenate(strip, axis=1))
print(f"video: {n} frames, {secs:.1f} s; four frames in {out}")
PY
fi

ls -l "$OUT"
