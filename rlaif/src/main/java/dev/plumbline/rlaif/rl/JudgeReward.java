// Direct RLAIF's reward: the judge's preference for the response over π_ref's answer, with no reward model.
package dev.plumbline.rlaif.rl;

import dev.plumbline.rlaif.label.BatchLabeling;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.ppo.RewardSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The reward of direct RLAIF (Lee et al. 2024, "RLAIF vs. RLHF", d-RLAIF): the AI judge scores each
 * response during training, so there is no reward model to go stale. Our judges compare two
 * responses, so the score is the judge's probability of preferring the response y over a reference
 * answer y_ref to the same prompt — the reference policy's greedy response:
 *
 * <pre>
 *   p(x, y) = P_judge(y ≻ y_ref | x)     probabilityA when the judge has one, else 1 / 0.5 / 0 for win / tie / loss
 *   r(x, y) = 2·p − 1  ∈ [−1, 1]          normalised: 0 is "as good as π_ref"
 * </pre>
 *
 * A failed judgement counts as p = 0.5 (no information) and is counted in {@link #failures()}.
 * All of a step's queries go to the judge at once ({@link BatchLabeling}: batched for the model
 * judge, {@code concurrency} calls in flight for the HTTP judge). The response is shown as A; wrap
 * the judge in {@link dev.plumbline.rlaif.label.BothOrders} to ask both orders. After
 * {@link #atStep(long) atStep(s)} the i-th query of a call of n is labeling index {@code s·n + i}
 * (the index a random or drifting judge keys on), so a resumed run asks exactly what an
 * uninterrupted one would; without it, queries are numbered in the order asked.
 *
 * <pre>{@code
 * JudgeReward r = new JudgeReward(judge, prompts -> greedyAnswers(reference, prompts), 8);
 * RewardSource.Scored s = r.score(List.of("up ab"), List.of("AB"));   // rewards in [−1, 1]
 * }</pre>
 */
public final class JudgeReward implements RewardSource {
    private final PreferenceLabeler judge;
    private final Function<List<String>, List<String>> referenceAnswers;
    private final int concurrency;
    private long asked, failures;
    private long step = -1;

    /**
     * @param judge            the AI labeler
     * @param referenceAnswers y_ref for each of a list of distinct prompts, in order
     * @param concurrency      judge calls in flight for a concurrent (server) judge, &ge; 1
     */
    public JudgeReward(PreferenceLabeler judge, Function<List<String>, List<String>> referenceAnswers, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("judge reward: concurrency must be >= 1, got " + concurrency);
        }
        this.judge = judge;
        this.referenceAnswers = referenceAnswers;
        this.concurrency = concurrency;
    }

    @Override
    public Scored score(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException("judge reward: " + prompts.size() + " prompts but " + responses.size()
                    + " responses");
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(prompts));
        List<String> answers = referenceAnswers.apply(distinct);
        if (answers.size() != distinct.size()) {
            throw new IllegalStateException("judge reward: " + answers.size() + " reference answers for "
                    + distinct.size() + " prompts");
        }
        Map<String, String> ref = new HashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            ref.put(distinct.get(i), answers.get(i));
        }
        long base = step >= 0 ? step * prompts.size() : asked;
        List<LabelPair> asks = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            asks.add(new LabelPair(base + i, prompts.get(i), responses.get(i), ref.get(prompts.get(i))));
        }
        asked += prompts.size();
        List<Judgement> js = BatchLabeling.labelAll(judge, asks, concurrency);
        float[] rewards = new float[prompts.size()], p = new float[prompts.size()];
        for (int i = 0; i < js.size(); i++) {
            p[i] = (float) winProbability(js.get(i));
            rewards[i] = 2 * p[i] - 1;
            if (!js.get(i).succeeded()) {
                failures++;
            }
        }
        return new Scored(rewards, p, null);
    }

    /** Numbers the next call's queries from optimisation step {@code s} (see the class comment). */
    public void atStep(long s) {
        if (s < 0) {
            throw new IllegalArgumentException("judge reward: step must be >= 0, got " + s);
        }
        this.step = s;
    }

    /** P(A ≻ B) of one judgement: its probability when it has one, else 1 / 0.5 / 0; 0.5 when it failed. */
    public static double winProbability(Judgement j) {
        if (!j.succeeded()) {
            return 0.5;
        }
        if (j.probabilityA() != null) {
            return j.probabilityA();
        }
        return switch (j.preferred()) {
            case A -> 1.0;
            case B -> 0.0;
            default -> 0.5;
        };
    }

    /** Judge queries made so far. */
    public long asked() {
        return asked;
    }

    /** Judgements that failed so far (scored 0.5). */
    public long failures() {
        return failures;
    }
}
