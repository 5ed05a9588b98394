package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Arms as derived run directories: what they copy, what they rerun, resume, and the errors. No training. */
class SweepTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** A base run whose sft and sample stages are faked: only the label stage can run on it. */
    private static Path fabricate(Path dir) throws Exception {
        RlaifConfig c = new RlaifConfig();
        c.sampling.pairs = 200;
        RlaifPipeline p = RlaifPipeline.open(dir, c, QUIET);
        List<PairRecord> pairs = new ArrayList<>();
        int i = 0;
        for (Task t : TaskSuite.builder().seed(3).build().tasks(0, 200)) {
            String x = t.answer();
            pairs.add(new PairRecord("p" + i, t.prompt(), i % 2 == 0 ? x : x + " ok", i % 3 == 0 ? "z" + x : x));
            i++;
        }
        Jsonl.writeAtomic(dir.resolve("pairs.jsonl"), pairs);
        p.runDirectory().markDone(RlaifPipeline.SFT, Map.of("note", "faked"));
        p.runDirectory().markDone(RlaifPipeline.SAMPLE, Map.of("pairs", pairs.size()));
        return dir;
    }

    @Test
    void armRejectsBadNamesAndStageOrders() {
        assertThrows(IllegalArgumentException.class, () -> Arm.of("../x", "", RlaifPipeline.LABEL, c -> { }));
        assertThrows(IllegalArgumentException.class, () -> Arm.of("a", "", RlaifPipeline.SFT, c -> { }),
                "sft is never rerun: every arm shares the base's policy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Arm.of("a", "", RlaifPipeline.PPO, c -> { }).through(RlaifPipeline.LABEL));
        assertTrue(e.getMessage().contains("from (ppo) <= last (label)"), e.getMessage());
        assertEquals(List.of(RlaifPipeline.LABEL, RlaifPipeline.REWARD_MODEL, RlaifPipeline.PPO, RlaifPipeline.EVAL),
                Arm.of("a", "", RlaifPipeline.LABEL, c -> { }).stagesToRun());
    }

    @Test
    void sweepNamesWhatTheBaseRunLacks(@TempDir Path dir) throws Exception {
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> Sweep.over(dir, "x", QUIET));
        assertTrue(none.getMessage().contains("no config.json") && none.getMessage().contains("plumbline demo"),
                none.getMessage());
        Path base = fabricate(dir.resolve("base"));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> Sweep.over(base, "x", QUIET, RlaifPipeline.SFT, RlaifPipeline.LABEL));
        assertTrue(missing.getMessage().contains("needs stage 'label' done"), missing.getMessage());
    }

    @Test
    void anArmCopiesWhatItReusesRerunsTheRestAndResumesWithoutWork(@TempDir Path dir) throws Exception {
        Path base = fabricate(dir.resolve("base"));
        Sweep sweep = Sweep.over(base, "noise", QUIET, RlaifPipeline.SAMPLE);
        Arm noisy = Arm.of("eps-0.3", "30% flipped", RlaifPipeline.LABEL, c -> c.labeler.noise = 0.3)
                .through(RlaifPipeline.LABEL);
        ArmResult r = sweep.run(noisy);
        Path arm = base.resolve("experiments/noise/eps-0.3");
        assertEquals(arm, r.dir());
        assertEquals(Files.readString(base.resolve("pairs.jsonl")), Files.readString(arm.resolve("pairs.jsonl")));
        assertTrue(Files.exists(arm.resolve("stages/sample.json")) && Files.exists(arm.resolve("stages/label.json")));
        assertFalse(Files.exists(arm.resolve("stages/train-rm.json")), "the arm stops where it was told to");
        assertFalse(Files.exists(base.resolve("preferences.jsonl")), "the base run is never written to");
        assertEquals(0.3, r.config("labeler.noise").asDouble());
        assertEquals(200, Jsonl.read(arm.resolve("preferences.jsonl"), PreferenceRecord.class).size());
        assertTrue(Double.isFinite(r.stage(RlaifPipeline.LABEL, "agreement_with_gold")));
        assertTrue(Double.isNaN(r.eval("ppo", "gold_score")), "no evaluation ran: NaN, not 0");

        // a second run of the same arm loads it: nothing is relabeled
        Files.setLastModifiedTime(arm.resolve("preferences.jsonl"), FileTime.fromMillis(0));
        sweep.run(noisy);
        assertEquals(0, Files.getLastModifiedTime(arm.resolve("preferences.jsonl")).toMillis());

        // the same arm name with another change is refused rather than mixed
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sweep.run(
                Arm.of("eps-0.3", "", RlaifPipeline.LABEL, c -> c.labeler.noise = 0.2).through(RlaifPipeline.LABEL)));
        assertTrue(e.getMessage().contains("different config.json"), e.getMessage());

        // a child arm starts from its parent's outputs and config
        ArmResult child = sweep.run(Arm.of("eps-0.3-pos", "and position bias", RlaifPipeline.LABEL,
                c -> c.labeler.positionBias = 0.2).after("eps-0.3").through(RlaifPipeline.LABEL));
        assertEquals(0.3, child.config("labeler.noise").asDouble());
        assertEquals(0.2, child.config("labeler.positionBias").asDouble());
    }

    @Test
    void anArmThatIsTheBaseRunReusesIt(@TempDir Path dir) throws Exception {
        Path base = fabricate(dir.resolve("base"));
        RlaifPipeline.open(base, null, QUIET).label();
        ArmResult same = Sweep.over(base, "x", QUIET).run(Arm.of("same", "", RlaifPipeline.LABEL, c -> { })
                .through(RlaifPipeline.LABEL));
        assertEquals(base, same.dir());
        assertFalse(Files.exists(base.resolve("experiments/x/same")));
    }

    @Test
    void aReplicateSeedGoesToEveryArmAndASweepDirectoryOfItsOwn(@TempDir Path dir) throws Exception {
        Path base = fabricate(dir.resolve("base"));
        ExperimentOptions o = ExperimentOptions.defaults().withValues(List.of(0.1)).withSeed(77);
        assertEquals("noise/seed-77", o.sweepName("noise"));
        assertEquals("noise", ExperimentOptions.defaults().sweepName("noise"));
        assertEquals(77L, o.withPpoSteps(3).withKlCoef(0.1).withEvalPrompts(5).withValues(List.of()).seed(),
                "every with* keeps the seed");
        RlaifConfig c = new RlaifConfig();
        ExperimentOptions.defaults().applyTo(c);
        assertEquals(1, c.seed, "without a replicate seed the arm keeps the base run's");
        o.applyTo(c);
        assertEquals(77, c.seed);

        // two replicates of one arm: separate directories, the same pairs, different labeler draws
        List<List<PreferenceRecord>> labels = new ArrayList<>();
        for (long seed : new long[] {77, 78}) {
            ExperimentOptions r = o.withSeed(seed);
            ArmResult a = Sweep.over(base, r.sweepName("noise"), QUIET).run(Arm.of("eps-0.5", "", RlaifPipeline.LABEL, cfg -> {
                cfg.labeler.noise = 0.5;
                r.applyTo(cfg);
            }).through(RlaifPipeline.LABEL));
            assertEquals(base.resolve("experiments/noise/seed-" + seed + "/eps-0.5"), a.dir());
            assertEquals(seed, a.config("seed").asLong());
            labels.add(Jsonl.read(a.dir().resolve("preferences.jsonl"), PreferenceRecord.class));
        }
        assertEquals(labels.get(0).size(), labels.get(1).size());
        long differ = 0;
        for (int i = 0; i < labels.get(0).size(); i++) {
            differ += labels.get(0).get(i).label() == labels.get(1).get(i).label() ? 0 : 1;
        }
        assertTrue(differ > 20, "at ε = 0.5 the two replicates' labels are independent coin flips: " + differ + " of 200 differ");
    }
}
