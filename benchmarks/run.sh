#!/usr/bin/env bash
# Runs a chosen subset of the Plumbline JMH benchmarks on every working device, then the PyTorch
# twins of the same rows (twice: OPENBLAS_CORETYPE=Haswell, and OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE
# unset so OpenBLAS picks its own kernel), and prints one table: ours, PyTorch, ratio, target, met?
#
#   benchmarks/run.sh                 # quick subset, CPU: the rows with targets (≈ 3 min on 2 cores)
#   benchmarks/run.sh all             # every family incl. GPT-2 step/generation, PPO, labeler (≈ 15 min)
#   benchmarks/run.sh 'LayerNorm|Softmax'   # any JMH regex
#
# Environment: DEVICES=cpu,opencl:0 (default: what DeviceProbe finds), OUT=dir (default
# benchmarks/results/<date>), TORCH=0 to skip PyTorch, BUILD=1 to force a rebuild, JMH_ARGS=… extra
# JMH options (e.g. "-wi 3 -i 5"). Output: $OUT/jmh.json, $OUT/torch-*.json, $OUT/table.md.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
PY=/usr/bin/python3
# Unless DEVICES is given: the quick subset runs on the CPU only; `all` and a regex run op-level
# families on every device DeviceProbe finds and model-level ones (GPT steps, decoding, PPO, the
# labeler) on the CPU only (on PoCL a GPT-2 step takes minutes).
OPS='dev.plumbline.bench.(Copy|Matmul|Softmax|LayerNorm|Attention|CrossEntropy|AdamW)Bench'
MODELS='dev.plumbline.bench.(GptStep|Generation|Ppo|Labeler)Bench'
# one JMH invocation per entry: REGEXES[i] on devices KINDS[i] (probed|cpu) with options EXTRAS[i]
case "${1:-quick}" in
  quick) REGEXES=("dev.plumbline.bench.(Copy|Matmul|Softmax|LayerNorm)Bench" "dev.plumbline.bench.GptStepBench")
         KINDS=(cpu cpu); EXTRAS=("" "-p model=tiny:8x32") ;;
  all)   REGEXES=("$OPS" "$MODELS"); KINDS=(probed cpu); EXTRAS=("" "") ;;
  *)     REGEXES=("$1"); KINDS=(probed); EXTRAS=("") ;;
esac
OUT=${OUT:-benchmarks/results/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

# 1. build when the jar is missing or older than any source of the reactor
if [[ "${BUILD:-0}" == 1 || ! -f $JAR || -n "$(find tensor-core nn kernels rlaif benchmarks -path '*/src/main/*' -newer $JAR -print -quit)" ]]; then
  echo "== building $JAR"
  mvn -B -q -o -pl benchmarks -am package -DskipTests
fi

# 2. devices: the CPU, plus every GPU backend that starts here (the others are named and skipped)
DEVICES_SET=${DEVICES:-}
if [[ -z "${DEVICES:-}" ]]; then
  DEVICES=$(java --add-modules=jdk.incubator.vector -cp $JAR dev.plumbline.bench.DeviceProbe 2>"$OUT/devices.txt" | sed -n 's/^devices=//p')
  grep -v '^WARNING' "$OUT/devices.txt" || true
fi
echo "== devices: $DEVICES"

# 3. JMH: 1 fork, 2 warm-up + 3 measurement iterations of 1 s (2 shared cores: keep it short)
PARTS=()
for i in "${!REGEXES[@]}"; do
  regex=${REGEXES[$i]}; kind=${KINDS[$i]}; read -r -a extra <<<"${EXTRAS[$i]}"
  devices=$DEVICES
  [[ $kind == cpu && -z "${DEVICES_SET:-}" ]] && devices=cpu
  echo "== JMH: $regex on $devices"
  java -jar $JAR "$regex" -p device="$devices" "${extra[@]}" -f 1 -wi 2 -i 3 -w 1s -r 1s -foe false \
       -rf json -rff "$OUT/jmh-$i.json" ${JMH_ARGS:-} | tee "$OUT/jmh-$i.log" \
       | grep --line-buffered -E '^(# (Benchmark|Parameters):|Iteration|# SKIPPED)|Exception:' || true
  [[ -s "$OUT/jmh-$i.json" ]] && PARTS+=("$OUT/jmh-$i.json")
done
$PY -c 'import json,sys; json.dump([r for p in sys.argv[2:] for r in json.load(open(p))], open(sys.argv[1], "w"), indent=1)' \
    "$OUT/jmh.json" "${PARTS[@]}"

# 4. PyTorch twins of the same rows, same invocation, one after the other (never concurrently)
TORCH_ARGS=()
if [[ "${TORCH:-1}" == 1 ]]; then
  if $PY -c 'import torch' 2>/dev/null; then
    echo "== PyTorch, OPENBLAS_CORETYPE=Haswell"
    OPENBLAS_CORETYPE=Haswell $PY benchmarks/reference/torch_bench.py --jmh "$OUT/jmh.json" --out "$OUT/torch-haswell.json"
    echo "== PyTorch, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (OpenBLAS detects the CPU)"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY benchmarks/reference/torch_bench.py --jmh "$OUT/jmh.json" --out "$OUT/torch-unset.json"
    TORCH_ARGS=(--torch "Haswell=$OUT/torch-haswell.json" --torch "unset=$OUT/torch-unset.json")
  else
    echo "== no PyTorch at $PY: apt-get update && apt-get install -y python3-torch libopenblas0-pthread"
  fi
fi

# 5. the table
echo
{
  echo "# $(date -u +%F' '%H:%MZ), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores (shared), $(java -version 2>&1 | head -1)"
  $PY benchmarks/reference/results_table.py --jmh "$OUT/jmh.json" "${TORCH_ARGS[@]}"
} | tee "$OUT/table.md"
