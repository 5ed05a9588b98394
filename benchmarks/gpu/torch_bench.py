"""PyTorch side of the GPU benchmark: the same ops and shapes as dev.plumbline.kernels.cuda.CudaBench.
Prints `op<TAB>shape<TAB>ms` lines, timed with CUDA events (mean over enough iterations)."""
import sys
import torch
import torch.nn.functional as F

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"


def timeit(fn):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    iters = 1
    while True:
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        for _ in range(iters):
            fn()
        e.record()
        torch.cuda.synchronize()
        ms = s.elapsed_time(e)
        if ms > 200 or iters >= 1000:
            return ms / iters
        iters *= 4


def row(op, shape, ms):
    print(f"{op}\t{shape}\t{ms:.4f}", flush=True)


n = 4096
a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
row("sgemm", "4096^3", timeit(lambda: a @ b))
ah, bh = a.bfloat16(), b.bfloat16()
row("bgemm", "4096^3", timeit(lambda: ah @ bh))
x = torch.randn(8192, 3072, device=dev)
y = torch.empty_like(x)
row("copy", "8192x3072", timeit(lambda: y.copy_(x)))
row("gelu", "8192x3072", timeit(lambda: F.gelu(x, approximate="tanh")))
xl = torch.randn(8192, 768, device=dev)
w, bb = torch.randn(768, device=dev), torch.randn(768, device=dev)
row("layernorm", "8192x768", timeit(lambda: F.layer_norm(xl, (768,), w, bb, 1e-5)))
xs = torch.randn(98304, 1024, device=dev)
row("softmax", "98304x1024", timeit(lambda: torch.softmax(xs, -1)))
p = torch.randn(124_000_000 // 4, device=dev, requires_grad=True)
p.grad = torch.randn_like(p)
opt = torch.optim.AdamW([p], lr=1e-4, weight_decay=0.1, fused=True)
row("adamw", "31M params", timeit(lambda: opt.step()))
q, k, v = (torch.randn(8, 12, 1024, 64, device=dev, requires_grad=True) for _ in range(3))
go = torch.randn(8, 12, 1024, 64, device=dev)


def attn():
    o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    o.backward(go)


row("attention_fwd_bwd", "8x12x1024x64", timeit(attn))
