package dev.plumbline.nn;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A layer or model: a tree of named parameters and child modules, like {@code torch.nn.Module}.
 * Names are dotted paths ({@code "h.0.attn.c_attn.weight"}) in registration order.
 *
 * <pre>{@code
 * class TwoLayer extends Module {
 *     final Linear fc1 = module("fc1", new Linear(4, 8, true, gen));
 *     final Linear fc2 = module("fc2", new Linear(8, 1, true, gen));
 *     Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }
 * }
 * }</pre>
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter under {@code name}; returns it. */
    protected Parameter param(String name, Tensor init, boolean decay) {
        checkName(name);
        Parameter p = new Parameter(init, decay);
        params.put(name, p);
        return p;
    }

    /** Registers a child module under {@code name}; returns it. */
    protected <M extends Module> M module(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    /** Unregisters the child module {@code name} (e.g. a merged adapter); returns it. */
    protected Module removeModule(String name) {
        Module m = children.remove(name);
        if (m == null) {
            throw new IllegalArgumentException("module: no child '" + name + "'");
        }
        return m;
    }

    /** This module (under "") and every descendant by dotted path, depth-first in registration order. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return out;
    }

    private static void collectModules(String path, Module m, Map<String, Module> out) {
        out.put(path, m);
        for (Map.Entry<String, Module> e : m.children.entrySet()) {
            collectModules(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
        }
    }

    /** The parameters that are trained ({@link Parameter#trainable()}), with their dotted paths. */
    public Map<String, Parameter> namedTrainableParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> {
            if (p.trainable()) {
                out.put(k, p);
            }
        });
        return out;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("module: bad or duplicate name '" + name + "'");
        }
    }

    /** Every parameter with its dotted path, depth-first in registration order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out);
        }
    }

    /** Every parameter, in {@link #namedParameters()} order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Direct children by name. */
    public Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Total number of parameter elements. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /** name → current parameter value (shared, not copied). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> out.put(k, p.data()));
        return out;
    }

    /** Strict {@link #loadStateDict(Map, boolean)}. */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies values into the parameters. Strict: every parameter must be present, nothing extra, and
     * shapes must match; all problems are listed in one message before anything is written.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Parameter> mine = namedParameters();
        TreeSet<String> missing = new TreeSet<>(), unexpected = new TreeSet<>();
        List<String> mismatched = new ArrayList<>();
        for (String k : mine.keySet()) {
            if (!state.containsKey(k)) {
                missing.add(k);
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Parameter p = mine.get(e.getKey());
            if (p == null) {
                unexpected.add(e.getKey());
            } else if (!java.util.Arrays.equals(p.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + ": checkpoint " + Shape.str(e.getValue().shape()) + " vs model "
                        + Shape.str(p.shape()));
            }
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("loadStateDict: state does not match the model");
            if (!missing.isEmpty()) {
                sb.append("\n  missing keys: ").append(missing);
            }
            if (!unexpected.isEmpty()) {
                sb.append("\n  unexpected keys: ").append(unexpected);
            }
            if (!mismatched.isEmpty()) {
                sb.append("\n  shape mismatches: ").append(mismatched);
            }
            throw new IllegalArgumentException(sb.toString());
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Parameter p = mine.get(e.getKey());
            if (p != null) {
                p.copyFrom(e.getValue());
            }
        }
    }

    /** Training mode (dropout active) for this module and its children; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    /** Same as {@code train(true)}. */
    public Module train() {
        return train(true);
    }

    /** Same as {@code train(false)}. */
    public Module eval() {
        return train(false);
    }

    /** Whether in training mode. */
    public boolean isTraining() {
        return training;
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Moves every parameter to {@code device}; returns this. */
    public Module to(Device device) {
        for (Parameter p : parameters()) {
            p.to(device);
        }
        return this;
    }

    /** The device of the first parameter (CPU for a module without parameters). */
    public Device device() {
        List<Parameter> ps = parameters();
        return ps.isEmpty() ? Device.cpu() : ps.get(0).data().device();
    }
}
