// Labels a batch of pairs in one go: batched for a local judge, with calls in flight for a server judge.
package dev.plumbline.rlaif.label;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an optimiser that asks the judge during training (online DPO, direct RLAIF) uses to label
 * one step's pairs: a {@link PreferenceLabeler#concurrent() concurrent} labeler (the HTTP judge) gets
 * up to {@code concurrency} {@link PreferenceLabeler#label(LabelPair)} calls in flight; any other
 * gets one {@link PreferenceLabeler#labelAll(List)} call, which the model judge batches.
 * Judgements come back in input order.
 *
 * <pre>{@code
 * List<Judgement> js = BatchLabeling.labelAll(judge, pairs, 16);
 * }</pre>
 */
public final class BatchLabeling {
    private BatchLabeling() {}

    /**
     * @param concurrency calls in flight for a concurrent labeler, &ge; 1
     * @throws IllegalStateException when the labeler returns the wrong number of judgements
     */
    public static List<Judgement> labelAll(PreferenceLabeler labeler, List<LabelPair> pairs, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("labeling concurrency must be >= 1, got " + concurrency);
        }
        List<Judgement> out;
        if (!labeler.concurrent() || concurrency == 1 || pairs.size() < 2) {
            out = labeler.labelAll(pairs);
        } else {
            out = concurrently(labeler, pairs, Math.min(concurrency, pairs.size()));
        }
        if (out == null || out.size() != pairs.size()) {
            throw new IllegalStateException(labeler.name() + " returned " + (out == null ? "null" : out.size())
                    + " judgements for " + pairs.size() + " pairs");
        }
        return out;
    }

    /**
     * What a worker's failed {@link PreferenceLabeler#label(LabelPair)} call becomes on the calling
     * thread: its own unchecked exception or error, else an {@link IllegalStateException} naming
     * the labeler and the pair. (A labeler returns FAILED for a bad answer; an exception is a
     * programming error.)
     */
    public static RuntimeException rethrow(ExecutionException e, PreferenceLabeler labeler, Object pair) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
            return re;
        }
        if (c instanceof Error er) {
            throw er;
        }
        return new IllegalStateException("labeler " + labeler.name() + " failed on pair " + pair, c);
    }

    private static List<Judgement> concurrently(PreferenceLabeler labeler, List<LabelPair> pairs, int workers) {
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "judge-worker-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Judgement>> futures = new ArrayList<>(pairs.size());
            for (LabelPair p : pairs) {
                futures.add(pool.submit(() -> labeler.label(p)));
            }
            List<Judgement> out = new ArrayList<>(pairs.size());
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("labeling interrupted at pair " + pairs.get(i).index(), e);
                } catch (ExecutionException e) {
                    throw rethrow(e, labeler, pairs.get(i).index());
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
