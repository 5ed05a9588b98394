package dev.plumbline.nn;

import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Converts GPT-2 weights between Hugging Face's layout and {@link GPT}'s, as pure
 * {@code Map<String, Tensor>} transforms (file IO is elsewhere).
 *
 * <p>Differences handled: HF's c_attn, c_proj and c_fc are {@code Conv1D} with weight (in, out), ours
 * are Linear (out, in), so those weights are transposed; HF names may carry a {@code transformer.}
 * prefix (GPT2LMHeadModel) or not (GPT2Model); HF may hold the buffers {@code h.N.attn.bias} and
 * {@code h.N.attn.masked_bias} (ignored) and {@code lm_head.weight} (tied: must equal wte, then dropped).
 *
 * <pre>{@code
 * gpt.loadStateDict(HuggingFaceGPT2.fromHuggingFace(safetensorsMap));
 * Map<String, Tensor> hf = HuggingFaceGPT2.toHuggingFace(gpt.stateDict(), true);
 * }</pre>
 */
public final class HuggingFaceGPT2 {
    private HuggingFaceGPT2() {}

    private static final String PREFIX = "transformer.";
    private static final String LM_HEAD = "lm_head.weight";
    private static final Pattern CONV1D = Pattern.compile("h\\.\\d+\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight");
    private static final Pattern BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    /**
     * HF names/layout → ours. Keys we do not know pass through unchanged (a strict
     * {@link Module#loadStateDict} then names them).
     *
     * @throws IllegalArgumentException if a Conv1D weight is not 2-D, or lm_head.weight differs from wte
     */
    public static Map<String, Tensor> fromHuggingFace(Map<String, Tensor> hf) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor lmHead = null;
        for (Map.Entry<String, Tensor> e : hf.entrySet()) {
            String name = e.getKey().startsWith(PREFIX) ? e.getKey().substring(PREFIX.length()) : e.getKey();
            Tensor t = e.getValue();
            if (BUFFER.matcher(name).matches()) {
                continue;
            }
            if (name.equals(LM_HEAD)) {
                lmHead = t;
                continue;
            }
            if (out.containsKey(name)) {
                throw new IllegalArgumentException("HuggingFaceGPT2: '" + name + "' appears both with and without the '"
                        + PREFIX + "' prefix");
            }
            out.put(name, CONV1D.matcher(name).matches() ? transposed(name, t) : t);
        }
        if (lmHead != null) {
            Tensor wte = out.get("wte.weight");
            if (wte == null || !Arrays.equals(wte.shape(), lmHead.shape())
                    || !Arrays.equals(wte.toFloatArray(), lmHead.toFloatArray())) {
                throw new IllegalArgumentException("HuggingFaceGPT2: lm_head.weight " + Shape.str(lmHead.shape())
                        + " is not tied to wte.weight" + (wte == null ? " (wte.weight missing)" : " " + Shape.str(wte.shape()))
                        + "; this GPT ties them and cannot load a separate output projection");
            }
        }
        return out;
    }

    /**
     * Ours → HF names/layout ({@code transformer.}-prefixed, Conv1D weights (in, out)), plus
     * {@code lm_head.weight} (= wte) when {@code withLmHead}.
     */
    public static Map<String, Tensor> toHuggingFace(Map<String, Tensor> ours, boolean withLmHead) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : ours.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            out.put(PREFIX + name, CONV1D.matcher(name).matches() ? transposed(name, t) : t.detach());
        }
        if (withLmHead) {
            Tensor wte = ours.get("wte.weight");
            if (wte == null) {
                throw new IllegalArgumentException("HuggingFaceGPT2: cannot write lm_head.weight: no wte.weight in the state");
            }
            out.put(LM_HEAD, wte.detach());
        }
        return out;
    }

    /** (a, b) → a contiguous detached (b, a) copy. */
    private static Tensor transposed(String name, Tensor t) {
        if (t.dim() != 2) {
            throw new IllegalArgumentException("HuggingFaceGPT2: " + name + " must be 2-D, got " + Shape.str(t.shape()));
        }
        try (NoGrad ng = NoGrad.enter()) {
            return t.detach().mT().contiguous();
        }
    }
}
