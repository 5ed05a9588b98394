// LrSchedule: learning-rate multipliers by step — constant, linear warm-up then cosine or linear decay
// to zero or to a floor — with the same formulas as Hugging Face's get_*_schedule_with_warmup.
package dev.plumbline.nn.optim;

/**
 * A learning-rate multiplier per optimizer step (PyTorch's {@code LambdaLR}): the step
 * {@code s} (0-based, counting {@link Optimizer#step()} calls) runs at {@code baseLr · at(s)} in
 * every group.
 *
 * <pre>{@code
 * LrSchedule sched = LrSchedule.warmupCosine(100, 10_000, 0.1);  // warm-up, total, floor ratio
 * for (long s = 0; s < 10_000; s++) {
 *     sched.apply(opt, s);      // sets each group's lr to base · at(s)
 *     ... backward ...; opt.step();
 * }
 * }</pre>
 *
 * <p>Warm-up is linear from 0 at step 0 to 1 at step {@code warmup} (so step 0 does not move the
 * weights, as in Hugging Face's schedules); decay runs from 1 at {@code warmup} to {@code minRatio}
 * at {@code total} and stays there.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The multiplier of the base learning rate at optimizer step {@code step} (≥ 0). */
    double at(long step);

    /** The learning rate at {@code step} for a base learning rate. */
    default double lrAt(long step, double baseLr) {
        return baseLr * at(step);
    }

    /** Sets every group of {@code opt} to its base lr times {@link #at(long) at(step)}; returns the factor. */
    default double apply(Optimizer opt, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("LrSchedule: step must be >= 0, got " + step);
        }
        double f = at(step);
        opt.setLrFactor(f);
        return f;
    }

    /** Always 1. */
    static LrSchedule constant() {
        return step -> 1.0;
    }

    /** Linear warm-up over {@code warmup} steps, then 1. */
    static LrSchedule constantWithWarmup(long warmup) {
        checkSteps(warmup, warmup);
        return step -> step < warmup ? (double) step / Math.max(1, warmup) : 1.0;
    }

    /** Linear warm-up, then a half cosine from 1 at {@code warmup} to 0 at {@code total}. */
    static LrSchedule warmupCosine(long warmup, long total) {
        return warmupCosine(warmup, total, 0.0);
    }

    /** Linear warm-up, then a half cosine from 1 to {@code minRatio} at {@code total}. */
    static LrSchedule warmupCosine(long warmup, long total, double minRatio) {
        checkSteps(warmup, total);
        checkRatio(minRatio);
        return step -> {
            if (step < warmup) {
                return (double) step / Math.max(1, warmup);
            }
            double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
            return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    /** Linear warm-up, then linear decay from 1 at {@code warmup} to 0 at {@code total}. */
    static LrSchedule warmupLinear(long warmup, long total) {
        return warmupLinear(warmup, total, 0.0);
    }

    /** Linear warm-up, then linear decay from 1 to {@code minRatio} at {@code total}. */
    static LrSchedule warmupLinear(long warmup, long total, double minRatio) {
        checkSteps(warmup, total);
        checkRatio(minRatio);
        return step -> {
            if (step < warmup) {
                return (double) step / Math.max(1, warmup);
            }
            double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
            return minRatio + (1 - minRatio) * (1 - progress);
        };
    }

    private static void checkSteps(long warmup, long total) {
        if (warmup < 0 || total < warmup) {
            throw new IllegalArgumentException("LrSchedule: need 0 <= warmup <= total steps, got warmup=" + warmup
                    + " total=" + total);
        }
    }

    private static void checkRatio(double minRatio) {
        if (!(minRatio >= 0 && minRatio <= 1)) {
            throw new IllegalArgumentException("LrSchedule: minRatio must be in [0, 1], got " + minRatio);
        }
    }
}
