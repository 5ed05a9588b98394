#!/usr/bin/env python3
"""PyTorch (CPU) twins of the Plumbline JMH benchmarks, timed the way JMH times them.

Reads the JMH JSON of a run, and for every (benchmark, params) in it that has a twin here runs
the same computation on the same shape with PyTorch: warm-up iterations, then measurement
iterations of about --iteration-seconds each; the score is the mean ops/s over the measurement
iterations (JMH's Throughput score). Writes a JSON list of
{"benchmark", "params", "score", "min", "max", "calls"} and prints one line per row.

    /usr/bin/python3 benchmarks/reference/torch_bench.py --jmh out/jmh.json --out out/torch.json
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/reference/torch_bench.py …

Threads: torch.set_num_threads(--threads, default 2) — Debian's torch otherwise starts with 1.
Benchmarks without a twin (PpoBench, LabelerBench, GemmBench, the kernel-only forwardInto
rows) are left out.
"""
import argparse
import ctypes
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from workloads import dims, model_shape  # noqa: E402

PRESETS = {  # vocab, context, layers, heads, d_model — nn.GPTConfig.tiny() / gpt2()
    "tiny": (64, 32, 2, 2, 32),
    "gpt2": (50257, 1024, 12, 12, 768),
}


# ---- a GPT-2 with the same layout as dev.plumbline.nn.GPT (tied lm_head, tanh GELU, no dropout) ----

class Block(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.h = h
        self.ln_1 = nn.LayerNorm(c)
        self.c_attn = nn.Linear(c, 3 * c)
        self.c_proj = nn.Linear(c, c)
        self.ln_2 = nn.LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c)
        self.mlp_proj = nn.Linear(4 * c, c)

    def forward(self, x, cache=None):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.h, c // self.h).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        x = x + self.c_proj(causal_attention(q, k, v).transpose(1, 2).reshape(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


def causal_attention(q, k, v):
    """softmax(q·kᵀ/√D + causal mask)·v, the explicit form (torch 1.13 has no public SDPA)."""
    tq, tk = q.shape[-2], k.shape[-2]
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    mask = torch.ones(tq, tk, dtype=torch.bool).tril(diagonal=tk - tq)
    att = att.masked_fill(~mask, float("-inf"))
    return F.softmax(att, dim=-1) @ v


