// A one-line progress bar per pipeline stage: done/total, rate, ETA and a short status.
package dev.plumbline.rlaif.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints {@code [ppo]  ########------  24/40  1.9 it/s  ETA 0:08  gold 0.61 kl 0.42} on one line,
 * redrawn in place on a terminal (at most 10 times a second) and as plain lines every ~10% when
 * the output is a log file or CI.
 *
 * <pre>{@code
 * StageProgress p = new StageProgress(System.err, "sft", 500);
 * p.update(i + 1, "loss 0.41");
 * p.finish("done in 12 s");
 * }</pre>
 */
public final class StageProgress {
    private final PrintStream out;
    private final String stage;
    private final long total;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long lastPlainTenth = -1;

    /** A bar for {@code total} units of work. */
    public StageProgress(PrintStream out, String stage, long total) {
        this.out = out;
        this.stage = stage;
        this.total = Math.max(1, total);
        this.interactive = System.console() != null && out == System.err;
    }

    /** Reports {@code done} units finished with a short status text. */
    public void update(long done, String status) {
        long now = System.nanoTime();
        double secs = (now - start) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        int width = 20;
        int filled = (int) Math.min(width, width * done / total);
        String line = String.format(Locale.ROOT, "[%-8s] %s%s %4d/%-4d %6.1f it/s  ETA %s  %s", stage,
                "#".repeat(filled), "-".repeat(width - filled), done, total, rate, clock(eta), status);
        if (interactive) {
            if (now - lastDraw > 100_000_000L || done == total) {
                out.print("\r" + line);
                out.flush();
                lastDraw = now;
            }
        } else {
            long tenth = 10 * done / total;
            if (tenth != lastPlainTenth) {
                out.println(line);
                lastPlainTenth = tenth;
            }
        }
    }

    /** Ends the bar with a closing message. */
    public void finish(String message) {
        if (interactive) {
            out.println();
        }
        out.println(String.format(Locale.ROOT, "[%-8s] %s (%.1f s)", stage, message, (System.nanoTime() - start) / 1e9));
    }

    private static String clock(double s) {
        if (!Double.isFinite(s)) {
            return "-:--";
        }
        long t = Math.round(s);
        return t / 60 + ":" + String.format(Locale.ROOT, "%02d", t % 60);
    }
}
