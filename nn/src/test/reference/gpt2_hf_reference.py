#!/usr/bin/env python3
# GPT-2 forward in PyTorch, written from Hugging Face's GPT2LMHeadModel math, reading and writing
# safetensors by hand (no `transformers`, no `safetensors`, no numpy needed): the independent
# reference for dev.plumbline.nn.HuggingFaceGPT2ReferenceTest. Computes in float64.
"""GPT-2 reference (Hugging Face layout) for Plumbline's compatibility test.

Model math (HF GPT2LMHeadModel, eval mode, no dropout):
    h = wte[ids] + wpe[0..T-1]
    per block:  a = ln_1(h); qkv = a @ c_attn.W + c_attn.b      (Conv1D: W is (in, out))
                q, k, v split on the last dim, heads H, D = C / H
                att = softmax(q k^T / sqrt(D) + causal mask) v ; h += att @ attn.c_proj.W + b
                m = ln_2(h); h += gelu_new(m @ c_fc.W + b) @ mlp.c_proj.W + b
    logits = ln_f(h) @ wte^T                                     (lm_head tied to wte)
gelu_new(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); LayerNorm eps 1e-5.

Names may carry the GPT2LMHeadModel prefix "transformer." or not (GPT2Model / hub files);
"h.N.attn.bias" / "masked_bias" buffers and "lm_head.weight" are accepted and ignored.

Usage:
    gpt2_hf_reference.py logits  WEIGHTS.safetensors IDS.json N_HEAD OUT.safetensors
        IDS.json holds [[id, ...], ...] (B rows of equal length T); OUT gets "logits" F32 (B, T, V).
    gpt2_hf_reference.py folder  DIR IDS.json OUT.safetensors
        DIR is a Hugging Face model folder (config.json, model.safetensors with format=pt metadata,
        vocab.json, merges.txt): the dimensions come from config.json, as from_pretrained reads them.
    gpt2_hf_reference.py score   DIR IDS.json OUT.safetensors
        DIR is a one-label GPT2ForSequenceClassification folder; OUT gets "scores" (B) read at each
        row's last position (transformers' rule when pad_token_id is None).
    gpt2_hf_reference.py random  OUT.safetensors SEED VOCAB N_POSITIONS N_LAYER N_EMBD
        writes random HF-layout weights (hub-file style: no prefix, attn.bias buffers, no lm_head),
        every tensor non-trivial (LN gains 1 + N(0, .1), biases N(0, .05), weights N(0, .1)).

Example:
    python3 gpt2_hf_reference.py random /tmp/w.safetensors 7 67 32 2 32
    echo '[[1, 2, 3]]' > /tmp/ids.json
    python3 gpt2_hf_reference.py logits /tmp/w.safetensors /tmp/ids.json 4 /tmp/out.safetensors
"""
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I32": torch.int32, "I64": torch.int64}
NAMES = {v: k for k, v in DTYPES.items()}


