#!/usr/bin/env bash
# Compiles every kernel family in this folder into ONE fatbin resource (SASS for sm_80 and sm_90,
# plus compute_90 PTX for newer GPUs), writes nvcc's resource report (registers, spills per
# kernel) beside it, and a stamp: SHA-256 over the sources, this script and `nvcc --version`.
# CudaFatbinFreshnessTest recompiles when nvcc is on the PATH and fails when the stamp differs.
#   usage: kernels/src/main/cuda/build.sh [OUTDIR]   (default: the checked-in resource folder)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../resources/dev/plumbline/kernels/cuda}
mkdir -p "$out"
nvcc=${NVCC:-nvcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# one translation unit: the families, in a fixed order
families="elementwise reduce indexing random softmax layernorm attention adamw gemm_f32 gemm_bf16"
{
  for f in $families; do echo "#include \"$here/$f.cu\""; done
} > "$tmp/plumbline.cu"
"$nvcc" -fatbin -O3 -std=c++17 -lineinfo -Xptxas -v -I"$here" \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -o "$tmp/plumbline.fatbin" "$tmp/plumbline.cu" 2> "$tmp/ptxas.txt" || { cat "$tmp/ptxas.txt" >&2; exit 1; }
cp "$tmp/plumbline.fatbin" "$out/plumbline.fatbin"
# resource report without the temp path, one line per kernel and arch
sed -e "s|$tmp/||g" "$tmp/ptxas.txt" > "$out/ptxas-report.txt"
"$here/stamp.sh" > "$out/plumbline.fatbin.stamp"
echo "wrote $out/plumbline.fatbin ($(wc -c < "$out/plumbline.fatbin") bytes), ptxas-report.txt, plumbline.fatbin.stamp"
