package dev.plumbline.tensor.backend;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;

import java.util.List;

/**
 * The primitives a device must implement; every op of the engine (and every gradient rule) is
 * written in terms of these. The CPU backend is the reference implementation.
 *
 * <p>Conventions: output tensors are freshly allocated on this backend and <b>contiguous</b> unless
 * a method says otherwise; inputs may be any strided view (including stride-0 broadcast dims)
 * unless a method says "contiguous". Shapes are validated by the op layer before a backend is
 * called, so backends only assert. Shapes in comments use B batch, T time, C channels, V vocab.
 */
public interface Backend {

    /** The device this backend serves. */
    Device device();

    /** A short human-readable description (driver, device name) for logs. */
    default String describe() {
        return device().toString();
    }

    // ---- memory ---------------------------------------------------------------------------------

    /** Allocates storage for {@code numel} elements; contents are zero. */
    Storage allocate(DType dtype, long numel);

    /**
     * Allocates storage for {@code numel} elements whose contents are unspecified (a backend with a
     * caching allocator may hand back a reused buffer without clearing it); for outputs the caller
     * overwrites completely. The default clears, as {@link #allocate} does.
     */
    default Storage allocateUninitialized(DType dtype, long numel) {
        return allocate(dtype, numel);
    }

    /** Hands buffers held by this backend's caching allocator back to the system (no-op if none). */
    default void emptyCache() {}

    /** Copies host floats into a new F32 (or BF16, rounding) storage. */
    Storage upload(float[] data, DType dtype);

    /** Copies host ints into a new I32 storage. */
    Storage upload(int[] data);

    /** Reads {@code t} (any layout; F32 or BF16) into a new row-major host array. */
    float[] downloadFloats(Tensor t);

    /** Reads {@code t} (any layout; I32) into a new row-major host array. */
    int[] downloadInts(Tensor t);

    // ---- data movement --------------------------------------------------------------------------

    /** Sets every element of {@code out} (any layout) to {@code value}. */
    void fill(Tensor out, double value);

    /**
     * Copies {@code src} into {@code out} elementwise; both any layout, same shape ({@code src}
     * may be broadcast). Converts between F32, BF16 and I32 (F32→I32 truncates toward zero).
     */
    void copy(Tensor src, Tensor out);

    // ---- elementwise ----------------------------------------------------------------------------

    /** out = op(x; a, b); x any layout, out contiguous of x's shape. */
    void unary(UnaryOp op, Tensor x, float a, float b, Tensor out);

    /** out = op(x, y); x and y already broadcast (expanded) to out's shape. */
    void binary(BinaryOp op, Tensor x, Tensor y, Tensor out);

    /** out = cond != 0 ? x : y; all three expanded to out's shape. */
    void where(Tensor cond, Tensor x, Tensor y, Tensor out);

    // ---- reductions -----------------------------------------------------------------------------

    /**
     * Reduces {@code x} over {@code dims} (sorted, distinct). {@code out} is contiguous with x's
     * rank and size 1 in the reduced dims; I32 for ARGMAX/ARGMIN (index within the reduced dims,
     * row-major), else F32.
     */
    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out);

    // ---- matmul ---------------------------------------------------------------------------------

    /**
     * Batched matrix product: a (..., M, K) @ b (..., K, N) → out (..., M, N). Batch dims of a and b
     * are already broadcast to out's; a and b may be transposed or otherwise strided views.
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    // ---- indexing -------------------------------------------------------------------------------

    /** Row gather: out[i, :] = table[idx[i], :]; table (V, C) contiguous, idx (N) I32, out (N, C). */
    void indexSelect(Tensor table, Tensor idx, Tensor out);

    /** Row scatter-add: out[idx[i], :] += src[i, :]; out (V, C) contiguous, idx (N), src (N, C). */
    void indexAdd(Tensor out, Tensor idx, Tensor src);

    /** Last-dim gather: out[r, j] = x[r, idx[r, j]]; x (R, V), idx (R, K) I32, out (R, K). */
    void gather(Tensor x, Tensor idx, Tensor out);

    /** Last-dim scatter-add: out[r, idx[r, j]] += src[r, j]; out (R, V), idx (R, K), src (R, K). */
    void scatterAdd(Tensor out, Tensor idx, Tensor src);

    // ---- random ---------------------------------------------------------------------------------

    /**
     * Fills contiguous F32 {@code out} with draw elements 0..n-1 of the Philox stream (seed, offset),
     * mapped to {@code kind} with parameters a, b as {@code Philox} specifies.
     */
    void random(Tensor out, RandomKind kind, long seed, long offset, float a, float b);

    // ---- fused hot paths (inputs contiguous) ----------------------------------------------------

    /** Softmax (or log-softmax) over the last dim: x (R, V) → out (R, V). */
    void softmax(Tensor x, boolean log, Tensor out);

    /**
     * Softmax backward given its output y: gx = y ⊙ (gy − Σ gy⊙y) for softmax, or
     * gx = gy − exp(y)·Σ gy for log-softmax; all (R, V).
     */
    void softmaxBackward(Tensor y, Tensor gy, boolean log, Tensor gx);

    /**
     * Cross-entropy per row without materialising probabilities: logits (N, V), targets (N) I32 →
     * loss (N) = lse − logit[target] (0 where target == ignoreIndex), lse (N) = log Σ exp(logits).
     */
    void crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor lse);

    /**
     * gLogits (N, V) = gLoss[n] · (softmax(logits[n]) − onehot(target[n])), rows with
     * target == ignoreIndex get zero.
     */
    void crossEntropyBackward(Tensor logits, Tensor targets, int ignoreIndex, Tensor lse, Tensor gLoss,
                              Tensor gLogits);

    /**
     * LayerNorm over the last dim: x (N, C), weight/bias (C) or null → out (N, C), mean (N),
     * rstd (N) = 1/√(var + eps) (biased variance).
     */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd);

    /** LayerNorm backward: gx (N, C); gWeight, gBias (C) (null when not wanted) are overwritten. */
    void layerNormBackward(Tensor gy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gx,
                           Tensor gWeight, Tensor gBias);

    /**
     * Scaled dot-product attention: q (B, H, Tq, D), k and v (B, H, Tk, D), keyMask (B, Tk) F32 with
     * 1 = attend / 0 = masked, or null. With {@code causal}, query i sits at position Tk − Tq + i and
     * sees keys 0..that position. Writes out (B, H, Tq, D) and the row log-sum-exp lse (B, H, Tq) of
     * the scaled, masked scores (rows with no visible key output zeros, lse = −∞).
     */
    void attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale, Tensor out,
                   Tensor lse);

    /** Attention backward from the saved out and lse; writes gq, gk, gv (same shapes as q, k, v). */
    void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale,
                           Tensor out, Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv);

    /**
     * One AdamW step on each (param, grad, m, v) quadruple, in place, PyTorch semantics:
     * p ← p − lr·wd·p; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
     * p ← p − lr · (m / bc1) / (√(v / bc2) + eps), where bc1 = 1−β1ᵗ and bc2 = 1−β2ᵗ.
     * All tensors contiguous F32; {@code weightDecay} is per parameter.
     */
    void adamw(List<Tensor> params, List<Tensor> grads, List<Tensor> m, List<Tensor> v, float lr,
               float beta1, float beta2, float eps, float[] weightDecay, float bc1, float bc2);

    /** Blocks until queued work is done (no-op for synchronous backends). */
    default void synchronize() {}
}
