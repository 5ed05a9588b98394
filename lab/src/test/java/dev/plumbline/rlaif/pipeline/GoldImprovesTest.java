package dev.plumbline.rlaif.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.experiment.Arm;
import dev.plumbline.rlaif.experiment.ArmResult;
import dev.plumbline.rlaif.experiment.Replicates;
import dev.plumbline.rlaif.experiment.Sweep;
import dev.plumbline.testing.TestSeeds;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reduced demo (seconds per stage) in which RLAIF must measurably raise the gold reward: the SFT
 * demonstrations pad most answers ("ABC ok thanks"), the rule judge's constitution says "nothing but
 * the answer", pθ learns that from the AI labels, and PPO against pθ must beat the SFT policy on
 * held-out prompts by the gold scorer, which no stage of the loop ever saw; asserted over several
 * seeds with a 95% interval, never from one run's sign.
 */
public class GoldImprovesTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** The reduced demo: seconds per stage, and PPO still measurably improves gold. */
    public static RlaifConfig reducedDemo() {
        RlaifConfig c = new RlaifConfig();
        c.model.layers = 1;
        c.model.heads = 2;
        c.model.dModel = 48;
        c.model.contextLength = 44;
        c.tasks.kinds = List.of("upper", "count");
        c.sft.demonstrations = 1000;
        c.sft.steps = 150;
        c.sft.flawedFraction = 0.6;
        c.sft.paddedShare = 1.0;
        c.sampling.pairs = 384;
        c.sampling.maxNewTokens = 12;
        c.ppo.maxNewTokens = 12;
        c.rewardModel.epochs = 2;
        c.ppo.steps = 12;
        c.ppo.batchSize = 32;
        c.ppo.minibatchSize = 16;
        c.ppo.lr = 3e-4;
        c.eval.prompts = 128;
        return c;
    }

    /** Replicates of the demo from its label stage on (2.5 s each); see {@link #ppoAgainstTheLearnedRewardRaisesGoldOverSft}. */
    static final int SEEDS = 6;
    /** Every interval below is the lower end of a two-sided 95% t interval over the replicates. */
    static final double ALPHA = 0.025;

    /**
     * The demo end to end once (report included), then {@value #SEEDS} replicates that keep its SFT
     * policy and pairs and draw labels, pθ, PPO and the evaluation prompts from seeds derived from
     * this test's name; the claims are paired SFT-vs-PPO differences per seed with their interval.
     * Measured over 36 replicates on 3 SFT bases (AVX-512 and with -XX:UseAVX=0 alike; per seed):
     * gold gain +0.178 (sd 0.026), win rate 0.762 (sd 0.022), proxy gain +0.73 (sd 0.21).
     * Against the bars below (0.04, 0.6, 0) that is λ = 5.3, 7.4 and 3.5 standard deviations per
     * seed; with 6 seeds the probability that the 95% lower bound misses its bar although the
     * effect is as measured (noncentral t) is below 1e-5 for each, so a false failure is far rarer
     * than 1 in 1000 runs. A loop that does not learn (gain 0, win rate 0.5) fails all three.
     */
    @Test
    @SuppressWarnings("unchecked")
    void ppoAgainstTheLearnedRewardRaisesGoldOverSft(@TempDir Path dir) throws Exception {
        ReducedDemoBase.copyTo(dir);
        Map<String, Object> s = RlaifPipeline.open(dir, reducedDemo(), QUIET).runAll();
        Map<String, Object> sft = (Map<String, Object>) s.get("sft"), ppo = (Map<String, Object>) s.get("ppo");
        System.out.println("GoldImprovesTest, the demo's own seed: gold SFT " + sft.get("gold_score") + " → PPO "
                + ppo.get("gold_score") + ", win rate " + s.get("ppo_win_rate_vs_sft"));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("<svg"));

        String name = "GoldImprovesTest.ppoAgainstTheLearnedRewardRaisesGoldOverSft";
        TestSeeds.seed(name);       // recorded for the failure report
        long[] seeds = Replicates.seeds(name + "/run-" + TestSeeds.runSeed(), SEEDS);
        Sweep sweep = Sweep.over(dir, "replicates", QUIET, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        double[] goldSft = new double[SEEDS], goldPpo = new double[SEEDS], win = new double[SEEDS],
                proxySft = new double[SEEDS], proxyPpo = new double[SEEDS];
        for (int i = 0; i < SEEDS; i++) {
            long seed = seeds[i];
            ArmResult r = sweep.run(Arm.of("seed-" + seed, "the demo from its label stage with seed " + seed,
                    RlaifPipeline.LABEL, c -> c.seed = seed));
            goldSft[i] = r.eval("sft", "gold_score");
            goldPpo[i] = r.eval("ppo", "gold_score");
            win[i] = r.eval(null, "ppo_win_rate_vs_sft");
            proxySft[i] = r.eval("sft", "proxy_score");
            proxyPpo[i] = r.eval("ppo", "proxy_score");
        }
        Replicates gain = Replicates.paired("gold PPO − SFT", seeds, goldPpo, goldSft);
        Replicates wins = Replicates.of("PPO win rate vs SFT", seeds, win);
        Replicates proxy = Replicates.paired("proxy PPO − SFT", seeds, proxyPpo, proxySft);
        System.out.println("GoldImprovesTest: " + gain + "\n  " + wins + "\n  " + proxy);
        assertTrue(gain.lowerBound(ALPHA) > 0.04, "PPO must raise the gold score: " + gain);
        assertTrue(wins.lowerBound(ALPHA) > 0.6, "PPO must win against SFT on most held-out prompts: " + wins);
        assertTrue(proxy.lowerBound(ALPHA) > 0, "and the proxy reward it optimised rose too: " + proxy);
    }

}
