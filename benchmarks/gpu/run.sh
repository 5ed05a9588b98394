#!/usr/bin/env bash
# Runs on the bare GPU machine, from the repository root, with .device/ prepared by prepare.sh:
#   1. the CUDA tests of the kernels module and the cross-backend parity suite (tests module)
#   2. the Java benchmark (own GEMMs, cuBLAS GEMMs, fused ops) and the PyTorch reference, same call
#   3. a short table last: op, shape, ours, PyTorch, ratio, max error, target
# Full logs go to $OUT (default ./gpu-out).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
OUT=${OUT:-$top/gpu-out}
mkdir -p "$OUT"
jre=/tmp/plumbline-jre
[ -x "$jre/jre/bin/java" ] || { mkdir -p "$jre" && tar xzf .device/jre.tgz -C "$jre"; }
java="$jre/jre/bin/java"
export LD_LIBRARY_PATH=/usr/local/cuda/targets/x86_64-linux/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
cp=$(ls -d .device/classes/* | tr '\n' ':')$(ls .device/jars/*.jar | grep -v console-standalone | tr '\n' ':')
jopts="--add-modules jdk.incubator.vector -Xss4m"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1

echo "== tests" | tee "$OUT/summary.txt"
timeout 300 "$java" $jopts -jar .device/jars/junit-platform-console-standalone.jar execute -cp "$cp" \
  --select-package dev.plumbline.kernels.cuda --select-package dev.plumbline.it \
  --details=summary --reports-dir "$OUT/junit" > "$OUT/tests.log" 2>&1
echo "tests exit $? (log: tests.log; junit xml: junit/)" | tee -a "$OUT/summary.txt"
grep -E "tests (successful|failed|skipped|aborted)" "$OUT/tests.log" | tee -a "$OUT/summary.txt"

echo "== java benchmark" | tee -a "$OUT/summary.txt"
: > "$OUT/java_bench.tsv"
timeout 120 "$java" $jopts -Dplumbline.cuda.gemm=own -cp "$cp" dev.plumbline.kernels.cuda.CudaBench sgemm bgemm >> "$OUT/java_bench.tsv" 2>> "$OUT/java_bench.log"
timeout 120 "$java" $jopts -Dplumbline.cuda.gemm=cublas -cp "$cp" dev.plumbline.kernels.cuda.CudaBench sgemm bgemm >> "$OUT/java_bench.tsv" 2>> "$OUT/java_bench.log"
timeout 180 "$java" $jopts -cp "$cp" dev.plumbline.kernels.cuda.CudaBench copy gelu layernorm softmax adamw attention >> "$OUT/java_bench.tsv" 2>> "$OUT/java_bench.log"
echo "== pytorch benchmark" | tee -a "$OUT/summary.txt"
timeout 180 python3 benchmarks/gpu/torch_bench.py > "$OUT/torch_bench.tsv" 2> "$OUT/torch_bench.log"

python3 - "$OUT" <<'PY' | tee "$OUT/table.txt"
import sys, math
out = sys.argv[1]
def read(p, cols):
    rows = {}
    try:
        for line in open(p):
            f = line.rstrip("\n").split("\t")
            if len(f) >= cols and not line.startswith("#"):
                rows[f[0]] = f
    except FileNotFoundError:
        pass
    return rows
J, T = read(f"{out}/java_bench.tsv", 4), read(f"{out}/torch_bench.tsv", 3)
def ms(d, k):
    return float(d[k][2]) if k in d else math.nan
copy_t = ms(J, "copy")
# (our row, torch row, how the ratio is read, target)
spec = [
    ("sgemm_own", "sgemm", "cublas", 0.8, "own SGEMM >= 0.8x cuBLAS (torch fp32, TF32 off)"),
    ("sgemm_cublas", "sgemm", "cublas", None, "JCublas through the bridge"),
    ("bgemm_own", "bgemm", "cublas", 0.5, "own BF16 GEMM >= 0.5x cuBLAS BF16"),
    ("bgemm_cublas", "bgemm", "cublas", None, "JCublas GemmEx BF16"),
    ("copy", "copy", "torch", None, "bandwidth reference"),
    ("layernorm", "layernorm", "copybw", 0.8, ">= 80% of copy bandwidth"),
    ("softmax", "softmax", "copybw", 0.8, ">= 80% of copy bandwidth"),
    ("gelu", "gelu", "copybw", 0.8, ">= 80% of copy bandwidth"),
    ("adamw", "adamw", "copybw", 0.8, ">= 80% of copy bandwidth"),
    ("attention_fwd_bwd", "attention_fwd_bwd", "torch", 0.5, ">= 0.5x torch SDPA"),
]
# bytes moved per op (read + write), for bandwidth ratios against our own copy (2 * 4 B * n)
bytes_ = {"copy": 2*4*8192*3072, "gelu": 2*4*8192*3072, "layernorm": 2*4*8192*768,
          "softmax": 2*4*98304*1024, "adamw": 7*4*31_000_000}
print(f"{'op':20s} {'shape':14s} {'ours ms':>9s} {'torch ms':>9s} {'ratio':>7s} {'max err':>9s}  target")
for ours, ref, kind, target, text in spec:
    o, t = ms(J, ours), ms(T, ref)
    if kind == "copybw" and not math.isnan(copy_t) and not math.isnan(o):
        ratio = (bytes_[ours] / o) / (bytes_["copy"] / copy_t)   # our bandwidth / our copy bandwidth
    else:
        ratio = t / o if o == o and t == t else math.nan
    err = J[ours][3] if ours in J else "-"
    ok = "" if target is None or math.isnan(ratio) else ("PASS" if ratio >= target else "MISS")
    shape = J[ours][1] if ours in J else (T[ref][1] if ref in T else "-")
    print(f"{ours:20s} {shape:14s} {o:9.4f} {t:9.4f} {ratio:7.3f} {err:>9s}  {ok:4s} {text}")
print("ratio: torch_ms / ours_ms (>1 = faster than torch), or for 'copy bandwidth' rows our GB/s over our copy GB/s")
PY
