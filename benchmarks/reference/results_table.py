#!/usr/bin/env python3
"""Joins a JMH JSON result with PyTorch runs of the same shapes and prints one Markdown table.

    python3 benchmarks/reference/results_table.py --jmh out/jmh.json \
        --torch "Haswell=out/torch-haswell.json" --torch "auto=out/torch-auto.json"

Columns: benchmark, device, shape, unit, ours and its spread (1 − slowest/fastest measurement
iteration: how noisy the shared machine was), then per PyTorch run its rate, spread and the ratio
ours/PyTorch (higher is better: every unit here is a rate), then the target ratio and whether
each run's ratio meets it ("yes / no" in --torch order). Units come from workloads.py: the JMH
score (ops/s) times the work of one op. Standard library only (no torch needed).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from workloads import target, workload  # noqa: E402


def fmt(v):
    if v is None:
        return "—"
    return f"{v:,.0f}" if v >= 1000 else f"{v:.3g}" if v < 10 else f"{v:.1f}"


def spread(lo, hi):
    """How far the slowest measurement iteration is below the fastest: 100·(1 − min/max) %."""
    return f"{100 * (1 - lo / hi):.0f}%" if hi else "—"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", required=True)
    ap.add_argument("--torch", action="append", default=[], help="LABEL=path of torch_bench.py output")
    args = ap.parse_args()
    with open(args.jmh) as f:
        jmh = json.load(f)
    runs = []
    for spec in args.torch:
        label, _, path = spec.partition("=")
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            print(f"# PyTorch run {label}: no results ({e})")
            data = {"info": {}, "rows": []}
        by_key = {(r["benchmark"], tuple(sorted(r["params"].items()))): (r["score"], r["min"], r["max"])
                  for r in data["rows"]}
        runs.append((label, data["info"], by_key))
        info = data["info"]
        if info:
            print(f"# PyTorch {label}: torch {info.get('torch')}, {info.get('threads')} threads, OpenBLAS core "
                  f"{info.get('openblas_core')} (OPENBLAS_CORETYPE={info.get('OPENBLAS_CORETYPE')}, "
                  f"OPENBLAS_L2_SIZE={info.get('OPENBLAS_L2_SIZE')})")
    head = ["benchmark", "device", "shape", "unit", "ours", "spread"]
    for label, _, _ in runs:
        head += [f"PyTorch {label}", "spread", f"ratio vs {label}"]
    head += ["target", "met?"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in jmh:
        bench = ".".join(r["benchmark"].split(".")[-2:])
        params = r.get("params", {})
        device = params.get("device", "cpu")
        rest = {k: v for k, v in params.items() if k != "device"}
        w = workload(bench, rest)
        score = r["primaryMetric"]["score"]
        ours = score * w.per_op / w.scale
        raw = [v for it in r["primaryMetric"].get("rawData", [[]]) for v in it]
        row = [bench, device, w.shape, w.unit, fmt(ours), spread(min(raw), max(raw)) if raw else "—"]
        ratios = []
        for _, _, by_key in runs:
            theirs, lo, hi = by_key.get((bench, tuple(sorted(rest.items()))), (None, None, None))
            ratio = score / theirs if theirs else None
            ratios.append(ratio)
            row += [fmt(theirs * w.per_op / w.scale) if theirs else "—", spread(lo, hi) if theirs else "—",
                    f"{ratio:.2f}×" if ratio else "—"]
        tgt = target(bench, params)
        row.append(f"≥ {tgt}×" if tgt else "—")
        if tgt:
            row.append(" / ".join("—" if x is None else ("yes" if x >= tgt else "**no**") for x in ratios))
        else:
            row.append("—")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
