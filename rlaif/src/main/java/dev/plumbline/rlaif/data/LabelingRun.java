// Labels a pairs file into preferences.jsonl, resumably: pairs already in the output are skipped.
package dev.plumbline.rlaif.data;

import dev.plumbline.rlaif.label.BatchLabeling;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The labeling loop behind {@code plumbline label}. Each record is fsynced as soon as it is
 * labeled, and on {@link Jsonl.Mode#RESUME} pairs whose id is already in the output are never
 * sent to the labeler again (paid HTTP labels are not bought twice). Failed labels are written
 * too (with their reason) and so are not retried on resume; delete those lines to retry them.
 *
 * <pre>{@code
 * List<PairRecord> pairs = Jsonl.read(Path.of("pairs.jsonl"), PairRecord.class);
 * LabelingRun.Summary s = LabelingRun.run(pairs, judge, Path.of("preferences.jsonl"),
 *         Jsonl.Mode.RESUME, Clock.systemUTC(), r -> {});
 * }</pre>
 */
public final class LabelingRun {

    private LabelingRun() {
    }

    /**
     * What a run did.
     *
     * @param pairs   pairs in the input
     * @param skipped pairs already in the output (resume)
     * @param labeled pairs labeled now, failures included
     * @param failed  of those, how many FAILED
     * @param a       labeled A
     * @param b       labeled B
     * @param ties    labeled TIE
     */
    public record Summary(int pairs, int skipped, int labeled, int failed, int a, int b, int ties) {
    }

    /**
     * Labels every pair not yet in {@code output}, one at a time.
     *
     * @param onRecord called after each record is durably written (progress display)
     */
    public static Summary run(List<PairRecord> pairs, PreferenceLabeler labeler, Path output, Jsonl.Mode mode,
                              Clock clock, Consumer<PreferenceRecord> onRecord) throws IOException {
        return run(pairs, labeler, output, mode, clock, onRecord, 1);
    }

    /**
     * Labels every pair not yet in {@code output} with up to {@code concurrency} calls in flight
     * (for a labeler that is {@link PreferenceLabeler#concurrent() concurrent}; others run one at a
     * time). Records are still written in input order, each fsynced before the next, exactly once
     * per pair: a kill loses at most the calls in flight, and {@code --resume} asks only for those.
     *
     * @param concurrency calls in flight, &ge; 1
     * @param onRecord    called after each record is durably written (progress display)
     * @throws IOException when the output cannot be written; records written before stay
     */
    public static Summary run(List<PairRecord> pairs, PreferenceLabeler labeler, Path output, Jsonl.Mode mode,
                              Clock clock, Consumer<PreferenceRecord> onRecord, int concurrency) throws IOException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("labeling concurrency must be >= 1, got " + concurrency);
        }
        int workers = labeler.concurrent() ? concurrency : 1;
        int[] counts = new int[6];      // skipped, labeled, failed, a, b, ties
        try (Jsonl.Appender<PreferenceRecord> out = Jsonl.appender(output, PreferenceRecord.class,
                PreferenceRecord::pairId, mode)) {
            List<Integer> todo = new ArrayList<>();
            Set<Object> queued = new HashSet<>();      // a pair id twice in the input is labeled once
            for (int i = 0; i < pairs.size(); i++) {
                if (out.contains(pairs.get(i).id()) || !queued.add(pairs.get(i).id())) {
                    counts[0]++;
                } else {
                    todo.add(i);
                }
            }
            if (workers == 1) {
                for (int i : todo) {
                    write(out, pairs.get(i), i, labeler, label(labeler, pairs.get(i), i), clock, counts, onRecord);
                }
            } else {
                labelConcurrently(pairs, todo, labeler, workers, out, clock, counts, onRecord);
            }
        }
        return new Summary(pairs.size(), counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    private static Judgement label(PreferenceLabeler labeler, PairRecord p, int i) {
        return labeler.label(new LabelPair(i, p.prompt(), p.responseA(), p.responseB()));
    }

    private static void write(Jsonl.Appender<PreferenceRecord> out, PairRecord p, int i, PreferenceLabeler labeler,
                              Judgement j, Clock clock, int[] counts, Consumer<PreferenceRecord> onRecord) throws IOException {
        PreferenceRecord r = PreferenceRecord.of(p, i, labeler, j, clock.instant());
        out.append(r);
        counts[1]++;
        switch (j.preferred()) {
            case A -> counts[3]++;
            case B -> counts[4]++;
            case TIE -> counts[5]++;
            case FAILED -> counts[2]++;
        }
        onRecord.accept(r);
    }

    /**
     * Workers label ahead while this thread writes in input order: a window of at most
     * 4·workers submitted pairs, each written as soon as it and every pair before it are done.
     */
    private static void labelConcurrently(List<PairRecord> pairs, List<Integer> todo, PreferenceLabeler labeler,
                                          int workers, Jsonl.Appender<PreferenceRecord> out, Clock clock, int[] counts,
                                          Consumer<PreferenceRecord> onRecord) throws IOException {
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "label-worker-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            ArrayDeque<Future<Judgement>> window = new ArrayDeque<>();
            int window0 = 0, next = 0, maxWindow = 4 * workers;
            while (window0 < todo.size()) {
                while (next < todo.size() && window.size() < maxWindow) {
                    int i = todo.get(next++);
                    PairRecord p = pairs.get(i);
                    window.add(pool.submit(() -> label(labeler, p, i)));
                }
                Judgement j;
                try {
                    j = window.peekFirst().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("labeling interrupted after " + counts[1] + " records");
                } catch (ExecutionException e) {
                    throw BatchLabeling.rethrow(e, labeler, pairs.get(todo.get(window0)).id());
                }
                window.pollFirst();
                int i = todo.get(window0++);
                write(out, pairs.get(i), i, labeler, j, clock, counts, onRecord);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
