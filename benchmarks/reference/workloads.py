"""Work per benchmark op and the targets: the one place that turns a JMH score into its unit.

Both sides measure ops/s (one op = one call of the @Benchmark method, or of its PyTorch twin in
torch_bench.py). Work per op depends only on the benchmark and its shape, so the unit rate is
ops/s * work, and the ratio ours/PyTorch is the same whether taken on ops/s or on the unit.

    >>> w = workload("MatmulBench.matmul", {"shape": "1024x1024x1024"})
    >>> w.unit, round(w.per_op / 1e9, 3)
    ('GFLOP/s', 2.147)
"""
from dataclasses import dataclass

# Targets: ratio ours/PyTorch (higher-is-better units), measured in the same run, CPU rows only.
CPU_TARGETS = {
    "MatmulBench.matmul": 0.8,
    "SoftmaxBench.forward": 1.0,
    "LayerNormBench.forward": 1.0,
    "LayerNormBench.forwardBackward": 1.0,
    "GptStepBench.step@tiny": 0.7,
}


# MachineBench's constants (ACC accumulators, FMA_STEPS per accumulator per thread)
MACHINE_ACC = 12
MACHINE_FMA_STEPS = 1 << 20

# GPT-2 small's parameter count with the tied lm_head counted once (nn.GPT's layout)
GPT2_PARAMS = 124_439_808

# Issue 18's targets, judged by compare.py: (ratio ours/PyTorch at least, share of the machine's
# limit at least, which limit). None = no requirement of that kind.
MEMORY_BOUND = ("CopyBench.copy", "CopyBench.copyTransposed", "LayerNormBench.forward", "LayerNormBench.forwardBackward",
                "SoftmaxBench.forward", "CrossEntropyBench.forward", "CrossEntropyBench.forwardBackward",
                "GeluBench.forward", "GeluBench.forwardBackward", "AdamWBench.step")


def issue18_target(bench, params):
    """(min ratio, min share of limit) for a CPU row, or None when the row has no target."""
    if params.get("device", "cpu") != "cpu":
        return None
    if bench in MEMORY_BOUND:
        return (1.0, 0.8)
    if bench == "MatmulBench.matmul" and params["shape"] in ("48x256x64x256", "48x256x256x64"):
        return (1.0, None)  # attention's q·kᵀ and att·v batched GEMMs
    if bench == "GenerationBench.generate" and params["model"].startswith("gpt2:1x"):
        return (None, 0.5)  # batch-1 decode at half the memory bound
    if bench == "GptStepBench.step" and params["model"] == "gpt2:4x256":
        return (1.0, None)
    return None


def limit(bench, params, machine):
    """The machine limit a row is judged against: (name, value in the row's unit) or None.

    machine: {"streamCopy": GB/s, "streamRead": GB/s, "fmaPeak": GFLOP/s} measured in the same run.
    Memory-bound rows against the copy bandwidth; GEMM rows against the FMA peak; batch-1 decode
    against its memory bound in tokens/s (fp32 weights read once per token, from streamRead).
    """
    w = workload(bench, params)
    if bench in MEMORY_BOUND and "streamCopy" in machine:
        return ("copy bandwidth", machine["streamCopy"])
    if w.unit == "GFLOP/s" and bench != "MachineBench.fmaPeak" and "fmaPeak" in machine:
        return ("FMA peak", machine["fmaPeak"])
    if bench == "GenerationBench.generate" and params["model"].startswith("gpt2:1x") and "streamRead" in machine:
        return ("decode memory bound", machine["streamRead"] * 1e9 / (4.0 * GPT2_PARAMS))
    return None


@dataclass
class Workload:
    unit: str      # what a rate is shown in: GFLOP/s, GB/s, tokens/s, pairs/s, episodes/s
    per_op: float  # work per op in that unit's numerator (flop, byte, token, …), before scaling
    scale: float   # divide rate by this to print it (1e9 for GFLOP/s and GB/s)
    shape: str     # the shape as printed in the table


