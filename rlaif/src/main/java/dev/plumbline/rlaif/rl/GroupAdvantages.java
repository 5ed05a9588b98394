// Critic-free advantages from k responses per prompt: RLOO's leave-one-out baseline and GRPO's group normalisation.
package dev.plumbline.rlaif.rl;

/**
 * Advantages from sequence-level rewards of responses sampled in groups of {@code k} per prompt,
 * stored consecutively ({@code rewards[g·k .. g·k+k−1]} are the k responses to prompt g), computed
 * in float64.
 *
 * <pre>
 * RLOO (Ahmadian et al. 2024):  A_i = R_i − (Σ_{j≠i} R_j)/(k−1)           = k/(k−1)·(R_i − mean_g R)
 * GRPO (Shao et al. 2024):      A_i = (R_i − mean_g R) / (std + 1e-4)     std: the group's (GROUP),
 *                                                                         the batch's (BATCH) or 1 (NONE, Dr. GRPO)
 * </pre>
 * Standard deviations are unbiased (n − 1), as {@code torch.std} and TRL's GRPOTrainer compute them.
 *
 * <pre>{@code
 * float[] a = GroupAdvantages.leaveOneOut(new double[] {1, 0, 0, 1}, 2);   // {1, −1, −1, 1}
 * float[] g = GroupAdvantages.groupNormalized(rewards, 4, GroupAdvantages.Scale.GROUP);
 * }</pre>
 */
public final class GroupAdvantages {
    private GroupAdvantages() {}

    /** How GRPO divides the centred rewards (TRL's {@code scale_rewards}). */
    public enum Scale {
        /** By the group's standard deviation (GRPO as published). */
        GROUP,
        /** By the whole batch's standard deviation (Hu et al., REINFORCE++-style). */
        BATCH,
        /** Not at all (Dr. GRPO: removes the bias toward low-variance prompts). */
        NONE;

        /** Parses group / batch / none (case-insensitive). */
        public static Scale parse(String s) {
            for (Scale v : values()) {
                if (v.name().equalsIgnoreCase(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown reward scaling '" + s + "': expected group, batch or none");
        }
    }

    /** RLOO's advantages: each reward minus the mean of the other k − 1 rewards of its group. */
    public static float[] leaveOneOut(double[] rewards, int k) {
        checkGroups("rloo", rewards.length, k);
        float[] out = new float[rewards.length];
        for (int g = 0; g < rewards.length; g += k) {
            double sum = 0;
            for (int i = g; i < g + k; i++) {
                sum += rewards[i];
            }
            for (int i = g; i < g + k; i++) {
                out[i] = (float) (rewards[i] - (sum - rewards[i]) / (k - 1));
            }
        }
        return out;
    }

    /** GRPO's advantages: rewards centred on their group's mean, scaled as {@code scale} says. */
    public static float[] groupNormalized(double[] rewards, int k, Scale scale) {
        checkGroups("grpo", rewards.length, k);
        double[] groupStd = groupStd(rewards, k);
        double batchStd = std(rewards, 0, rewards.length);
        float[] out = new float[rewards.length];
        for (int g = 0; g < rewards.length; g += k) {
            double mean = mean(rewards, g, g + k);
            double div = switch (scale) {
                case GROUP -> groupStd[g / k] + 1e-4;
                case BATCH -> batchStd + 1e-4;
                case NONE -> 1.0;
            };
            for (int i = g; i < g + k; i++) {
                out[i] = (float) ((rewards[i] - mean) / div);
            }
        }
        return out;
    }

    /** The unbiased standard deviation of each group (length B/k). */
    public static double[] groupStd(double[] rewards, int k) {
        checkGroups("group std", rewards.length, k);
        double[] out = new double[rewards.length / k];
        for (int g = 0; g < out.length; g++) {
            out[g] = std(rewards, g * k, g * k + k);
        }
        return out;
    }

    /** Normalises advantages to zero mean and unit (unbiased) standard deviation over the batch (TRL RLOO's {@code normalize_advantage}). */
    public static float[] whiten(float[] adv) {
        double[] d = new double[adv.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = adv[i];
        }
        double m = mean(d, 0, d.length), s = std(d, 0, d.length);
        float[] out = new float[adv.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((d[i] - m) / (s + 1e-8));
        }
        return out;
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    private static double std(double[] v, int from, int to) {
        int n = to - from;
        if (n < 2) {
            return 0;
        }
        double m = mean(v, from, to), ss = 0;
        for (int i = from; i < to; i++) {
            ss += (v[i] - m) * (v[i] - m);
        }
        return Math.sqrt(ss / (n - 1));
    }

    private static void checkGroups(String what, int n, int k) {
        if (k < 2) {
            throw new IllegalArgumentException(what + ": needs at least 2 responses per prompt, got k = " + k);
        }
        if (n % k != 0) {
            throw new IllegalArgumentException(what + ": " + n + " rewards do not split into groups of k = " + k);
        }
    }
}
