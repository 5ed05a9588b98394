package dev.plumbline.tensor.autograd;

import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse-mode engine: {@link #record} attaches a {@link Node} to an op's output when grad mode
 * is on and an input requires grad; {@link #backward} sorts the graph topologically and propagates
 * gradients, accumulating ({@code +=}) into the {@code .grad} of leaves.
 */
public final class Autograd {
    private Autograd() {}

    /** Depth of backward passes running on this thread (gradient rules call ops that record). */
    private static final ThreadLocal<int[]> IN_BACKWARD = ThreadLocal.withInitial(() -> new int[1]);

    /** Whether ops record a graph on this thread (not inside {@link NoGrad}). */
    public static boolean isEnabled() {
        return !NoGrad.active();
    }

    /**
     * Records {@code out = op(inputs)} with its gradient rule when needed, runs the anomaly check,
     * and returns {@code out}. Call from every differentiable op, right after its forward.
     */
    public static Tensor record(String op, Tensor out, GradRule rule, Tensor... inputs) {
        // inside backward, the op a gradient rule calls is not the culprit: backward names the rule's op
        if (Anomaly.enabled() && IN_BACKWARD.get()[0] == 0) {
            checkFinite(out, "anomaly: op '" + op + "' produced", inputs);
        }
        if (!isEnabled()) {
            return out;
        }
        boolean any = false;
        boolean[] needs = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = inputs[i] != null && inputs[i].requiresGrad();
            any |= needs[i];
        }
        if (!any) {
            return out;
        }
        out.attachGradFn(new Node(op, inputs, rule, needs));
        return out;
    }

    /**
     * Backpropagates from {@code root}.
     *
     * @param root        the output to differentiate
     * @param grad        d(loss)/d(root), same shape; null means 1 and requires a one-element root
     * @param retainGraph keep the graph so that backward can run through it again
     */
    public static void backward(Tensor root, Tensor grad, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: tensor of shape " + Shape.str(root.shape())
                    + " does not require grad and has no grad_fn (call requiresGrad(true) on a leaf it depends on)");
        }
        if (grad == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: output of shape " + Shape.str(root.shape())
                        + " is not a scalar; pass its gradient explicitly: backward(gradient)");
            }
            grad = Tensor.onesLike(root);
        } else if (!java.util.Arrays.equals(grad.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + Shape.str(grad.shape())
                    + " differs from output shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, grad);
        IN_BACKWARD.get()[0]++;
        try (NoGrad ng = NoGrad.enter()) {
            for (Tensor t : order) {
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                Node node = t.gradFn();
                if (node == null) { // a leaf
                    accumulateLeaf(t, g);
                    continue;
                }
                if (node.isFreed()) {
                    throw new IllegalStateException("backward: trying to backward through the graph a second time "
                            + "(op '" + node.op() + "'): its saved tensors were freed by the first backward; "
                            + "pass retainGraph=true the first time");
                }
                Tensor[] inputs = node.rawInputs();
                Tensor[] gin = node.rule().apply(g, node.needsGrad());
                for (int i = 0; i < inputs.length; i++) {
                    if (!node.needsGrad()[i] || gin[i] == null) {
                        continue;
                    }
                    Tensor in = inputs[i];
                    Tensor gi = gin[i];
                    if (!java.util.Arrays.equals(gi.shape(), in.shape())) {
                        throw new IllegalStateException("internal: gradient rule of '" + node.op() + "' returned shape "
                                + Shape.str(gi.shape()) + " for input " + i + " of shape " + Shape.str(in.shape()));
                    }
                    if (Anomaly.enabled()) {
                        checkFinite(gi, "anomaly: backward of op '" + node.op() + "' produced, in the gradient of input "
                                + i + ",", inputs);
                    }
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gi : prev.add(gi));
                }
                if (!retainGraph) {
                    node.free();
                }
            }
        } finally {
            IN_BACKWARD.get()[0]--;
        }
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        Tensor existing = leaf.grad();
        if (existing == null) {
            // the gradient lives as long as its parameter, not in the step's scope
            try (Scope s = Scope.into(leaf.storage().owner())) {
                leaf.setGrad(g.dtype() == leaf.dtype() ? g.copyDetached() : g.to(leaf.dtype()));
            }
        } else {
            existing.add_(g);
        }
    }

    /** Tensors reachable from root through grad_fn edges, root first, each after all its consumers. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        List<Tensor> post = new ArrayList<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int i = (Integer) frame[1];
            Node n = t.gradFn();
            Tensor[] ins = n == null || n.isFreed() ? null : n.rawInputs();
            if (ins != null && i < ins.length) {
                frame[1] = i + 1;
                Tensor c = ins[i];
                if (c != null && n.needsGrad()[i] && visited.put(c, Boolean.TRUE) == null) {
                    stack.push(new Object[] {c, 0});
                }
            } else {
                stack.pop();
                post.add(t);
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }

    private static void checkFinite(Tensor t, String what, Tensor[] inputs) {
        if (!t.dtype().isFloatingPoint()) {
            return;
        }
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                StringBuilder shapes = new StringBuilder();
                for (Tensor in : inputs) {
                    if (shapes.length() > 0) {
                        shapes.append(", ");
                    }
                    shapes.append(in == null ? "null" : Shape.str(in.shape()));
                }
                throw new AnomalyException(what + " " + (Float.isNaN(v[i]) ? "NaN" : "Inf") + " at flat index " + i
                        + " of an output of shape " + Shape.str(t.shape()) + " (inputs: " + shapes + ")");
            }
        }
    }
}
