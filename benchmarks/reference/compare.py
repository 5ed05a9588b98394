#!/usr/bin/env python3
"""Ours against PyTorch with ratios that hold: interleaved rounds, medians, spreads, machine limits.

    /usr/bin/python3 benchmarks/reference/compare.py --jar benchmarks/target/benchmarks.jar \
        --regex 'dev.plumbline.bench.(Copy|LayerNorm)Bench' --rounds 5 --out benchmarks/results/x

What it does, and why:
  1. Settings are fixed and printed: torch.set_num_threads(threads), set_num_interop_threads(1),
     OMP_NUM_THREADS / OPENBLAS_NUM_THREADS = threads for this process, the OpenBLAS core it picked;
     the JVM's CPU count and SIMD width; the CPU model, flags and L3.
  2. Rounds alternate: round r runs JMH (one fork of the chosen rows plus MachineBench, the STREAM-like
     copy/read over buffers 4x the L3 and the register-only FMA peak), then the PyTorch twin of every
     row, timed the way JMH times (warm-up iterations, then iterations of >= 1 s, mean ops/s), never
     concurrently. A drift of the shared machine then hits both sides of a round alike.
  3. Each row's result is the median over rounds, with its spread (max - min) / median. A row whose
     spread on either side exceeds --max-spread (20 %) is rerun for another --rounds rounds (both
     sides, interleaved again); if it still exceeds it, it is marked unreliable.
  4. The ratio is the median of the per-round ratios ours/PyTorch (paired by round), with their
     range. The "% of limit" column divides each row by the machine limit measured in the same run
     (the fastest round of MachineBench: a ceiling is the best the machine showed)
     (workloads.limit): memory-bound rows by the copy bandwidth, GEMM rows by the FMA peak, batch-1
     decode by its memory bound (fp32 weights read once per token at the read bandwidth).
  5. Verdicts use workloads.issue18_target: met / missed / unreliable / no twin.

Writes OUT/rounds.json (every measurement), OUT/table.md and prints the table.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def machine_info(java, jar):
    flags = sh("grep -m1 '^flags' /proc/cpuinfo").split()
    simd = [f for f in ("avx512f", "avx512bw", "avx512vl", "avx2", "fma") if f in flags]
    l3 = sh("lscpu -B | sed -n 's/^L3 cache: *//p'").split(" ")[0]
    lanes = sh(f"{java} --add-modules=jdk.incubator.vector -cp {jar} dev.plumbline.bench.MachineBench 2>/dev/null")
    m = re.search(r"lanes=(\d+) threads=(\d+)", lanes)
    return {
        "cpu": sh("lscpu | sed -n 's/^Model name: *//p'") or "unknown",
        "flags": " ".join(simd),
        "l3_bytes": int(l3) if l3.isdigit() else 32 << 20,
        "cores": os.cpu_count(),
        "java": sh(f"{java} -version 2>&1 | head -1"),
        "jvm_lanes": int(m.group(1)) if m else None,
        "jvm_threads": int(m.group(2)) if m else None,
    }


def run_jmh(java, jar, regex, params, out, warmup, iterations, extra):
    cmd = [java, "-jar", jar, regex, "-f", "1", "-wi", str(warmup), "-i", str(iterations), "-w", "1s", "-r", "1s",
           "-foe", "false", "-rf", "json", "-rff", out]
    for k, v in params.items():
        cmd += ["-p", f"{k}={v}"]
    cmd += extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(out) or os.path.getsize(out) == 0:
        sys.stderr.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise SystemExit(f"JMH failed for {regex}")
    with open(out) as f:
        return json.load(f)


def key_of(r):
    bench = ".".join(r["benchmark"].split(".")[-2:])
    params = dict(r.get("params", {}))
    return bench, tuple(sorted(params.items()))


def spread(xs):
    med = statistics.median(xs)
    return (max(xs) - min(xs)) / med if med else float("inf")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default="benchmarks/target/benchmarks.jar")
    ap.add_argument("--java", default="java")
    ap.add_argument("--regex", action="append", required=True,
                    help="JMH regex; several allowed (each with its own --params entry, same order)")
    ap.add_argument("--params", action="append", default=[], help="JMH -p list for the regex in the same position, "
                    "e.g. 'model=gpt2:1x16+32;device=cpu' (empty: the benchmarks' defaults on the cpu)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--max-spread", type=float, default=0.20)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    # fixed threading before torch loads OpenMP
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    info = machine_info(args.java, args.jar)
    mb = max(1, 4 * info["l3_bytes"] // (1 << 20))
    twin = None
    if not args.no_torch:
        try:
            import torch
            import torch_bench as twin
            torch.set_num_threads(args.threads)
            torch.set_num_interop_threads(1)
            torch.manual_seed(0)
            info.update(torch=torch.__version__, torch_threads=torch.get_num_threads(),
                        torch_interop=torch.get_num_interop_threads(), openblas_core=twin.openblas_core(),
                        OPENBLAS_CORETYPE=os.environ.get("OPENBLAS_CORETYPE", "<unset>"),
                        OMP_NUM_THREADS=os.environ["OMP_NUM_THREADS"])
        except ImportError as e:
            print(f"# no PyTorch ({e}): apt-get install -y python3-torch libopenblas0-pthread; ours only")
    print("# " + ", ".join(f"{k}={v}" for k, v in info.items()), flush=True)

    groups = [(r, dict(kv.split("=", 1) for kv in (args.params[i] if i < len(args.params) else "").split(";") if kv))
              for i, r in enumerate(args.regex)]
    groups.insert(0, ("dev.plumbline.bench.MachineBench", {"mb": str(mb)}))
    for _, p in groups[1:]:
        p.setdefault("device", "cpu")

    ours = {}    # key -> [score per round]
    theirs = {}  # key -> [score per round]
    ops = {}     # key -> torch callable (built once)
    rounds_log = []

    def one_round(rnd, which):
        t0 = time.time()
        for gi, (regex, params) in enumerate(groups):
            if which is not None and gi not in which:
                continue
            res = run_jmh(args.java, args.jar, regex, params, os.path.join(args.out, f"jmh-r{rnd}-g{gi}.json"),
                          args.warmup, args.iterations, [])
            for r in res:
                k = key_of(r)
                ours.setdefault(k, []).append(r["primaryMetric"]["score"])
                rounds_log.append({"round": rnd, "side": "ours", "key": [k[0], dict(k[1])],
                                   "score": r["primaryMetric"]["score"], "iterations": r["primaryMetric"]["rawData"]})
                if twin is None or k[0].startswith("MachineBench"):
                    continue
                if k not in ops:
                    p = {a: b for a, b in k[1] if a != "device"}
                    ops[k] = twin.make(k[0], p)
                if ops[k] is not None:
                    s, lo, hi, calls = twin.measure(ops[k], args.warmup, args.iterations, 1.0)
                    theirs.setdefault(k, []).append(s)
                    rounds_log.append({"round": rnd, "side": "torch", "key": [k[0], dict(k[1])], "score": s,
                                       "min": lo, "max": hi, "calls": calls})
        print(f"  round {rnd}: {time.time() - t0:.0f} s", flush=True)

    for rnd in range(1, args.rounds + 1):
        one_round(rnd, None)

    def noisy(k):
        return spread(ours[k]) > args.max_spread or (k in theirs and spread(theirs[k]) > args.max_spread)

    # rerun every group holding a noisy row, with fresh rounds for those rows only
    rerun = {k for k in ours if noisy(k)}
    if rerun:
        print(f"# rerunning {len(rerun)} rows with spread > {args.max_spread:.0%}: "
              + ", ".join(sorted(k[0] for k in rerun)), flush=True)
        first = {k: (ours[k], theirs.get(k)) for k in rerun}
        for k in rerun:
            ours[k] = []
            theirs.pop(k, None)
        gsel = set()
        for gi, (regex, _) in enumerate(groups):
            if any(re.search(regex, "dev.plumbline.bench." + k[0]) for k in rerun):
                gsel.add(gi)
        keep_ours = {k: v for k, v in ours.items() if k not in rerun}
        keep_theirs = {k: v for k, v in theirs.items() if k not in rerun}
        for rnd in range(args.rounds + 1, 2 * args.rounds + 1):
            one_round(rnd, gsel)
        for k, v in keep_ours.items():  # rows not rerun keep their first rounds only
            ours[k] = v
        for k, v in keep_theirs.items():
            theirs[k] = v
        for k in rerun:
            ours[k] = ours[k][-args.rounds:]
            if k in theirs:
                theirs[k] = theirs[k][-args.rounds:]
    else:
        first = {}

    import workloads as W
    machine = {}
    for k, v in ours.items():
        if k[0].startswith("MachineBench."):
            p = dict(k[1])
            p.update(lanes=str(info["jvm_lanes"]), threads=str(info["jvm_threads"]))
            w = W.workload(k[0], p)
            # a limit is the best the machine showed in this run: the fastest round, not the median
            machine[k[0].split(".")[1]] = max(v) * w.per_op / w.scale

    lines = [f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {info['cpu']} ({info['flags']}), "
             f"{info['cores']} cores, L3 {info['l3_bytes'] >> 20} MiB; {info['java']}, Vector API {info['jvm_lanes']} "
             f"float lanes" + (f"; PyTorch {info.get('torch')} with {info.get('torch_threads')} threads "
                               f"(interop {info.get('torch_interop')}), OpenBLAS core {info.get('openblas_core')}, "
                               f"OMP_NUM_THREADS={info.get('OMP_NUM_THREADS')}" if twin else "; no PyTorch"),
             f"# {args.rounds} interleaved rounds per row (JMH: 1 fork, {args.warmup} warm-up + {args.iterations} x 1 s "
             f"per round; PyTorch the same way), medians; spread = (max - min) / median over rounds; rows above "
             f"{args.max_spread:.0%} were rerun once",
             "# limits (fastest round of MachineBench): " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(machine.items()))
             + " (GB/s; fmaPeak GFLOP/s)",
             "",
             "| benchmark | shape | unit | ours | spread | PyTorch | spread | ratio (rounds' range) | ours % of limit "
             "| PyTorch % of limit | limit | target | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def fmt(v):
        return "—" if v is None else f"{v:,.0f}" if v >= 1000 else f"{v:.3g}" if v < 10 else f"{v:.1f}"

    table_rows = []
    for k in sorted(ours, key=lambda k: (not k[0].startswith("MachineBench"), k[0], k[1])):
        bench, params = k[0], dict(k[1])
        if bench.startswith("MachineBench."):
            params.update(lanes=str(info["jvm_lanes"]), threads=str(info["jvm_threads"]))
        w = W.workload(bench, params)
        o = [s * w.per_op / w.scale for s in ours[k]]
        t = [s * w.per_op / w.scale for s in theirs.get(k, [])]
        om, tm = statistics.median(o), (statistics.median(t) if t else None)
        ratios = [a / b for a, b in zip(o, t)] if t else []
        ratio = statistics.median(ratios) if ratios else None
        lim = W.limit(bench, params, machine)
        o_pct = om / lim[1] if lim else None
        t_pct = tm / lim[1] if lim and tm else None
        tgt = W.issue18_target(bench, params)
        unreliable = spread(o) > args.max_spread or (t and spread(t) > args.max_spread)
        if tgt is None:
            verdict, tgt_s = "—", "—"
        else:
            need_ratio, need_pct = tgt
            parts = []
            if need_ratio is not None:
                parts.append(f"≥ {need_ratio:.1f}× PyTorch")
            if need_pct is not None:
                parts.append(f"≥ {need_pct:.0%} of limit")
            tgt_s = ", ".join(parts)
            ok = True
            if need_ratio is not None:
                ok = ok and ratio is not None and ratio >= need_ratio
            if need_pct is not None:
                ok = ok and o_pct is not None and o_pct >= need_pct
            missing = need_ratio is not None and ratio is None
            verdict = ("no twin" if missing else "met" if ok else "**missed**") + (" (unreliable)" if unreliable else "")
        rng = f" [{min(ratios):.2f}–{max(ratios):.2f}]" if ratios else ""
        row = (f"| {bench} | {w.shape} | {w.unit} | {fmt(om)} | {spread(o):.0%} | {fmt(tm)} | "
               f"{(f'{spread(t):.0%}' if t else '—')} | {(f'{ratio:.2f}×' + rng) if ratio else '—'} | "
               f"{(f'{o_pct:.0%}' if o_pct is not None else '—')} | {(f'{t_pct:.0%}' if t_pct is not None else '—')} | "
               f"{lim[0] if lim else '—'} | {tgt_s} | {verdict}{' (rerun)' if k in first else ''} |")
        lines.append(row)
        table_rows.append({"benchmark": bench, "params": params, "unit": w.unit, "ours": o, "torch": t,
                           "ratio": ratio, "limit": lim, "verdict": verdict})
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(args.out, "rounds.json"), "w") as f:
        json.dump({"info": info, "machine": machine, "rounds": rounds_log, "rows": table_rows}, f, indent=1)


if __name__ == "__main__":
    main()