class GPT(nn.Module):
    def __init__(self, preset):
        super().__init__()
        vocab, ctx, layers, heads, c = PRESETS[preset]
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(ctx, c)
        self.h = nn.ModuleList(Block(c, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, caches=None, start=0):
        pos = torch.arange(start, start + ids.shape[1])
        x = self.wte(ids) + self.wpe(pos)
        for i, blk in enumerate(self.h):
            x = blk(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.t()


# ---- one factory per benchmark: returns a zero-argument callable = one op ----

def randn(*shape, grad=False):
    return torch.randn(*shape, dtype=torch.float32).requires_grad_(grad)


def make(bench, params):
    cls, method = bench.split(".")
    if method == "forwardInto":  # our kernel-only rows; torch.softmax / layer_norm take no out=
        return None
    if cls == "CopyBench":
        x = randn(*dims(params["shape"]))
        if method == "copyTransposed":
            out_t = torch.empty(x.shape[1], x.shape[0])
            return lambda: out_t.copy_(x.t())
        out = torch.empty_like(x)
        return lambda: out.copy_(x)
    if cls == "GeluBench":
        x, dy = randn(*dims(params["shape"]), grad=True), randn(*dims(params["shape"]))
        if method == "forward":
            def gelu_fwd():
                with torch.no_grad():
                    return F.gelu(x, approximate="tanh")
            return gelu_fwd

        def gelu_fwd_bwd():
            F.gelu(x, approximate="tanh").backward(dy)
            x.grad = None
        return gelu_fwd_bwd
    if cls == "MatmulBench":
        d = dims(params["shape"])
        m, k, n = d[-3:]
        a, b = (randn(d[0], m, k), randn(d[0], k, n)) if len(d) == 4 else (randn(m, k), randn(k, n))
        return lambda: torch.matmul(a, b)
    if cls == "SoftmaxBench":
        x = randn(*dims(params["shape"]))
        return lambda: torch.softmax(x, dim=-1)
    if cls == "LayerNormBench":
        n, c = dims(params["shape"])
        x, dy = randn(n, c, grad=True), randn(n, c)
        w, b = (1 + 0.1 * randn(c)).requires_grad_(), (0.1 * randn(c)).requires_grad_()
        if method == "forward":
            def fwd():
                with torch.no_grad():
                    return F.layer_norm(x, (c,), w, b, 1e-5)
            return fwd

        def fwd_bwd():
            F.layer_norm(x, (c,), w, b, 1e-5).backward(dy)
            x.grad = w.grad = b.grad = None
        return fwd_bwd
    if cls == "AttentionBench":
        s = dims(params["shape"])
        q, k, v, dout = randn(*s, grad=True), randn(*s, grad=True), randn(*s, grad=True), randn(*s)
        if method == "forward":
            def fwd():
                with torch.no_grad():
                    return causal_attention(q, k, v)
            return fwd

        def fwd_bwd():
            causal_attention(q, k, v).backward(dout)
            q.grad = k.grad = v.grad = None
        return fwd_bwd
    if cls == "CrossEntropyBench":
        n, vocab = dims(params["shape"])
        logits, targets = randn(n, vocab, grad=True), torch.randint(vocab, (n,))
        if method == "forward":
            def fwd():
                with torch.no_grad():
                    return F.cross_entropy(logits, targets).item()
            return fwd

        def fwd_bwd():
            loss = F.cross_entropy(logits, targets)
            loss.backward()
            logits.grad = None
            return loss.item()
        return fwd_bwd
    if cls == "AdamWBench":
        p, e = dims(params["shape"])
        ps = [nn.Parameter(randn(e)) for _ in range(p)]
        for t in ps:
            t.grad = 0.01 * randn(e)
        opt = torch.optim.AdamW(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
        opt.step()
        return opt.step
    if cls == "GptStepBench":
        preset, b, t, _ = model_shape(params["model"])
        model = GPT(preset).train()
        vocab = PRESETS[preset][0]
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
        ids, targets = torch.randint(vocab, (b, t)), torch.randint(vocab, (b, t))

        def step():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(ids).view(b * t, vocab), targets.view(-1))
            loss.backward()
            opt.step()
            return loss.item()
        return step
    if cls == "GenerationBench":
        preset, b, t, new = model_shape(params["model"])
        model = GPT(preset).eval()
        prompts = torch.randint(PRESETS[preset][0], (b, t))

        def generate():
            with torch.no_grad():
                caches = [{} for _ in model.h]
                logits = model(prompts, caches, 0)
                out = [prompts]
                for i in range(new):
                    nxt = logits[:, -1, :].argmax(dim=-1, keepdim=True)
                    torch.log_softmax(logits[:, -1, :], dim=-1).gather(1, nxt)  # Sampler reports log-probs
                    out.append(nxt)
                    if i + 1 < new:
                        logits = model(nxt, caches, t + i)
                return torch.cat(out, dim=1)
        return generate
    return None


def measure(op, warmup, iterations, seconds):
    """JMH-style: mean ops/s over `iterations` timed iterations of >= `seconds` each."""
    for _ in range(warmup):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            op()
    rates, calls = [], 0
    for _ in range(iterations):
        n, t0 = 0, time.perf_counter()
        while True:
            op()
            n += 1
            el = time.perf_counter() - t0
            if el >= seconds:
                break
        rates.append(n / el)
        calls += n
    return sum(rates) / len(rates), min(rates), max(rates), calls


def openblas_core():
    try:
        for line in open("/proc/self/maps"):
            if "openblas" in line and line.rstrip().endswith(".so.3"):
                lib = ctypes.CDLL(line.split()[-1])
                lib.openblas_get_corename.restype = ctypes.c_char_p
                return lib.openblas_get_corename().decode()
    except OSError:
        pass
    return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", required=True, help="JMH JSON (-rf json) whose rows to mirror")
    ap.add_argument("--out", required=True, help="where to write the PyTorch results (JSON)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--iteration-seconds", type=float, default=1.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows, seen = [], set()
    with open(args.jmh) as f:
        jmh = json.load(f)
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "openblas_core": openblas_core(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "<unset>"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE", "<unset>")}
    print("# " + ", ".join(f"{k}={v}" for k, v in info.items()), flush=True)
    for r in jmh:
        bench = ".".join(r["benchmark"].split(".")[-2:])
        params = {k: v for k, v in r.get("params", {}).items() if k != "device"}
        key = (bench, tuple(sorted(params.items())))
        if key in seen:
            continue
        seen.add(key)
        op = make(bench, params)
        if op is None:
            continue
        score, lo, hi, calls = measure(op, args.warmup, args.iterations, args.iteration_seconds)
        print(f"  {bench:34s} {json.dumps(params):36s} {score:10.3f} ops/s ({calls} calls)", flush=True)
        rows.append({"benchmark": bench, "params": params, "score": score, "min": lo, "max": hi, "calls": calls})
    with open(args.out, "w") as f:
        json.dump({"info": info, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
