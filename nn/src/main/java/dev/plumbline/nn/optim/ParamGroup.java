// ParamGroup: a set of named parameters that share an optimizer's hyperparameters (learning rate,
// weight decay), like one entry of torch.optim's param_groups.
package dev.plumbline.nn.optim;

import dev.plumbline.nn.Parameter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters sharing a learning rate and a weight decay. The base learning rate is what schedules
 * scale ({@link LrSchedule#apply}); the current one is what the next {@link Optimizer#step()} uses.
 *
 * <pre>{@code
 * ParamGroup decayed = new ParamGroup(Map.of("fc.weight", w), 3e-4, 0.1);
 * ParamGroup plain   = new ParamGroup(Map.of("fc.bias", b), 3e-4, 0.0);
 * AdamW opt = new AdamW(List.of(decayed, plain), 0.9, 0.999, 1e-8);
 * }</pre>
 */
public final class ParamGroup {
    private final Map<String, Parameter> params;
    private final double baseLr;
    private final double weightDecay;
    private double lr;

    /**
     * @param params      name → parameter; names key the optimizer's state dict, so use the
     *                    module's dotted names ({@code Module.namedParameters()})
     * @param lr          base learning rate, ≥ 0
     * @param weightDecay decoupled (AdamW) or L2 (SGD) coefficient, ≥ 0
     */
    public ParamGroup(Map<String, Parameter> params, double lr, double weightDecay) {
        Optimizer.checkNonNegative("learning rate", lr);
        Optimizer.checkNonNegative("weight decay", weightDecay);
        if (params.isEmpty()) {
            throw new IllegalArgumentException("ParamGroup: no parameters given");
        }
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.baseLr = lr;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** Unnamed parameters, keyed {@code "<prefix><index>"} in the state dict. */
    public static ParamGroup of(String prefix, List<Parameter> params, double lr, double weightDecay) {
        Map<String, Parameter> named = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            named.put(prefix + i, params.get(i));
        }
        return new ParamGroup(named, lr, weightDecay);
    }

    /** name → parameter, in insertion order. */
    public Map<String, Parameter> namedParams() {
        return params;
    }

    /** The parameters, in insertion order. */
    public List<Parameter> params() {
        return new ArrayList<>(params.values());
    }

    /** The learning rate given at construction (the 100% that schedules scale). */
    public double baseLr() {
        return baseLr;
    }

    /** The learning rate the next step uses. */
    public double lr() {
        return lr;
    }

    /** Sets the learning rate the next step uses (≥ 0). */
    public void setLr(double lr) {
        Optimizer.checkNonNegative("learning rate", lr);
        this.lr = lr;
    }

    /** Weight-decay coefficient. */
    public double weightDecay() {
        return weightDecay;
    }
}
