// The audit of one run directory: the labeler audit on its pairs, the pθ audit when rm/ exists,
// written to audit.json and audit.html. The hook behind `plumbline audit`.
package dev.plumbline.rlaif.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plumbline.nn.GPT;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.pipeline.ProxyReward;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.policy.Policies;
import dev.plumbline.rlaif.reward.PreferenceEnsemble;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.rlaif.reward.PreferenceModelTrainer;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audits a run directory:
 * <ol>
 *   <li>opens it with its own {@code config.json} and builds the configured labeler;</li>
 *   <li>runs {@link LabelerAudit} on the first {@code maxPairs} pairs of {@code pairs.jsonl}, with
 *       {@link TemplateVariant} as the second labeler;</li>
 *   <li>when {@code rm/member-0} and {@code preferences.jsonl} exist: rebuilds pθ's held-out split
 *       (the train-rm stage's own split: {@link ProxyReward#trainingExamples}, {@link ProxyReward#trainerConfig}),
 *       samples {@code policyPairs} prompts twice from the PPO policy (the SFT policy if PPO has not
 *       run) and runs {@link PreferenceModelAudit};</li>
 *   <li>writes {@code audit.json} (atomically) and {@code audit.html} ({@link AuditReport}).</li>
 * </ol>
 *
 * <pre>{@code
 * RunAudit.Result r = RunAudit.run(Path.of("runs/demo"), new RunAudit.Options(2000, 128), System.err);
 * System.out.print(AuditReport.table(r));
 * }</pre>
 */
public final class RunAudit {
    /** Prompt index range for audit policy samples, disjoint from the pipeline's ranges (evaluation starts at 9M). */
    static final long POLICY_PROMPTS_FROM = 9_500_000L;

    /** JSON of audit.json: snake_case names, indented. */
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private RunAudit() {
    }

    /**
     * @param maxPairs    at most this many pairs of pairs.jsonl are audited (from the start), &ge; 1
     * @param policyPairs prompts sampled twice from the policy for the disagreement signal, &ge; 0
     */
    public record Options(int maxPairs, int policyPairs) {
        public Options {
            if (maxPairs < 1) throw new IllegalArgumentException("maxPairs must be >= 1, got " + maxPairs);
            if (policyPairs < 0) throw new IllegalArgumentException("policyPairs must be >= 0, got " + policyPairs);
        }
    }

    /**
     * What was audited and where it was written.
     *
     * @param runDir          the run directory
     * @param labeler         the labeler audit
     * @param preferenceModel the pθ audit, or null when the run has no rm/
     * @param policySource    "ppo", "sft", or null: which policy the disagreement samples came from
     * @param json            audit.json
     * @param html            audit.html
     */
    public record Result(Path runDir, LabelerAudit labeler, PreferenceModelAudit preferenceModel, String policySource,
                         Path json, Path html) {
    }

    /** Audits {@code dir} (see the class comment); progress lines go to {@code log}. */
    public static Result run(Path dir, Options options, PrintStream log) throws IOException {
        Path pairsFile = dir.resolve("pairs.jsonl");
        RlaifPipeline p = RlaifPipeline.open(dir, null, log);
        if (!Files.exists(pairsFile)) {
            throw new IllegalStateException(pairsFile + " does not exist: run 'plumbline sample --run-dir " + dir + "' first");
        }
        List<PairRecord> records = Jsonl.read(pairsFile, PairRecord.class);
        if (records.size() > options.maxPairs()) records = records.subList(0, options.maxPairs());
        PreferenceLabeler labeler = p.labeler();
        PreferenceLabeler alt = TemplateVariant.of(p.config(), labeler);
        long t0 = System.nanoTime();
        LabelerAudit la = LabelerAudit.of(labeler, LabelerAudit.fromRecords(records), p.gold(),
                LabelerAudit.Options.defaults().withAlternative(alt));
        log.printf(java.util.Locale.ROOT, "[audit   ] labeler: %d pairs, %d queries in %.1f s%n", la.pairs(), la.queries(),
                (System.nanoTime() - t0) / 1e9);

        PreferenceModelAudit pa = null;
        String policySource = null;
        Path rm = dir.resolve("rm"), prefsFile = dir.resolve("preferences.jsonl");
        if (Files.isDirectory(rm.resolve("member-0")) && Files.exists(prefsFile)) {
            t0 = System.nanoTime();
            RlaifConfig cfg = p.config();
            List<PreferenceModel> members = new ArrayList<>();
            for (int i = 0; Files.isDirectory(rm.resolve("member-" + i)); i++) {
                members.add(PreferenceModel.load(rm.resolve("member-" + i), p.device()));
            }
            PreferenceEnsemble ensemble = new PreferenceEnsemble(members);
            List<PreferenceExample> examples = ProxyReward.trainingExamples(cfg, Jsonl.read(prefsFile, PreferenceRecord.class),
                    p.gold());
            List<PreferenceExample> heldOut = new PreferenceModelTrainer(ProxyReward.trainerConfig(cfg)).split(examples).heldOut();
            PreferenceModelAudit.ResponsePairs policy = null;
            if (members.size() > 1 && options.policyPairs() > 0) {
                boolean ppoDone = p.runDirectory().isDone(RlaifPipeline.PPO);
                policySource = ppoDone ? "ppo" : "sft";
                GPT pi = ppoDone ? p.loadPpo() : p.loadSft();
                List<String> prompts = p.prompts(POLICY_PROMPTS_FROM, options.policyPairs());
                Generator gen = new Generator(cfg.seed * 31 + 12);
                List<String> a = Policies.sampleAll(pi, p.codec(), prompts, cfg.eval.temperature, cfg.ppo.maxNewTokens,
                        128, gen).responses();
                List<String> b = Policies.sampleAll(pi, p.codec(), prompts, cfg.eval.temperature, cfg.ppo.maxNewTokens,
                        128, gen).responses();
                policy = new PreferenceModelAudit.ResponsePairs(prompts, a, b);
            }
            pa = PreferenceModelAudit.of(ensemble, heldOut, policy);
            log.printf(java.util.Locale.ROOT, "[audit   ] preference model: %d member(s), %d held-out pairs in %.1f s%n",
                    members.size(), heldOut.size(), (System.nanoTime() - t0) / 1e9);
        }

        Path json = dir.resolve("audit.json"), html = dir.resolve("audit.html");
        Result result = new Result(dir, la, pa, policySource, json, html);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_dir", dir.toString());
        out.put("labeler_settings", labeler.settings());
        out.put("labeler", la);
        out.put("preference_model", pa);
        out.put("policy_source", policySource);
        p.runDirectory().write("audit.json", JSON.writeValueAsString(out));
        AuditReport.html(result).write(html);
        return result;
    }
}
