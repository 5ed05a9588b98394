package dev.plumbline.tensor.ops;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.FlopCounter;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.Autograd;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.random.Generator;

/**
 * Fused ops for the hot paths — softmax, log-softmax, cross-entropy, log-probs of chosen ids,
 * layer norm, attention, dropout — each a single backend call forward and backward, with its
 * gradient rule here beside it.
 */
public final class Fused {
    private Fused() {}

    /** Moves dim to the end and flattens to (R, V) contiguous; returns the permutation used. */
    private static Tensor rowsLast(Tensor x, int d) {
        Tensor t = d == x.dim() - 1 ? x : x.transpose(d, -1);
        return t.contiguous();
    }

    // ---- softmax ------------------------------------------------------------------------------------

    /** Softmax over dim. */
    public static Tensor softmax(Tensor x, int dim) {
        return softmaxImpl(x, dim, false);
    }

    /** Log-softmax over dim. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return softmaxImpl(x, dim, true);
    }

    private static Tensor softmaxImpl(Tensor x, int dim, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        Elementwise.requireFloat(name, x);
        if (x.dim() == 0) {
            Shape.dim(name, dim, 1);     // a 0-d tensor takes dim 0 or -1, as in PyTorch
            return softmaxImpl(x.reshape(1), -1, log).reshape();   // 0-d in, 0-d out
        }
        int d = Shape.dim(name, dim, x.dim());
        if (d != x.dim() - 1) {
            // the kernel runs along the last dim; the result comes back in x's own (contiguous) layout
            return softmaxImpl(x.transpose(d, -1), -1, log).transpose(d, -1).contiguous();
        }
        Tensor in = x.contiguous();
        Tensor out = Tensor.empty(x.device(), DType.F32, x.shape());
        x.backend().softmax(in, log, out);
        return Autograd.record(name, out, (g, n) -> {
            Tensor gx = Tensor.empty(g.device(), DType.F32, g.shape());
            g.backend().softmaxBackward(out, g.contiguous(), log, gx);
            return new Tensor[] {gx};
        }, in);
    }

    // ---- cross-entropy --------------------------------------------------------------------------------

    /** Per-row losses lse − logit[target] for logits (N, V), targets (N); recorded. */
    private static Tensor crossEntropyRows(String name, Tensor logits2, Tensor targets1, int ignoreIndex) {
        int n = logits2.size(0);
        Tensor loss = Tensor.empty(logits2.device(), DType.F32, n);
        Tensor lse = Tensor.empty(logits2.device(), DType.F32, n);
        logits2.backend().crossEntropy(logits2, targets1, ignoreIndex, loss, lse);
        return Autograd.record(name, loss, (g, nd) -> {
            Tensor gl = Tensor.empty(g.device(), DType.F32, logits2.shape());
            g.backend().crossEntropyBackward(logits2, targets1, ignoreIndex, lse, g.contiguous(), gl);
            return new Tensor[] {gl, null};
        }, logits2, targets1);
    }

    private static void checkTargets(String name, Tensor logits, Tensor targets) {
        Elementwise.requireFloat(name, logits);
        Elementwise.sameDevice(name, logits, targets);
        if (targets.dtype() != DType.I32) {
            throw new IllegalArgumentException(name + ": targets must be I32 class ids, got " + targets.dtype());
        }
        int[] ls = logits.shape();
        int[] ts = targets.shape();
        if (ls.length == 0 || !java.util.Arrays.equals(java.util.Arrays.copyOf(ls, ls.length - 1), ts)) {
            throw new IllegalArgumentException(name + ": targets shape " + Shape.str(ts) + " must equal logits shape "
                    + Shape.str(ls) + " without its last (class) dim");
        }
    }

    /**
     * Mean cross-entropy of logits (..., V) against I32 targets (...), over targets ≠ ignoreIndex
     * (PyTorch's {@code ignore_index}, default −100). Probabilities are never materialised.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        checkTargets("crossEntropy", logits, targets);
        int v = logits.size(-1);
        Tensor l2 = logits.reshape(-1, v).contiguous();
        Tensor t1 = targets.reshape(-1).contiguous();
        Tensor rows = crossEntropyRows("crossEntropy", l2, t1, ignoreIndex);
        Tensor valid = t1.ne(Tensor.full(t1.device(), DType.I32, ignoreIndex)).sum();
        return rows.sum().div(valid.clampMin(1f));
    }

    /**
     * log p(ids) under softmax(logits): logits (..., V), ids (...) I32 → (...). The PPO log-prob;
     * its gradient is onehot − softmax, computed without a (…, V) log-softmax tensor.
     */
    public static Tensor gatherLogProbs(Tensor logits, Tensor ids) {
        checkTargets("gatherLogProbs", logits, ids);
        int v = logits.size(-1);
        Tensor rows = crossEntropyRows("gatherLogProbs", logits.reshape(-1, v).contiguous(), ids.reshape(-1).contiguous(),
                Integer.MIN_VALUE);
        return rows.neg().reshape(ids.shape());
    }

    // ---- layer norm ---------------------------------------------------------------------------------

