package dev.plumbline.tensor;

import dev.plumbline.tensor.backend.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A lifetime for tensors: closing a scope frees the storage of every tensor created inside it,
 * except those kept with {@link #keep}, which move to the enclosing scope.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.forward(x).crossEntropy(y);
 *     loss.backward();          // parameter gradients live in the parameters' own scope
 *     optimizer.step();
 *     lastLoss = loss.item();   // plain values escape freely
 * }                             // activations and the graph are freed here
 * }</pre>
 *
 * Tensors created outside any scope (or inside {@link #detached()}) are owned by no scope and are
 * reclaimed only by the garbage collector. Scopes are per thread and nest.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final boolean detached;
    private final Scope parent;
    private List<Storage> owned = new ArrayList<>();
    private boolean closed;

    private Scope(boolean detached, Scope parent) {
        this.detached = detached;
        this.parent = parent;
    }

    /** Opens a scope nested in the current one. */
    public static Scope open() {
        ArrayDeque<Scope> st = STACK.get();
        Scope s = new Scope(false, st.peek());
        st.push(s);
        return s;
    }

    /**
     * Opens a region whose new tensors belong to no scope (e.g. parameters, optimizer state,
     * gradients): they live until garbage-collected or freed explicitly.
     */
    public static Scope detached() {
        ArrayDeque<Scope> st = STACK.get();
        Scope s = new Scope(true, st.peek());
        st.push(s);
        return s;
    }

    /**
     * Opens a region whose new tensors belong to {@code owner} (null: to no scope). Used to put a
     * gradient into its parameter's scope.
     */
    public static Scope into(Scope owner) {
        if (owner == null) {
            return detached();
        }
        ArrayDeque<Scope> st = STACK.get();
        Scope s = new Scope(false, owner);
        s.owned = null; // a forwarding scope: adopt() hands storage to owner
        st.push(s);
        return s;
    }

    /** The innermost open scope of this thread that owns storage, or null. */
    static Scope current() {
        Scope s = STACK.get().peek();
        while (s != null && !s.detached && s.owned == null) {
            s = s.parent;
        }
        return s == null || s.detached ? null : s;
    }

    /** Called by {@link Storage}'s constructor: the current scope takes ownership. */
    public static void adopt(Storage storage) {
        Scope s = current();
        if (s != null) {
            s.owned.add(storage);
            storage.setOwner(s);
        }
    }

    /**
     * Moves {@code t}'s storage (and its gradient's) out of this scope into the enclosing one, so it
     * survives {@link #close()}. Returns {@code t}.
     */
    public Tensor keep(Tensor t) {
        moveOut(t.storage());
        if (t.grad() != null) {
            moveOut(t.grad().storage());
        }
        return t;
    }

    private void moveOut(Storage st) {
        if (st.owner() != this) {
            return;
        }
        owned.remove(st);
        Scope target = parent;
        while (target != null && !target.detached && target.owned == null) {
            target = target.parent;
        }
        if (target != null && !target.detached && !target.closed) {
            target.owned.add(st);
            st.setOwner(target);
        } else {
            st.setOwner(null);
        }
    }

    /**
     * Takes {@code t}'s storage out of whatever scope owns it, so no scope frees it (it lives until
     * garbage-collected or freed explicitly). Used for parameters and optimizer state. Returns t.
     */
    public static Tensor escape(Tensor t) {
        Storage st = t.storage();
        Scope owner = st.owner();
        if (owner != null && owner.owned != null) {
            owner.owned.remove(st);
        }
        st.setOwner(null);
        return t;
    }

    /** Number of storages this scope will free on close. */
    public int size() {
        return owned == null ? 0 : owned.size();
    }

    /** Frees what this scope owns and pops it; scopes must close in reverse order of opening. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        ArrayDeque<Scope> st = STACK.get();
        if (st.peek() != this) {
            throw new IllegalStateException("Scope closed out of order: close inner scopes first (use try-with-resources)");
        }
        st.pop();
        closed = true;
        if (owned != null) {
            for (Storage s : owned) {
                s.setOwner(null);
                s.free();
            }
            owned.clear();
        }
    }
}
