#!/usr/bin/env python3
"""Times F32 matmul with PyTorch on the CPU for the shapes GemmBench measures.

The number to beat for dev.plumbline.tensor.backend.cpu.CpuGemm. Debian's python3-torch uses
OpenBLAS, whose kernel choice follows OPENBLAS_CORETYPE; compare both configurations:

    /usr/bin/python3 benchmarks/reference/torch_matmul.py                          # env as is
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/reference/torch_matmul.py
    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 benchmarks/reference/torch_matmul.py

Prints one line per shape: best and median GFLOP/s over timed batches (2·m·n·k flops each).
"""
import argparse
import os
import statistics
import time

import torch

SHAPES = [(1024, 1024, 1024), (4096, 768, 768)]  # (m, n, k): C[m,n] = A[m,k] @ B[k,n]


def bench(m, n, k, seconds):
    a = torch.rand(m, k, dtype=torch.float32) * 2 - 1
    b = torch.rand(k, n, dtype=torch.float32) * 2 - 1
    c = torch.empty(m, n, dtype=torch.float32)
    flops = 2.0 * m * n * k
    for _ in range(3):  # warm-up: thread pool, page faults
        torch.matmul(a, b, out=c)
    rates = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(rates) < 5:
        t0 = time.perf_counter()
        torch.matmul(a, b, out=c)
        rates.append(flops / (time.perf_counter() - t0) / 1e9)
    return max(rates), statistics.median(rates), len(rates)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0, help="timed seconds per shape")
    args = ap.parse_args()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '<unset>')}, "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '<unset>')}")
    blas = [f for f in torch.__config__.show().replace(",", " ").split() if f.startswith("BLAS_INFO=")]
    print(f"  {' '.join(blas)}, os.cpu_count()={os.cpu_count()}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '<unset>')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '<unset>')}")
    for m, n, k in SHAPES:
        best, med, runs = bench(m, n, k, args.seconds)
        print(f"  {m}x{k} @ {k}x{n}: best {best:7.1f} GFLOP/s, median {med:7.1f} GFLOP/s ({runs} runs)")


if __name__ == "__main__":
    main()
