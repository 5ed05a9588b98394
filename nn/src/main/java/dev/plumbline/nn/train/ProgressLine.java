// ProgressLine: a one-line progress bar on a terminal (carriage return, redrawn at most 10×/s) or
// plain periodic lines when output goes to a file or CI log. No dependency: nn is a library jar.
package dev.plumbline.nn.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Renders {@code step 120/1000 [#####·········]  12% | loss 2.3456 | lr 3.00e-04 | 12.3k tok/s | ETA 1:23}.
 *
 * <pre>{@code
 * ProgressLine bar = new ProgressLine(System.err, 1000, System.console() != null);
 * bar.update(step, loss, lr, tokensPerSec, secondsPerStep);
 * bar.finish();
 * }</pre>
 */
public final class ProgressLine {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final long total;
    private final boolean interactive;
    private long lastDrawNanos;
    private long lastPlainStep = -1;
    private String last = "";

    /**
     * @param interactive redraw one line with {@code \r}; otherwise print a full line about every
     *                    5% of the run
     */
    public ProgressLine(PrintStream out, long total, boolean interactive) {
        this.out = out;
        this.total = Math.max(1, total);
        this.interactive = interactive;
    }

    /** Reports progress after {@code step} of total steps. */
    public void update(long step, double loss, double lr, double tokensPerSec, double secondsPerStep) {
        last = render(step, loss, lr, tokensPerSec, secondsPerStep);
        long now = System.nanoTime();
        if (interactive) {
            if (now - lastDrawNanos >= 100_000_000L || step >= total) {
                out.print('\r' + last + "\u001b[K");
                out.flush();
                lastDrawNanos = now;
            }
        } else if (step >= total || lastPlainStep < 0 || step - lastPlainStep >= Math.max(1, total / 20)) {
            out.println(last);
            lastPlainStep = step;
        }
    }

    /** Prints an extra message (eval loss, checkpoint) without breaking the bar. */
    public void message(String text) {
        out.print(interactive ? "\r" + text + "\u001b[K\n" + last : text + "\n");
        out.flush();
    }

    /** Ends the bar with a newline. */
    public void finish() {
        if (interactive) {
            out.print('\r' + last + "\u001b[K\n");
            out.flush();
        }
    }

    /** The line for a state (visible for tests). */
    String render(long step, double loss, double lr, double tokensPerSec, double secondsPerStep) {
        int filled = (int) Math.min(WIDTH, WIDTH * step / total);
        long eta = Math.round(Math.max(0, total - step) * secondsPerStep);
        return String.format(Locale.ROOT, "step %d/%d [%s%s] %3d%% | loss %.4f | lr %.2e | %s tok/s | ETA %s", step, total,
                "#".repeat(filled), "\u00b7".repeat(WIDTH - filled), 100 * step / total, loss, lr, si(tokensPerSec),
                clock(eta));
    }

    static String si(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        return v >= 1e3 ? String.format(Locale.ROOT, "%.1fk", v / 1e3) : String.format(Locale.ROOT, "%.0f", v);
    }

    static String clock(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
