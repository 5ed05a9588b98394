package dev.plumbline.tensor.autograd;

import dev.plumbline.tensor.Tensor;

/**
 * One recorded op in the autograd graph: its name, its inputs and its gradient rule. A node is
 * attached to the op's output tensor ({@link Tensor#gradFn()}); backward frees it unless asked to
 * retain the graph.
 */
public final class Node {
    private final String op;
    private Tensor[] inputs;
    private GradRule rule;
    private final boolean[] needsGrad;

    Node(String op, Tensor[] inputs, GradRule rule, boolean[] needsGrad) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
        this.needsGrad = needsGrad;
    }

    /** Name of the op that produced the output ({@code "matmul"}, {@code "add"}…). */
    public String op() {
        return op;
    }

    /** The op's inputs (empty once freed). */
    public Tensor[] inputs() {
        return inputs == null ? new Tensor[0] : inputs.clone();
    }

    Tensor[] rawInputs() {
        return inputs;
    }

    boolean[] needsGrad() {
        return needsGrad;
    }

    boolean isFreed() {
        return rule == null;
    }

    GradRule rule() {
        return rule;
    }

    void free() {
        rule = null;
        inputs = null;
    }

    @Override
    public String toString() {
        return op;
    }
}
