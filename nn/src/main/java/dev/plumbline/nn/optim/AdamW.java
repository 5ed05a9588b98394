// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's torch.optim.AdamW semantics,
// running on each backend's fused multi-tensor Backend.adamw primitive.
package dev.plumbline.nn.optim;

import dev.plumbline.nn.Module;
import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW exactly as {@code torch.optim.AdamW} (non-amsgrad, non-foreach reference math): for each
 * parameter with a gradient g at its own step t (counting only the steps where it had a gradient):
 * <pre>
 * p ← p·(1 − lr·wd)
 * m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 * p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)     (ε after bias correction)
 * </pre>
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01. Built from a {@link Module},
 * parameters whose {@link Parameter#decay()} is false (biases, norm gains) get no weight decay.
 *
 * <pre>{@code
 * AdamW opt = new AdamW(model, 3e-4, 0.1);     // lr, weight decay on decay() params only
 * opt.zeroGrad(); loss.backward(); opt.step();
 * }</pre>
 */
public final class AdamW extends Optimizer {
    /** State slots: first and second moment. */
    public static final String EXP_AVG = "exp_avg";
    public static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final String STEP_SUFFIX = ".step";

    private final float beta1;
    private final float beta2;
    private final float eps;
    /** param name → number of updates it has received (PyTorch's per-parameter state['step']). */
    private final Map<String, Long> paramSteps = new HashMap<>();

    /** Defaults: lr 1e-3, weight decay 0.01 on decay() parameters. */
    public AdamW(Module model) {
        this(model, 1e-3, 0.01);
    }

    /** Betas (0.9, 0.999), eps 1e-8; weight decay only on decay() parameters. */
    public AdamW(Module model, double lr, double weightDecay) {
        this(model, lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** All hyperparameters; the model's trainable parameters ({@link Parameter#trainable()}), weight decay only on decay() ones. */
    public AdamW(Module model, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(decayGroups(model.namedTrainableParameters(), lr, weightDecay), beta1, beta2, eps);
    }

    /** Explicit groups, each with its own lr and weight decay. */
    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW: betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        checkNonNegative("epsilon", eps);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
    }

    /**
     * Splits parameters into a group with {@code weightDecay} (those whose {@link Parameter#decay()}
     * is true: matrices, embeddings) and one without (biases, norm gains); an empty group is omitted.
     */
    public static List<ParamGroup> decayGroups(Map<String, Parameter> named, double lr, double weightDecay) {
        Map<String, Parameter> decay = new LinkedHashMap<>(), noDecay = new LinkedHashMap<>();
        named.forEach((k, p) -> (p.decay() ? decay : noDecay).put(k, p));
        List<ParamGroup> out = new ArrayList<>();
        if (!decay.isEmpty()) {
            out.add(new ParamGroup(decay, lr, weightDecay));
        }
        if (!noDecay.isEmpty()) {
            out.add(new ParamGroup(noDecay, lr, 0.0));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("AdamW: the model has no parameters");
        }
        return out;
    }

    @Override
    protected Set<String> slotNames() {
        return Set.of(EXP_AVG, EXP_AVG_SQ);
    }

    /** How many updates the named parameter has received (0 before its first). */
    public long paramStep(String name) {
        return paramSteps.getOrDefault(name, 0L);
    }

    /** One fused call per (group, device, per-parameter step) bucket — normally one per group. */
    private record Bucket(Device device, long step) {}

    @Override
    protected void update() {
        for (ParamGroup group : groups()) {
            Map<Bucket, List<String>> buckets = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : group.namedParams().entrySet()) {
                Parameter p = e.getValue();
                if (p.grad() == null) {
                    continue; // like PyTorch: no gradient, no update, no step count
                }
                long t = paramStep(e.getKey()) + 1;
                buckets.computeIfAbsent(new Bucket(p.data().device(), t), k -> new ArrayList<>()).add(e.getKey());
            }
            for (Map.Entry<Bucket, List<String>> b : buckets.entrySet()) {
                applyFused(group, b.getKey().step(), b.getValue());
            }
        }
    }

    private void applyFused(ParamGroup group, long t, List<String> names) {
        List<Tensor> ps = new ArrayList<>(), gs = new ArrayList<>(), ms = new ArrayList<>(), vs = new ArrayList<>();
        float[] wd = new float[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Parameter p = group.namedParams().get(name);
            Tensor g = p.grad();
            checkFusable("AdamW", name, p.data(), "value");
            if (g.dtype() != p.data().dtype() || !java.util.Arrays.equals(g.shape(), p.shape())) {
                throw new IllegalArgumentException("AdamW: gradient of parameter '" + name + "' is " + g.dtype() + " "
                        + dev.plumbline.tensor.Shape.str(g.shape()) + ", parameter is " + p.data().dtype() + " "
                        + dev.plumbline.tensor.Shape.str(p.shape()));
            }
            if (state(name, EXP_AVG) == null) {
                putState(name, EXP_AVG, newState(p));
                putState(name, EXP_AVG_SQ, newState(p));
            }
            ps.add(p.data());
            gs.add(g.isContiguous() ? g : g.contiguous()); // a contiguous copy lives in the step scope
            ms.add(state(name, EXP_AVG));
            vs.add(state(name, EXP_AVG_SQ));
            wd[i] = (float) group.weightDecay();
        }
        // bias corrections in double, as PyTorch computes them on Python floats
        float bc1 = (float) (1 - Math.pow(beta1, t));
        float bc2 = (float) (1 - Math.pow(beta2, t));
        ps.get(0).backend().adamw(ps, gs, ms, vs, (float) group.lr(), beta1, beta2, eps, wd, bc1, bc2);
        for (String name : names) {
            paramSteps.put(name, t);
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = super.stateDict();
        paramSteps.forEach((name, t) -> out.put(STATE_PREFIX + name + STEP_SUFFIX,
                Tensor.fromArray(new int[] {Math.toIntExact(t)}, 1)));
        return out;
    }

    @Override
    protected boolean isExtraKey(String key) {
        return key.startsWith(STATE_PREFIX) && key.endsWith(STEP_SUFFIX)
                && namedParameters().containsKey(key.substring(STATE_PREFIX.length(), key.length() - STEP_SUFFIX.length()));
    }

    @Override
    protected List<String> checkExtra(Map<String, Tensor> dict) {
        List<String> problems = new ArrayList<>();
        for (String name : namedParameters().keySet()) {
            boolean hasMoments = dict.containsKey(STATE_PREFIX + name + "." + EXP_AVG)
                    && dict.containsKey(STATE_PREFIX + name + "." + EXP_AVG_SQ);
            boolean hasStep = dict.containsKey(STATE_PREFIX + name + STEP_SUFFIX);
            if (hasMoments != hasStep) {
                problems.add("parameter '" + name + "': state must have exp_avg, exp_avg_sq and step together");
            }
        }
        return problems;
    }

    @Override
    protected void loadExtra(Map<String, Tensor> dict) {
        paramSteps.clear();
        for (String name : namedParameters().keySet()) {
            Tensor t = dict.get(STATE_PREFIX + name + STEP_SUFFIX);
            if (t != null) {
                paramSteps.put(name, (long) t.toIntArray()[0]);
            }
        }
    }
}
