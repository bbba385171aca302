#!/usr/bin/env bash
# Installs what the tests need beyond npm, from Debian's packages: chromium (the browser the
# Playwright tests drive), dataset-fashion-mnist (the real data set for the data and training
# tests and the benchmark), python3-torch and python3-onnx (the export tests run the exported
# PyTorch script and the official ONNX checker). Skips what is already there; uses sudo when not root.
set -euo pipefail
# Node 22 from the npm registry into .cache/ (the Electron tests' runtime with another native ABI).
node "$(dirname "$0")/install-other-node.mjs" >/dev/null
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)  # test/export/torch.test.ts runs the exported PyTorch script (~50 s to install)
/usr/bin/python3 -c 'import onnx' 2>/dev/null || need+=(python3-onnx)  # test/export/onnxChecker.test.ts: the official ONNX checker (~4 s)
if [ ${#need[@]} -eq 0 ]; then
  echo "install-test-deps: chromium, dataset-fashion-mnist, python3-torch and python3-onnx are present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-test-deps: installing ${need[*]} with apt-get"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