def read_safetensors(path):
    """{name: tensor} from a safetensors file: u64 LE header length, JSON header, LE data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        shape = info["shape"]
        if end == begin:
            t = torch.zeros(shape, dtype=dtype)
        else:
            t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(shape).clone()
        assert t.numel() * t.element_size() == end - begin, f"{name}: {end - begin} bytes for shape {shape}"
        out[name] = t
    return out


def read_safetensors_header(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n).decode("utf-8"))


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} (F32, F64 or I32) in dict order, little-endian."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        fmt = {torch.float32: "f", torch.int32: "i", torch.float64: "d"}[t.dtype]   # numpy-free
        b = struct.pack("<%d%s" % (t.numel(), fmt), *t.flatten().tolist())
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)


def strip(weights):
    """Drops the 'transformer.' prefix, buffers and lm_head (checking it is tied); float64."""
    w = {}
    for k, t in weights.items():
        k = k[len("transformer."):] if k.startswith("transformer.") else k
        if k.endswith(".attn.bias") or k.endswith(".attn.masked_bias"):
            continue
        w[k] = t.to(torch.float64)
    lm = w.pop("lm_head.weight", None)
    if lm is not None:
        assert torch.equal(lm, w["wte.weight"]), "lm_head.weight is not tied to wte.weight"
    return w


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def conv1d(x, w, b):
    # HF Conv1D: weight (in, out)
    return x @ w + b


def forward(w, ids, n_head, eps=1e-5, hidden_only=False):
    """ids: (B, T) int64 -> logits (B, T, V) float64 (or the final hidden states (B, T, C))."""
    n_layer = len({k.split(".")[1] for k in w if k.startswith("h.")})
    B, T = ids.shape
    C = w["wte.weight"].shape[1]
    D = C // n_head
    assert D * n_head == C, f"n_embd {C} not divisible by n_head {n_head}"
    h = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(T)]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(n_layer):
        p = f"h.{i}."
        a = layer_norm(h, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = conv1d(a, w[p + "attn.c_attn.weight"], w[p + "attn.c_attn.bias"])
        q, k, v = qkv.split(C, dim=-1)
        q, k, v = (z.view(B, T, n_head, D).transpose(1, 2) for z in (q, k, v))  # (B, H, T, D)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        s = s.masked_fill(~causal, float("-inf"))
        att = torch.softmax(s, dim=-1) @ v                                  # (B, H, T, D)
        att = att.transpose(1, 2).reshape(B, T, C)
        h = h + conv1d(att, w[p + "attn.c_proj.weight"], w[p + "attn.c_proj.bias"])
        m = layer_norm(h, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = gelu_new(conv1d(m, w[p + "mlp.c_fc.weight"], w[p + "mlp.c_fc.bias"]))
        h = h + conv1d(m, w[p + "mlp.c_proj.weight"], w[p + "mlp.c_proj.bias"])
    h = layer_norm(h, w["ln_f.weight"], w["ln_f.bias"], eps)
    return h if hidden_only else h @ w["wte.weight"].T


def random_weights(seed, vocab, n_pos, n_layer, c):
    g = torch.Generator().manual_seed(seed)

    def n(*shape, std=0.1, mean=0.0):
        return (mean + std * torch.randn(*shape, generator=g, dtype=torch.float64)).to(torch.float32)

    w = {"wte.weight": n(vocab, c), "wpe.weight": n(n_pos, c)}
    for i in range(n_layer):
        p = f"h.{i}."
        w[p + "ln_1.weight"] = n(c, mean=1.0)
        w[p + "ln_1.bias"] = n(c, std=0.05)
        w[p + "attn.bias"] = torch.tril(torch.ones(n_pos, n_pos)).view(1, 1, n_pos, n_pos)
        w[p + "attn.c_attn.weight"] = n(c, 3 * c)
        w[p + "attn.c_attn.bias"] = n(3 * c, std=0.05)
        w[p + "attn.c_proj.weight"] = n(c, c)
        w[p + "attn.c_proj.bias"] = n(c, std=0.05)
        w[p + "ln_2.weight"] = n(c, mean=1.0)
        w[p + "ln_2.bias"] = n(c, std=0.05)
        w[p + "mlp.c_fc.weight"] = n(c, 4 * c)
        w[p + "mlp.c_fc.bias"] = n(4 * c, std=0.05)
        w[p + "mlp.c_proj.weight"] = n(4 * c, c)
        w[p + "mlp.c_proj.bias"] = n(c, std=0.05)
    w["ln_f.weight"] = n(c, mean=1.0)
    w["ln_f.bias"] = n(c, std=0.05)
    return w


def read_ids(path):
    """[[id, ...], ...] (B rows of equal length) -> (B, T) int64."""
    with open(path) as f:
        return torch.tensor(json.load(f), dtype=torch.int64)


def main(argv):
    if len(argv) == 5 and argv[0] == "logits":
        weights = strip(read_safetensors(argv[1]))
        ids = read_ids(argv[2])
        with torch.no_grad():
            logits = forward(weights, ids, int(argv[3]))
        write_safetensors(argv[4], {"logits": logits.to(torch.float32)}, {"producer": "gpt2_hf_reference.py"})
        return 0
    if len(argv) == 4 and argv[0] == "folder":
        # what transformers' GPT2LMHeadModel.from_pretrained(DIR) reads and checks, by hand
        d = argv[1]
        with open(d + "/config.json") as f:
            cfg = json.load(f)
        assert cfg["model_type"] == "gpt2", cfg.get("model_type")
        assert cfg.get("activation_function", "gelu_new") == "gelu_new", cfg.get("activation_function")
        assert cfg.get("tie_word_embeddings", True), "untied"
        raw = read_safetensors_header(d + "/model.safetensors")
        assert raw.get("__metadata__", {}).get("format") == "pt", "transformers needs metadata format=pt"
        for tok_file in ("vocab.json", "merges.txt"):
            with open(d + "/" + tok_file, "rb"):
                pass
        weights = strip(read_safetensors(d + "/model.safetensors"))
        C = cfg["n_embd"]
        assert weights["wte.weight"].shape == (cfg["vocab_size"], C), weights["wte.weight"].shape
        assert weights["wpe.weight"].shape == (cfg["n_positions"], C), weights["wpe.weight"].shape
        assert len({k.split(".")[1] for k in weights if k.startswith("h.")}) == cfg["n_layer"]
        ids = read_ids(argv[2])
        with torch.no_grad():
            logits = forward(weights, ids, cfg["n_head"], cfg.get("layer_norm_epsilon", 1e-5))
        write_safetensors(argv[3], {"logits": logits.to(torch.float32)}, {"producer": "gpt2_hf_reference.py"})
        return 0
    if len(argv) == 4 and argv[0] == "score":
        # GPT2ForSequenceClassification, one label, pad_token_id None: score.weight @ h at the last position
        d = argv[1]
        with open(d + "/config.json") as f:
            cfg = json.load(f)
        assert "GPT2ForSequenceClassification" in cfg["architectures"], cfg["architectures"]
        assert cfg.get("pad_token_id") is None
        raw = read_safetensors(d + "/model.safetensors")
        score = raw.pop("score.weight").to(torch.float64)
        assert score.shape == (1, cfg["n_embd"]), score.shape
        weights = strip(raw)
        ids = read_ids(argv[2])
        with torch.no_grad():
            h = forward(weights, ids, cfg["n_head"], cfg.get("layer_norm_epsilon", 1e-5), hidden_only=True)
            scores = (h[:, -1, :] @ score.T)[:, 0]
        write_safetensors(argv[3], {"scores": scores.to(torch.float32)}, {"producer": "gpt2_hf_reference.py"})
        return 0
    if len(argv) == 7 and argv[0] == "random":
        seed, vocab, n_pos, n_layer, c = (int(a) for a in argv[2:])
        write_safetensors(argv[1], random_weights(seed, vocab, n_pos, n_layer, c), {"format": "pt"})
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
