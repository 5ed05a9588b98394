// The policy optimisers the pipeline can run, by the id that --algorithm and config.json use.
package dev.plumbline.rlaif.rl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The policy optimisers of the pipeline's policy-optimisation stage.
 *
 * <pre>{@code
 * Algorithm a = Algorithm.parse("online-dpo");   // ONLINE_DPO
 * a.id();                                        // "online-dpo"
 * Algorithm.parseList("ppo,grpo");               // [PPO, GRPO]
 * }</pre>
 */
public enum Algorithm {
    /** PPO with a critic, GAE and the KL penalty in the reward ({@link dev.plumbline.rlaif.ppo.PpoTrainer}). */
    PPO("ppo"),
    /** REINFORCE leave-one-out, no critic ({@link RlooTrainer}). */
    RLOO("rloo"),
    /** Group-relative policy optimisation, no critic, KL as a loss term ({@link GrpoTrainer}). */
    GRPO("grpo"),
    /** Online DPO: two responses per prompt, the judge picks, a DPO step against π_ref ({@link OnlineDpoTrainer}). */
    ONLINE_DPO("online-dpo"),
    /** Direct RLAIF: the judge's score is the reward, no reward model ({@link DirectRlaif}). */
    D_RLAIF("d-rlaif");

    private final String id;

    Algorithm(String id) {
        this.id = id;
    }

    /** The id as {@code --algorithm} takes it ({@code ppo}, {@code rloo}, {@code grpo}, {@code online-dpo}, {@code d-rlaif}). */
    public String id() {
        return id;
    }

    /** Whether the update asks the run's labeler during training (online DPO with judge feedback, direct RLAIF). */
    public boolean asksJudgeOnline() {
        return this == ONLINE_DPO || this == D_RLAIF;
    }

    /** Parses an id (case-insensitive; {@code _} for {@code -} is accepted). */
    public static Algorithm parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Algorithm a : values()) {
            if (a.id.equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + s + "': expected one of "
                + Arrays.stream(values()).map(Algorithm::id).toList());
    }

    /** Parses a comma-separated list of ids, each once, in the order given. */
    public static List<Algorithm> parseList(String s) {
        List<Algorithm> out = new ArrayList<>();
        for (String part : (s == null ? "" : s).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            Algorithm a = parse(part);
            if (out.contains(a)) {
                throw new IllegalArgumentException("algorithm '" + a.id() + "' is listed twice in '" + s + "'");
            }
            out.add(a);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no algorithm in '" + s + "'");
        }
        return out;
    }
}
