// Optimizer: the base of AdamW and SGD — parameter groups, per-parameter state tensors kept outside
// every Scope, learning-rate control, zeroGrad, and a state dict that resumes training exactly.
package dev.plumbline.nn.optim;

import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Updates parameters from their gradients, like {@code torch.optim.Optimizer}.
 *
 * <pre>{@code
 * AdamW opt = new AdamW(model);                 // lr 1e-3, weight decay 0.01 on decay() params
 * for (int step = 0; step < steps; step++) {
 *     try (Scope s = Scope.open()) {
 *         opt.zeroGrad();
 *         model.logits(ids).crossEntropy(targets).backward();
 *         opt.step();
 *     }
 * }
 * Map<String, Tensor> saved = opt.stateDict();  // later: opt.loadStateDict(saved)
 * }</pre>
 *
 * <p>State-dict keys: {@code "state.<param name>.<slot>"} for per-parameter tensors (e.g.
 * {@code state.fc.weight.exp_avg}), {@code "optim.step"} (I32 [1], number of {@link #step()} calls)
 * and {@code "optim.group.<i>.lr"} (F32 [1]). Hyperparameters other than the learning rate come
 * from the constructor, as in PyTorch they come from the code that builds the optimizer.
 */
public abstract class Optimizer {
    static final String STATE_PREFIX = "state.";
    static final String STEP_KEY = "optim.step";

    private final List<ParamGroup> groups;
    /** param name → slot name → state tensor (owned by no scope). */
    private final Map<String, Map<String, Tensor>> state = new LinkedHashMap<>();
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private long stepCount;

    /** @param groups parameter groups; a parameter may appear only once across all of them */
    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups given");
        }
        this.groups = Collections.unmodifiableList(new ArrayList<>(groups));
        IdentityHashMap<Parameter, String> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) {
            for (Map.Entry<String, Parameter> e : g.namedParams().entrySet()) {
                String prev = seen.put(e.getValue(), e.getKey());
                if (prev != null || byName.containsKey(e.getKey())) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + e.getKey()
                            + "' appears more than once" + (prev != null && !prev.equals(e.getKey()) ? " (also as '" + prev + "')" : ""));
                }
                byName.put(e.getKey(), e.getValue());
            }
        }
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        // temporaries die with the scope; state tensors are created detached by newState()
        try (NoGrad ng = NoGrad.enter(); Scope s = Scope.open()) {
            update();
        }
        stepCount++;
    }

    /** One update of every group; runs under NoGrad inside a scope that frees temporaries. */
    protected abstract void update();

    /** The per-parameter state slots this optimizer keeps (e.g. exp_avg, exp_avg_sq). */
    protected abstract Set<String> slotNames();

    /** Number of completed {@link #step()} calls (restored by {@link #loadStateDict}). */
    public long stepCount() {
        return stepCount;
    }

    /**
     * Clears every gradient (PyTorch's {@code set_to_none=True}) and frees its storage now rather
     * than at garbage collection, so memory stays flat across steps. Do not keep references to
     * gradient tensors across this call.
     */
    public void zeroGrad() {
        for (Parameter p : byName.values()) {
            Tensor g = p.grad();
            if (g != null) {
                p.zeroGrad();
                if (g.storage() != p.data().storage()) {
                    g.storage().free();
                }
            }
        }
    }

    /** The parameter groups. */
    public List<ParamGroup> groups() {
        return groups;
    }

    /** The learning rate of the first group. */
    public double lr() {
        return groups.get(0).lr();
    }

    /** Sets every group's learning rate to {@code lr}. */
    public void setLr(double lr) {
        checkNonNegative("learning rate", lr);
        for (ParamGroup g : groups) {
            g.setLr(lr);
        }
    }

    /** Sets each group's learning rate to {@code factor × its base lr} (what schedules do). */
    public void setLrFactor(double factor) {
        checkNonNegative("learning-rate factor", factor);
        for (ParamGroup g : groups) {
            g.setLr(g.baseLr() * factor);
        }
    }

    /** The state tensor in {@code slot} for the named parameter, or null before its first update. */
    public Tensor state(String paramName, String slot) {
        Map<String, Tensor> s = state.get(paramName);
        return s == null ? null : s.get(slot);
    }

    /** Stores a state tensor (must be owned by no scope; see {@link #newState}). */
    protected void putState(String paramName, String slot, Tensor t) {
        state.computeIfAbsent(paramName, k -> new LinkedHashMap<>()).put(slot, t);
    }

    /**
     * A zero tensor shaped like {@code p}, on its device, owned by no scope: it outlives the step's
     * scope as long as the optimizer holds it.
     */
    protected static Tensor newState(Parameter p) {
        Tensor t;
        try (Scope s = Scope.detached()) {
            t = Tensor.zerosLike(p.data().detach());
        }
        return Scope.escape(t);
    }

    /**
     * Every state tensor (shared, not copied) and the scalars needed to resume exactly. Subclasses
     * that keep extra scalars add them by overriding and calling super.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(STEP_KEY, Tensor.fromArray(new int[] {Math.toIntExact(stepCount)}, 1));
        for (int i = 0; i < groups.size(); i++) {
            out.put("optim.group." + i + ".lr", Tensor.fromArray(new float[] {(float) groups.get(i).lr()}, 1));
        }
        state.forEach((name, slots) -> slots.forEach((slot, t) -> out.put(STATE_PREFIX + name + "." + slot, t)));
        return out;
    }

    /**
     * Restores a {@link #stateDict()} (from any device; values are copied onto each parameter's
     * device). Every problem is listed in one message before anything is changed.
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>();
        Map<String, Map<String, Tensor>> incoming = new LinkedHashMap<>();
        Set<String> slots = slotNames();
        if (!dict.containsKey(STEP_KEY)) {
            problems.add("missing key " + STEP_KEY);
        }
        for (int i = 0; i < groups.size(); i++) {
            if (!dict.containsKey("optim.group." + i + ".lr")) {
                problems.add("missing key optim.group." + i + ".lr (state has a different number of groups?)");
            }
        }
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            if (key.equals(STEP_KEY) || key.matches("optim\\.group\\.\\d+\\.lr") && groupIndex(key) < groups.size()
                    || isExtraKey(key)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            if (!key.startsWith(STATE_PREFIX) || dot <= STATE_PREFIX.length()) {
                unexpected.add(key);
                continue;
            }
            String name = key.substring(STATE_PREFIX.length(), dot);
            String slot = key.substring(dot + 1);
            Parameter p = byName.get(name);
            if (p == null || !slots.contains(slot)) {
                unexpected.add(key);
            } else if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                problems.add(key + ": state " + Shape.str(e.getValue().shape()) + " vs parameter " + Shape.str(p.shape()));
            } else if (!e.getValue().dtype().isFloatingPoint()) {
                problems.add(key + ": state is " + e.getValue().dtype() + ", expected a floating-point tensor");
            } else {
                incoming.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(slot, e.getValue());
            }
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected keys " + unexpected);
        }
        problems.addAll(checkExtra(dict));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: state does not match this optimizer:\n  "
                    + String.join("\n  ", problems));
        }
        // commit: free the old state, copy the new onto each parameter's device
        for (Map<String, Tensor> slotsOld : state.values()) {
            for (Tensor t : slotsOld.values()) {
                t.storage().free();
            }
        }
        state.clear();
        try (NoGrad ng = NoGrad.enter()) {
            incoming.forEach((name, m) -> m.forEach((slot, src) -> {
                Tensor t = newState(byName.get(name));
                t.copy_(src);
                putState(name, slot, t);
            }));
        }
        stepCount = dict.get(STEP_KEY).toIntArray()[0];
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(dict.get("optim.group." + i + ".lr").toFloatArray()[0]);
        }
        loadExtra(dict);
    }

    private static int groupIndex(String key) {
        return Integer.parseInt(key.split("\\.")[2]);
    }

    /** Whether a non-"state." key belongs to the subclass's extra scalars. */
    protected boolean isExtraKey(String key) {
        return false;
    }

    /** Problems with the subclass's extra keys (empty when fine). */
    protected List<String> checkExtra(Map<String, Tensor> dict) {
        return List.of();
    }

    /** Restores the subclass's extra scalars after validation passed. */
    protected void loadExtra(Map<String, Tensor> dict) {}

    /** Every parameter by name, across groups. */
    protected Map<String, Parameter> namedParameters() {
        return byName;
    }

    static void checkNonNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("invalid " + what + ": " + v + " (must be finite and >= 0)");
        }
    }

    /** Throws unless the parameter is a contiguous F32 tensor (what the fused kernels take). */
    static void checkFusable(String optimizer, String name, Tensor t, String what) {
        if (t.dtype() != DType.F32 || !t.isContiguous()) {
            throw new IllegalArgumentException(optimizer + ": " + what + " of parameter '" + name + "' must be a contiguous F32 tensor, got "
                    + t.dtype() + (t.isContiguous() ? "" : " (non-contiguous)") + " " + Shape.str(t.shape()));
        }
    }
}
