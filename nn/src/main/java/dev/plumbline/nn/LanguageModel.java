package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;

/** A causal language model: token ids in, next-token logits out. GPT implements it. */
public interface LanguageModel {
    /**
     * Next-token logits for every position.
     *
     * @param ids (B, T) I32 token ids
     * @return (B, T, V) F32 logits
     */
    Tensor logits(Tensor ids);

    /** Vocabulary size V. */
    int vocabSize();

    /** Maximum sequence length T the model accepts. */
    int contextLength();
}