    /** LayerNorm over the last dim: (x − mean)/√(var + eps) · weight + bias. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        Elementwise.requireFloat("layerNorm", x);
        int c = x.size(-1);
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && (p.dim() != 1 || p.size(0) != c)) {
                throw new IllegalArgumentException("layerNorm: weight/bias shape " + Shape.str(p.shape())
                        + " does not match the normalised dim " + c + " of input " + Shape.str(x.shape()));
            }
        }
        Tensor x2 = x.reshape(-1, c).contiguous();
        int n = x2.size(0);
        Tensor out = Tensor.empty(x.device(), DType.F32, n, c);
        Tensor mean = Tensor.empty(x.device(), DType.F32, n);
        Tensor rstd = Tensor.empty(x.device(), DType.F32, n);
        Tensor w = weight == null ? null : weight.contiguous();
        Tensor b = bias == null ? null : bias.contiguous();
        x.backend().layerNorm(x2, w, b, eps, out, mean, rstd);
        Tensor rec = Autograd.record("layerNorm", out, (g, nd) -> {
            Tensor gx = Tensor.empty(g.device(), DType.F32, n, c);
            Tensor gw = nd[1] ? Tensor.empty(g.device(), DType.F32, c) : null;
            Tensor gb = nd[2] ? Tensor.empty(g.device(), DType.F32, c) : null;
            g.backend().layerNormBackward(g.contiguous(), x2, w, mean, rstd, gx, gw, gb);
            return new Tensor[] {gx, gw, gb};
        }, x2, w, b);
        return rec.reshape(x.shape());
    }

    // ---- attention ----------------------------------------------------------------------------------

    /**
     * Scaled dot-product attention softmax(q·kᵀ·scale + mask)·v without a T×T matrix in memory.
     * Adds 4·D FLOPs per visible query–key pair (10·D more in backward) to the {@link FlopCounter}.
     *
     * @param q       (B, H, Tq, D)
     * @param k       (B, H, Tk, D)
     * @param v       (B, H, Tk, D)
     * @param keyMask (B, Tk), 1 = attend, 0 = padding; or null
     * @param causal  query i (at position Tk − Tq + i) sees only keys at positions ≤ its own
     * @param scale   usually 1/√D
     * @return (B, H, Tq, D)
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale) {
        for (Tensor t : new Tensor[] {q, k, v}) {
            Elementwise.requireFloat("attention", t);
            Elementwise.sameDevice("attention", q, t);
            if (t.dim() != 4) {
                throw new IllegalArgumentException("attention: q, k, v must be (B, H, T, D), got q " + Shape.str(q.shape())
                        + " k " + Shape.str(k.shape()) + " v " + Shape.str(v.shape()));
            }
        }
        int bsz = q.size(0), h = q.size(1), tq = q.size(2), d = q.size(3), tk = k.size(2);
        if (k.size(0) != bsz || k.size(1) != h || k.size(3) != d || !java.util.Arrays.equals(k.shape(), v.shape())) {
            throw new IllegalArgumentException("attention: shapes do not agree: q " + Shape.str(q.shape()) + " k "
                    + Shape.str(k.shape()) + " v " + Shape.str(v.shape()));
        }
        if (causal && tq > tk) {
            throw new IllegalArgumentException("attention: causal with more queries (" + tq + ") than keys (" + tk + ")");
        }
        Tensor mask = null;
        if (keyMask != null) {
            if (keyMask.dim() != 2 || keyMask.size(0) != bsz || keyMask.size(1) != tk) {
                throw new IllegalArgumentException("attention: keyMask must be (B, Tk) = [" + bsz + ", " + tk + "], got "
                        + Shape.str(keyMask.shape()));
            }
            mask = keyMask.dtype() == DType.F32 ? keyMask.detach().contiguous() : keyMask.detach().to(DType.F32);
        }
        Tensor qc = q.contiguous(), kc = k.contiguous(), vc = v.contiguous();
        Tensor out = Tensor.empty(q.device(), DType.F32, bsz, h, tq, d);
        Tensor lse = Tensor.empty(q.device(), DType.F32, bsz, h, tq);
        q.backend().attention(qc, kc, vc, mask, causal, scale, out, lse);
        // visible (query, key) pairs × D: forward is q·k and p·v (4·D), backward recomputes q·k and
        // does four products (10·D); see FlopCounter for why causal counts only the lower triangle
        long pairsTimesD = (long) bsz * h * visiblePairs(causal, tq, tk) * d;
        FlopCounter.add(4 * pairsTimesD);
        Tensor m = mask;
        return Autograd.record("attention", out, (g, nd) -> {
            Tensor gq = Tensor.empty(g.device(), DType.F32, qc.shape());
            Tensor gk = Tensor.empty(g.device(), DType.F32, kc.shape());
            Tensor gv = Tensor.empty(g.device(), DType.F32, vc.shape());
            g.backend().attentionBackward(qc, kc, vc, m, causal, scale, out, lse, g.contiguous(), gq, gk, gv);
            FlopCounter.add(10 * pairsTimesD); // the backend call is not a matmul op, so count it here
            return new Tensor[] {gq, gk, gv};
        }, qc, kc, vc);
    }

    /**
     * Query–key pairs one (batch, head) of attention computes: all {@code Tq·Tk}, or with causal
     * masking those with key position ≤ query position (query i sits at Tk − Tq + i).
     */
    static long visiblePairs(boolean causal, int tq, int tk) {
        return causal ? (long) tq * (tk - tq) + (long) tq * (tq + 1) / 2 : (long) tq * tk;
    }

    // ---- dropout ------------------------------------------------------------------------------------

    /** Inverted dropout with a Philox mask (same seed → same mask on every backend). */
    public static Tensor dropout(Tensor x, float p, boolean training, Generator gen) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0f);
        }
        Tensor keep = Tensor.random(x.device(), gen, RandomKind.BERNOULLI, 1 - p, 0, x.shape());
        return x.mul(keep.mul(1f / (1 - p)));
    }
}
