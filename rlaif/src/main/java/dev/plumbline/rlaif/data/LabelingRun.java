// Labels a pairs file into preferences.jsonl, resumably: pairs already in the output are skipped.
package dev.plumbline.rlaif.data;

import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
     * Labels every pair not yet in {@code output}.
     *
     * @param onRecord called after each record is durably written (progress display)
     */
    public static Summary run(List<PairRecord> pairs, PreferenceLabeler labeler, Path output, Jsonl.Mode mode,
                              Clock clock, Consumer<PreferenceRecord> onRecord) throws IOException {
        int skipped = 0, labeled = 0, failed = 0, a = 0, b = 0, ties = 0;
        try (Jsonl.Appender<PreferenceRecord> out = Jsonl.appender(output, PreferenceRecord.class,
                PreferenceRecord::pairId, mode)) {
            for (int i = 0; i < pairs.size(); i++) {
                PairRecord p = pairs.get(i);
                if (out.contains(p.id())) {
                    skipped++;
                    continue;
                }
                Judgement j = labeler.label(new LabelPair(i, p.prompt(), p.responseA(), p.responseB()));
                PreferenceRecord r = PreferenceRecord.of(p, i, labeler, j, clock.instant());
                out.append(r);
                labeled++;
                switch (j.preferred()) {
                    case A -> a++;
                    case B -> b++;
                    case TIE -> ties++;
                    case FAILED -> failed++;
                }
                onRecord.accept(r);
            }
        }
        return new Summary(pairs.size(), skipped, labeled, failed, a, b, ties);
    }
}
