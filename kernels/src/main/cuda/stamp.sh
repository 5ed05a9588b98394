#!/usr/bin/env bash
# Prints the freshness stamp of the fatbin: nvcc's version line and a SHA-256 over every kernel
# source (*.cu, *.cuh), build.sh and this script, in name order. Same inputs -> same stamp,
# independent of timestamps and paths (nvcc's fatbin bytes are not relied on being reproducible).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
nvcc=${NVCC:-nvcc}
echo "nvcc: $("$nvcc" --version | grep -E '^Cuda compilation tools' | tr -d '\r')"
echo "sources: $(for f in $(ls *.cu *.cuh build.sh stamp.sh | LC_ALL=C sort); do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -d' ' -f1)"
