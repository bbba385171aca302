#!/usr/bin/env bash
# Opt-in: makes gpu.js's GPU mode (`headlessgl`) available to Node, for the gpujs compute backend.
# `npm ci` does not build `gl` (package.json allowScripts denies its install script: it compiles
# ANGLE from source, about 4 minutes on 4 cores, and needs X11/GL headers). This script
#   1. installs with apt what the build and a display-less run need: g++, make, python3, pkg-config,
#      libxi-dev, libglu1-mesa-dev, libglew-dev, and xvfb (a virtual X display; the tests and the
#      bench start one themselves when $DISPLAY is unset) — skipped for what is there;
#   2. builds node_modules/gl for the Node running this script (its own headers when the
#      distribution ships them, e.g. Debian's nodejs), unless it already loads;
#   3. keeps the built webgl.node in ~/.cache/cnnwb/ keyed by gl version, Node ABI and arch, so a
#      later `npm ci` on the same machine restores it in a second;
#   4. proves it: creates a GL context (under xvfb-run when there is no display) and prints the
#      renderer.
# Used by .ci/run. On a desktop with a GPU, run it once after `npm ci`; the app's backend list then
# offers gpujs with the GPU's name. Never rebuilds any other native module.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if command -v apt-get >/dev/null; then
  need=()
  command -v g++ >/dev/null || need+=(g++)
  command -v make >/dev/null || need+=(make)
  command -v python3 >/dev/null || need+=(python3)
  command -v pkg-config >/dev/null || need+=(pkg-config)
  command -v Xvfb >/dev/null || need+=(xvfb xauth)
  for pkg in libxi-dev libglu1-mesa-dev libglew-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "setup-gpu: installing ${need[*]} with apt-get"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
else
  echo "setup-gpu: no apt-get here; make sure a C++ toolchain, python3, X11/GL headers and (for no display) Xvfb are installed"
fi

gl_dir=node_modules/gl
[ -f "$gl_dir/package.json" ] || { echo "setup-gpu: $gl_dir is missing: run npm ci first"; exit 1; }
gl_version=$(node -p "require('./$gl_dir/package.json').version")
key="gl-$gl_version-node-abi$(node -p process.versions.modules)-$(node -p process.arch)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cnnwb/$key"
target="$gl_dir/build/Release/webgl.node"

loads() { node -e "require('./$gl_dir')" 2>/dev/null; }

if [ -f "$target" ] && loads; then
  echo "setup-gpu: gl $gl_version is already built for this Node"
  [ -f "$cache/webgl.node" ] || { mkdir -p "$cache" && cp "$target" "$cache/webgl.node"; }
elif [ -f "$cache/webgl.node" ]; then
  mkdir -p "$(dirname "$target")"
  cp "$cache/webgl.node" "$target"
  echo "setup-gpu: restored gl $gl_version from $cache"
else
  # Node's own headers where the distribution installs them (no download); else node-gyp fetches them.
  prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  nodedir=()
  if [ -f "$prefix/include/node/node_version.h" ] && [ "$(node -p process.version)" = "v$(sed -n 's/^#define NODE_\(MAJOR\|MINOR\|PATCH\)_VERSION \([0-9]*\)$/\2/p' "$prefix/include/node/node_version.h" | paste -sd.)" ]; then
    nodedir=(--nodedir="$prefix")
  fi
  jobs=$(nproc)
  echo "setup-gpu: building gl $gl_version (ANGLE) with $jobs jobs: a few minutes"
  start=$(date +%s)
  # node-gyp only writes under $gl_dir/build (a new directory): no shared file is touched.
  (cd "$gl_dir" && JOBS=$jobs nice -n 10 node ../node-gyp/bin/node-gyp.js rebuild "${nodedir[@]}" -j "$jobs" >/tmp/cnnwb-gl-build.log 2>&1) || {
    tail -20 /tmp/cnnwb-gl-build.log
    echo "setup-gpu: building gl failed (full log: /tmp/cnnwb-gl-build.log)"
    exit 1
  }
  echo "setup-gpu: built in $(( $(date +%s) - start )) s"
  mkdir -p "$cache"
  cp "$target" "$cache/webgl.node"
fi

# headless-gl's JavaScript answers RENDERER with 'ANGLE'; the native getParameter names the device.
probe="const gl = require('./$gl_dir')(1, 1); if (!gl) { console.error('setup-gpu: gl loaded but could not create a context'); process.exit(1); }
let native = gl.getParameter; for (let p = Object.getPrototypeOf(gl); p; p = Object.getPrototypeOf(p)) if (Object.hasOwn(p, 'getParameter')) native = p.getParameter;
console.log('setup-gpu: headless GL works:', native.call(gl, gl.RENDERER), '| OES_texture_float:', Boolean(gl.getExtension('OES_texture_float')));"
if [ -n "${DISPLAY:-}" ]; then
  node -e "$probe"
else
  xvfb-run -a node -e "$probe"
fi
