// Standardises rewards with the mean and std measured on reference-policy samples; saved as JSON for PPO resume.
package dev.plumbline.rlaif.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * (x − μ) / σ with μ, σ the mean and population std of rewards fitted on reference-policy samples
 * (so r = 0 means "as good as the reference policy on average").
 *
 * <pre>{@code
 * RewardNormalizer norm = RewardNormalizer.fit(rewardFn.rewards(prompts, referenceSamples));
 * double[] r = norm.apply(rewardFn.rewards(prompts, policySamples));
 * norm.save(runDir.resolve("reward_normalizer.json"));     // RewardNormalizer.load(...) on resume
 * }</pre>
 *
 * @param mean  μ
 * @param std   σ &gt; 0
 * @param count samples μ and σ were fitted on
 */
public record RewardNormalizer(double mean, double std, long count) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RewardNormalizer {
        if (!Double.isFinite(mean)) throw new IllegalArgumentException("RewardNormalizer: mean must be finite, got " + mean);
        if (!(std > 0) || Double.isInfinite(std)) throw new IllegalArgumentException("RewardNormalizer: std must be finite and > 0, got " + std);
        if (count < 0) throw new IllegalArgumentException("RewardNormalizer: count must be >= 0, got " + count);
    }

    /**
     * μ and population σ of {@code rewards} (float64).
     *
     * @throws IllegalArgumentException for no rewards, a non-finite reward, or constant rewards (σ = 0)
     */
    public static RewardNormalizer fit(double[] rewards) {
        if (rewards == null || rewards.length == 0) throw new IllegalArgumentException("RewardNormalizer.fit: no rewards");
        double s = 0;
        for (int i = 0; i < rewards.length; i++) {
            if (!Double.isFinite(rewards[i])) throw new IllegalArgumentException("RewardNormalizer.fit: reward " + i + " is " + rewards[i]);
            s += rewards[i];
        }
        double mu = s / rewards.length, ss = 0;
        for (double r : rewards) ss += (r - mu) * (r - mu);
        double sigma = Math.sqrt(ss / rewards.length);
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("RewardNormalizer.fit: the " + rewards.length + " rewards are all " + mu
                    + " (std 0), nothing to normalise by");
        }
        return new RewardNormalizer(mu, sigma, rewards.length);
    }

    /** (x − μ) / σ. */
    public double apply(double x) {
        return (x - mean) / std;
    }

    /** (x_i − μ) / σ for each i, in a new array. */
    public double[] apply(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = apply(xs[i]);
        return out;
    }

    /** {@code {"mean": μ, "std": σ, "count": n}}; doubles written exactly (shortest round-trip form). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("mean", mean);
        o.put("std", std);
        o.put("count", count);
        return o.toString();
    }

    /** Parses {@link #toJson()}; errors name the missing or bad field. */
    public static RewardNormalizer fromJson(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("RewardNormalizer: not JSON: " + e.getMessage(), e);
        }
        for (String f : new String[] {"mean", "std", "count"}) {
            if (o == null || !o.has(f) || !o.get(f).isNumber()) {
                throw new IllegalArgumentException("RewardNormalizer: missing or non-numeric field \"" + f + "\"");
            }
        }
        return new RewardNormalizer(o.get("mean").asDouble(), o.get("std").asDouble(), o.get("count").asLong());
    }

    /** Writes {@link #toJson()} atomically (temp file + rename). */
    public void save(Path file) throws IOException {
        dev.plumbline.tensor.io.AtomicFiles.writeString(file, toJson());
    }

    /** Reads a file written by {@link #save}; errors name the file. */
    public static RewardNormalizer load(Path file) throws IOException {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