def dims(text):
    return [int(v) for v in text.split("x")]


def model_shape(text):
    """'gpt2:1x16+32' -> ('gpt2', batch 1, length 16, new 32)."""
    preset, rest = text.split(":")
    bt, _, new = rest.partition("+")
    b, t = dims(bt)
    return preset, b, t, int(new or 0)


def workload(bench, params):
    """Work of one op of `bench` ("Class.method") with JMH params {"shape": …} or {"model": …}."""
    cls, method = bench.split(".")
    if cls == "MatmulBench":
        d = dims(params["shape"])
        batch = d[0] if len(d) == 4 else 1
        m, k, n = d[-3:]
        return Workload("GFLOP/s", 2.0 * batch * m * k * n, 1e9, params["shape"])
    if cls == "CopyBench":
        r, c = dims(params["shape"])
        return Workload("GB/s", 8.0 * r * c, 1e9, params["shape"] + (" transposed" if method == "copyTransposed" else ""))
    if cls == "GeluBench":
        r, c = dims(params["shape"])
        return Workload("GB/s", (20.0 if method == "forwardBackward" else 8.0) * r * c, 1e9, params["shape"])
    if cls == "MachineBench":
        if method == "fmaPeak":  # compare.py adds lanes and the resolved thread count to params
            flops = 2.0 * int(params["lanes"]) * MACHINE_ACC * MACHINE_FMA_STEPS * int(params["threads"])
            return Workload("GFLOP/s", flops, 1e9, f"{params['threads']} threads x {params['lanes']} lanes")
        n = int(params["mb"]) * (1 << 20) / 4
        return Workload("GB/s", (8.0 if method == "streamCopy" else 4.0) * n, 1e9, params["mb"] + " MiB")
    if cls == "SoftmaxBench":
        r, v = dims(params["shape"])
        return Workload("GB/s", 8.0 * r * v, 1e9, params["shape"])
    if cls == "LayerNormBench":
        n, c = dims(params["shape"])
        return Workload("GB/s", (20.0 if method == "forwardBackward" else 8.0) * n * c, 1e9, params["shape"])
    if cls == "AttentionBench":
        b, h, t, d = dims(params["shape"])
        fwd = 4.0 * b * h * t * t * d / 2  # causal: half the scores
        return Workload("GFLOP/s", fwd if method == "forward" else 3.5 * fwd, 1e9, params["shape"] + " causal")
    if cls == "CrossEntropyBench":
        n, v = dims(params["shape"])
        return Workload("GB/s", (4.0 if method == "forward" else 12.0) * n * v, 1e9, params["shape"])
    if cls == "AdamWBench":
        p, e = dims(params["shape"])
        return Workload("GB/s", 28.0 * p * e, 1e9, params["shape"])
    if cls == "GptStepBench":
        _, b, t, _ = model_shape(params["model"])
        return Workload("tokens/s", float(b * t), 1, params["model"])
    if cls == "GenerationBench":
        _, b, _, new = model_shape(params["model"])
        return Workload("tokens/s", float(b * new), 1, params["model"])
    if cls == "PpoBench":
        return Workload("episodes/s", float(int(params.get("batch", "1"))), 1, "tiny, batch " + params.get("batch", "?"))
    if cls == "LabelerBench":
        return Workload("pairs/s", float(int(params.get("pairs", "1"))), 1, params.get("pairs", "?") + " pairs")
    return Workload("ops/s", 1.0, 1, ",".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "device"))


def target(bench, params):
    """The ratio this row must reach on the CPU, or None."""
    if params.get("device", "cpu") != "cpu":
        return None
    if bench == "GptStepBench.step":
        return CPU_TARGETS.get(bench + "@" + params["model"].split(":")[0])
    return CPU_TARGETS.get(bench)
