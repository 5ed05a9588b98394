// Re-labels a few of a step's samples with the run's judge to see whether pθ and the judge still agree.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.rlaif.label.BatchLabeling;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.rlaif.rl.JudgeReward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The proxy–judge divergence probe of the {@link OnsetAlarm}: for the first {@code n} of a step's
 * (prompt, response) samples, the reference policy's greedy answer y_ref is computed and both the
 * proxy and the judge say how likely the response beats it:
 *
 * <pre>
 *   proxy:  P_θ(y ≻ y_ref) = σ(f(x, y) − f(x, y_ref))        pθ's raw Bradley–Terry scores
 *   judge:  P_judge(y ≻ y_ref)                                probabilityA, else 1 / ½ / 0; failed = ½
 *   alarm/proxy_win_rate, alarm/judge_win_rate                their means over the n samples
 * </pre>
 *
 * When the policy exploits pθ, pθ's win rate keeps rising while the judge's — the labeler pθ was
 * meant to imitate — does not: the gap grows. The probe costs n greedy generations, 2n pθ scores and
 * n judge calls every {@code judgeEvery} steps. Judge queries are numbered from {@link #INDEX_BASE}
 * ({@code INDEX_BASE + step·n + i}), apart from the labels' pair indices, so a random judge's draws
 * are the same on a resumed run.
 *
 * <pre>{@code
 * ProxyJudgeProbe probe = new ProxyJudgeProbe(judge, proxy, prompts -> greedy(reference, prompts), 16, 1);
 * Map<String, Double> m = probe.measure(step, prompts, responses);   // alarm/proxy_win_rate, alarm/judge_win_rate
 * }</pre>
 */
public final class ProxyJudgeProbe {
    /** First labeling index of probe queries (2<sup>38</sup>: beyond any pair file, below {@link LabelPair#STEP_PERIOD}). */
    public static final long INDEX_BASE = 1L << 38;

    private final PreferenceLabeler judge;
    private final RewardSource proxy;
    private final Function<List<String>, List<String>> referenceAnswers;
    private final int n;
    private final int concurrency;

    /**
     * @param judge            the run's labeler
     * @param proxy            pθ (its {@code rawScores} are Bradley–Terry scores)
     * @param referenceAnswers π_ref's greedy answer to each of a list of prompts, in order
     * @param n                samples per probe, &ge; 1
     * @param concurrency      judge calls in flight for a concurrent (server) judge, &ge; 1
     */
    public ProxyJudgeProbe(PreferenceLabeler judge, RewardSource proxy, Function<List<String>, List<String>> referenceAnswers,
                           int n, int concurrency) {
        if (n < 1 || concurrency < 1) {
            throw new IllegalArgumentException("proxy-judge probe: n and concurrency must be >= 1, got " + n + ", " + concurrency);
        }
        this.judge = judge;
        this.proxy = proxy;
        this.referenceAnswers = referenceAnswers;
        this.n = n;
        this.concurrency = concurrency;
    }

    /** Probes the first n samples of 0-based step {@code step}. */
    public Map<String, Double> measure(long step, List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException("proxy-judge probe: " + prompts.size() + " prompts but " + responses.size()
                    + " responses");
        }
        int k = Math.min(n, prompts.size());
        if (k == 0) {
            return Map.of();
        }
        List<String> ps = prompts.subList(0, k), ys = responses.subList(0, k);
        List<String> refs = referenceAnswers.apply(ps);
        if (refs.size() != k) {
            throw new IllegalStateException("proxy-judge probe: " + refs.size() + " reference answers for " + k + " prompts");
        }
        List<String> both = new ArrayList<>(ps);
        both.addAll(ps);
        List<String> answers = new ArrayList<>(ys);
        answers.addAll(refs);
        float[] raw = proxy.score(both, answers).rawScores();
        List<LabelPair> asks = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            asks.add(new LabelPair(INDEX_BASE + step * n + i, ps.get(i), ys.get(i), refs.get(i)));
        }
        List<Judgement> js = BatchLabeling.labelAll(judge, asks, concurrency);
        double proxyWins = 0, judgeWins = 0;
        for (int i = 0; i < k; i++) {
            proxyWins += 1 / (1 + Math.exp(-(raw[i] - raw[k + i])));
            judgeWins += JudgeReward.winProbability(js.get(i));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("alarm/proxy_win_rate", proxyWins / k);
        out.put("alarm/judge_win_rate", judgeWins / k);
        return out;
    }
}
