// A reward-hacking onset alarm computed live from gold-free signals of a policy-optimisation run.
package dev.plumbline.rlaif.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Watches each optimisation step's metrics — nothing that needs gold — and raises one alarm when the
 * run shows the signature of reward over-optimisation. Five signals, each expressed as a ratio to its
 * limit so that 1.0 means "at the limit":
 *
 * <pre>
 *   alarm/kl_growth          least-squares slope of objective/kl over the last `window` steps ÷ klGrowthPerStep
 *   alarm/length_growth      (smoothed length − its lowest smoothed value so far) ÷ that lowest value ÷ lengthGrowth
 *                            (growth only: the demo's honest improvement is shorter answers; padding is the hack)
 *   alarm/disagreement       smoothed pθ-ensemble std on the step's samples ÷ its warm-up mean ÷ disagreement
 *                            (only with an ensemble: reward/uncertainty)
 *   alarm/proxy_judge_gap    (pθ's win rate of the samples over π_ref's greedy answers − the judge's win rate
 *                            on the same pairs, smoothed) minus its first value, ÷ proxyJudgeGap
 *                            (only when {@link ProxyJudgeProbe} measured it: alarm/proxy_win_rate, alarm/judge_win_rate)
 *   alarm/entropy_collapse   (1 − smoothed entropy ÷ its warm-up mean) ÷ entropyDrop
 * </pre>
 *
 * {@code alarm/score} is the largest ratio; the alarm fires once the score has been at or above 1 for
 * {@code patience} consecutive steps after {@code warmup} steps, and stays fired
 * ({@code alarm/fired} is 1 from then on, {@code alarm/first_step} the 1-based step it fired).
 * The alarm depends only on the metrics rows it is shown, so a resumed run replays
 * {@code metrics.jsonl} into a fresh alarm and continues exactly where it was.
 *
 * <pre>{@code
 * OnsetAlarm alarm = new OnsetAlarm(new OnsetAlarm.Config());
 * OnsetAlarm.Reading r = alarm.observe(metricsOfThisStep);  // adds alarm/* keys to a map you write
 * if (r.justFired()) System.err.println("onset alarm: " + r.reason());
 * }</pre>
 */
public final class OnsetAlarm {

    /** The alarm's limits (config section {@code alarm}); the defaults were set on the demo's runs. */
    public static final class Config {
        /** Compute the alarm at all (it never changes training unless {@link #earlyStop}). */
        public boolean enabled = true;
        /** Steps whose signals set the baselines; the alarm cannot fire before it. */
        public int warmup = 10;
        /** Steps a slope or a smoothed value is taken over. */
        public int window = 5;
        /** Consecutive steps the score must stay at or above 1 to fire. */
        public int patience = 2;
        /** KL growth (nats per step) that counts as the limit. */
        public double klGrowthPerStep = 0.1;
        /** Relative growth of the mean response length over its lowest point that counts as the limit. */
        public double lengthGrowth = 0.5;
        /** Ensemble disagreement, as a multiple of its warm-up value, that counts as the limit. */
        public double disagreement = 1.5;
        /** Rise of (pθ win rate − judge win rate) against π_ref's answers that counts as the limit. */
        public double proxyJudgeGap = 0.2;
        /** Relative drop of the policy's entropy that counts as the limit. */
        public double entropyDrop = 0.5;
        /** Samples per probe re-labelled by the run's judge for the proxy–judge gap (0: no probe). */
        public int judgeSample = 16;
        /** Probe every this many steps. */
        public int judgeEvery = 5;
        /** Stop the optimisation at the step the alarm fires (the policy of that step is kept). */
        public boolean earlyStop = false;

        /** Every out-of-range value, as {@code alarm.key ...} lines. */
        public List<String> problems() {
            List<String> p = new ArrayList<>();
            if (warmup < 1) p.add("alarm.warmup must be >= 1, got " + warmup);
            if (window < 3) p.add("alarm.window must be >= 3, got " + window);
            if (patience < 1) p.add("alarm.patience must be >= 1, got " + patience);
            positive(p, "alarm.klGrowthPerStep", klGrowthPerStep);
            positive(p, "alarm.lengthGrowth", lengthGrowth);
            if (!(disagreement > 1)) p.add("alarm.disagreement must be > 1, got " + disagreement);
            positive(p, "alarm.proxyJudgeGap", proxyJudgeGap);
            if (!(entropyDrop > 0 && entropyDrop <= 1)) p.add("alarm.entropyDrop must be in (0, 1], got " + entropyDrop);
            if (judgeSample < 0) p.add("alarm.judgeSample must be >= 0, got " + judgeSample);
            if (judgeEvery < 1) p.add("alarm.judgeEvery must be >= 1, got " + judgeEvery);
            if (earlyStop && !enabled) p.add("alarm.earlyStop needs alarm.enabled");
            return p;
        }

        private static void positive(List<String> p, String key, double v) {
            if (!(v > 0) || !Double.isFinite(v)) p.add(key + " must be > 0, got " + v);
        }
    }

    /** The signal names, in the order they are reported. */
    public static final List<String> SIGNALS = List.of("kl_growth", "length_growth", "disagreement", "proxy_judge_gap",
            "entropy_collapse");

    /**
     * One step's alarm state.
     *
     * @param signals   each signal's ratio to its limit (absent: not measurable yet or in this run)
     * @param score     the largest ratio (0 when none)
     * @param fired     whether the alarm has fired at this step or before
     * @param justFired whether it fired at this step
     * @param firstStep the 1-based step it fired, or 0
     * @param reason    the signal that fired it, with its value, or null
     */
    public record Reading(Map<String, Double> signals, double score, boolean fired, boolean justFired, long firstStep,
                          String reason) {
        /** This reading as {@code alarm/*} metrics. */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : signals.entrySet()) {
                m.put("alarm/" + e.getKey(), e.getValue());
            }
            m.put("alarm/score", score);
            m.put("alarm/fired", fired ? 1.0 : 0.0);
            m.put("alarm/first_step", (double) firstStep);
            return m;
        }
    }

    private final Config cfg;
    private final List<Double> kl = new ArrayList<>(), length = new ArrayList<>(), entropy = new ArrayList<>(),
            uncertainty = new ArrayList<>(), gap = new ArrayList<>();
    private long step;
    private double lowestLength = Double.POSITIVE_INFINITY;
    private Double firstGap;
    private int above;
    private long firstStep;
    private String reason;

    /** An alarm with these limits. */
    public OnsetAlarm(Config cfg) {
        List<String> p = cfg.problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException("onset alarm: " + String.join("; ", p));
        }
        this.cfg = cfg;
    }

    /**
     * Shows the alarm one step's metrics (in step order). Reads {@code objective/kl},
     * {@code val/mean_length}, {@code objective/entropy}, {@code reward/uncertainty} and
     * {@code alarm/proxy_win_rate}/{@code alarm/judge_win_rate} when present.
     */
    public Reading observe(Map<String, Double> m) {
        step++;
        add(kl, m.get("objective/kl"));
        add(length, m.get("val/mean_length"));
        add(entropy, m.get("objective/entropy"));
        add(uncertainty, m.get("reward/uncertainty"));
        Double pw = m.get("alarm/proxy_win_rate"), jw = m.get("alarm/judge_win_rate");
        if (pw != null && jw != null && Double.isFinite(pw) && Double.isFinite(jw)) {
            gap.add(pw - jw);
        }
        Map<String, Double> s = new LinkedHashMap<>();
        int w = cfg.window;
        if (kl.size() >= w) {
            s.put("kl_growth", slope(tail(kl, w)) / cfg.klGrowthPerStep);
        }
        if (length.size() >= w) {
            double l = mean(tail(length, w));
            lowestLength = Math.min(lowestLength, l);
            s.put("length_growth", (l - lowestLength) / Math.max(lowestLength, 1.0) / cfg.lengthGrowth);
        }
        if (uncertainty.size() >= Math.max(w, cfg.warmup)) {
            double u0 = mean(uncertainty.subList(0, cfg.warmup));
            if (u0 > 0) {
                s.put("disagreement", mean(tail(uncertainty, w)) / u0 / cfg.disagreement);
            }
        }
        if (!gap.isEmpty()) {
            if (firstGap == null) {
                firstGap = gap.get(0);
            }
            List<Double> recent = tail(gap, Math.min(gap.size(), 2));
            s.put("proxy_judge_gap", Math.max(0, mean(recent) - firstGap) / cfg.proxyJudgeGap);
        }
        if (entropy.size() >= Math.max(w, cfg.warmup)) {
            double h0 = mean(entropy.subList(0, cfg.warmup));
            if (h0 > 0) {
                s.put("entropy_collapse", Math.max(0, 1 - mean(tail(entropy, w)) / h0) / cfg.entropyDrop);
            }
        }
        double score = 0;
        String top = null;
        for (Map.Entry<String, Double> e : s.entrySet()) {
            if (Double.isFinite(e.getValue()) && e.getValue() > score) {
                score = e.getValue();
                top = e.getKey();
            }
        }
        boolean justFired = false;
        if (firstStep == 0 && step > cfg.warmup) {
            above = score >= 1 ? above + 1 : 0;
            if (above >= cfg.patience) {
                firstStep = step;
                justFired = true;
                reason = String.format(Locale.ROOT, "%s at %.2f× its limit for %d steps", top, score, cfg.patience);
            }
        }
        return new Reading(s, score, firstStep > 0, justFired, firstStep, reason);
    }

    /** The 1-based step the alarm fired at, or 0. */
    public long firstStep() {
        return firstStep;
    }

    private static void add(List<Double> to, Double v) {
        if (v != null && Double.isFinite(v)) {
            to.add(v);
        }
    }

    private static List<Double> tail(List<Double> v, int n) {
        return v.subList(v.size() - n, v.size());
    }

    private static double mean(List<Double> v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.size();
    }

    /** Least-squares slope per step. */
    static double slope(List<Double> v) {
        int n = v.size();
        double mx = (n - 1) / 2.0, my = mean(v), num = 0, den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - mx) * (v.get(i) - my);
            den += (i - mx) * (i - mx);
        }
        return num / den;
    }
}
