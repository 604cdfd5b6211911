#!/usr/bin/env bash
# Run here, on a machine with a network, in the repository: fetches what run.sh needs on a
# bare GPU machine that has no network: the GL loader packages (.gl/*.deb, unpacked there by
# run.sh) and the wheels planetsim needs that such an image lacks (.whl/, for its Python).
# Both folders are git-ignored through .git/info/exclude. PYVER: the GPU machine's Python.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
for d in /.gl/ /.whl/; do
    grep -qxF "$d" .git/info/exclude 2>/dev/null || echo "$d" >>.git/info/exclude
done
mkdir -p .gl .whl /tmp/amd64/partial
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
apt-get "${o[@]}" -qq update
(cd .gl && apt-get "${o[@]}" -qq download libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
# numpy, pillow, imageio and tqdm are in the usual CUDA images; these are not. imageio-ffmpeg
# 0.5.1 (27 MB): the newer wheels hold a 68 MB ffmpeg, more than a 64 MiB transfer carries.
rm -f .whl/*.whl
python3 -m pip download -q --no-deps --only-binary=:all: --python-version "${PYVER:-3.12}" \
    --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform manylinux2010_x86_64 \
    --platform manylinux1_x86_64 -d .whl moderngl glcontext pyglm imageio-ffmpeg==0.5.1
ls -l .gl .whl
du -sh .gl .whl
