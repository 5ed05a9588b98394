package dev.plumbline.tensor.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Fork/join parallel loops for the CPU backend.
 *
 * <p>Work is split into at most {@link #threads()} contiguous chunks, so each worker touches one
 * run of memory. Loops smaller than {@code grain} run inline on the caller: forking costs a few
 * microseconds, which dominates small tensors. The thread count defaults to the number of
 * available processors and can be set with the system property {@code plumbline.cpu.threads}.
 */
public final class Parallel {
    private Parallel() {}

    /** Body of a parallel loop over the half-open index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    private static final int THREADS = Integer.getInteger("plumbline.cpu.threads",
            Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    /** Number of worker threads used by {@link #forRange}. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over [0, n), split across threads when {@code n * costPerIndex} is large
     * enough to pay for the fork.
     *
     * @param n            number of indices
     * @param costPerIndex rough number of scalar operations per index (used to decide whether to fork)
     * @param body         the loop body, called with disjoint sub-ranges
     */
    public static void forRange(int n, long costPerIndex, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long work = (long) n * Math.max(1, costPerIndex);
        if (POOL == null || n == 1 || work < 32_768 || java.util.concurrent.ForkJoinTask.getPool() == POOL) {
            body.run(0, n);
            return;
        }
        int chunks = (int) Math.min(n, Math.min(THREADS * 4L, Math.max(2, work / 16_384)));
        POOL.invoke(new Chunk(body, n, chunks, 0, chunks));
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int n, chunks, lo, hi;

        Chunk(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks);
                int to = (int) ((long) n * hi / chunks);
                body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunk(body, n, chunks, lo, mid), new Chunk(body, n, chunks, mid, hi));
        }
    }
}
