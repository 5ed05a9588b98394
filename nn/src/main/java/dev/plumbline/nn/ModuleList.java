package dev.plumbline.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of child modules named "0", "1", … so parameters get paths like
 * {@code h.3.attn.c_attn.weight} (PyTorch's {@code nn.ModuleList}).
 *
 * <pre>{@code
 * ModuleList<Block> h = module("h", new ModuleList<>());
 * h.add(new Block(cfg, gen));
 * for (Block b : h) x = b.forward(x, mask, null);
 * }</pre>
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** Appends {@code m} under the next index; returns it. */
    public M add(M m) {
        items.add(module(Integer.toString(items.size()), m));
        return m;
    }

    /** The i-th module. */
    public M get(int i) {
        if (i < 0 || i >= items.size()) {
            throw new IndexOutOfBoundsException("ModuleList: index " + i + " out of range [0, " + items.size() + ")");
        }
        return items.get(i);
    }

    /** Number of modules. */
    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return Collections.unmodifiableList(items).iterator();
    }
}
