#!/usr/bin/env bash
# Ours against PyTorch with ratios that hold (issue 18's harness): interleaved JMH / PyTorch rounds,
# medians of >= 5 rounds with their spread, noisy rows rerun, and every row as a share of the
# machine's own limits (STREAM-like copy/read over 4x the L3, register-only FMA peak) measured in
# the same run. See benchmarks/reference/compare.py for the method.
#
#   benchmarks/compare.sh              # ops: copy, strided copy, layernorm, softmax, GELU, cross-entropy,
#                                      # AdamW, attention GEMMs, tiny GPT step (≈ 25 min on 2 cores)
#   benchmarks/compare.sh models       # GPT-2 124M: batch-1 decode, batched generation, train step B4 T256
#   benchmarks/compare.sh 'GeluBench'  # any JMH regex, default params
#
# Environment: ROUNDS=5, OUT=dir (default benchmarks/results/compare-<date>), BUILD=1 to force a
# rebuild, TORCH=0 to skip PyTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
PY=/usr/bin/python3
if [[ "${BUILD:-0}" == 1 || ! -f $JAR || -n "$(find tensor-core nn kernels rlaif benchmarks -path '*/src/main/*' -newer $JAR -print -quit)" ]]; then
  echo "== building $JAR"
  mvn -B -q -o -pl benchmarks -am package -DskipTests
fi
B=dev.plumbline.bench
ARGS=()
case "${1:-ops}" in
  ops) ARGS=(--regex "$B.(Copy|LayerNorm|Softmax|Gelu|CrossEntropy|AdamW)Bench.(copy|copyTransposed|forward|forwardBackward|step)$"
             --params ""
             --regex "$B.MatmulBench" --params "shape=48x256x64x256,48x256x256x64,1024x1024x1024"
             --regex "$B.GptStepBench" --params "model=tiny:8x32") ;;
  models) ARGS=(--regex "$B.GenerationBench" --params "model=gpt2:1x16+32,gpt2:32x16+16,gpt2:64x16+8"
                --regex "$B.GptStepBench" --params "model=gpt2:4x256") ;;
  *) ARGS=(--regex "$1" --params "") ;;
esac
OUT=${OUT:-benchmarks/results/compare-$(date -u +%Y%m%d-%H%M%S)}
EXTRA=()
[[ "${TORCH:-1}" == 0 ]] && EXTRA+=(--no-torch)
[[ "${1:-ops}" == models ]] && EXTRA+=(--warmup 1 --iterations 1)
$PY benchmarks/reference/compare.py --jar $JAR --rounds "${ROUNDS:-5}" --out "$OUT" "${ARGS[@]}" "${EXTRA[@]}"
echo "== $OUT/table.md"
