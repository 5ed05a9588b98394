// The second labeler of a template-sensitivity check: the run's labeler with its instructions changed slightly.
package dev.plumbline.rlaif.audit;

import dev.plumbline.rlaif.label.BothOrders;
import dev.plumbline.rlaif.label.Constitution;
import dev.plumbline.rlaif.label.HttpJudge;
import dev.plumbline.rlaif.label.JudgeTemplate;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.Principle;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.label.Term;
import dev.plumbline.rlaif.pipeline.RlaifConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * A variant of a run's configured labeler whose instructions differ in one small, plausible way,
 * for {@link LabelerAudit.Options#alternative()}:
 * <ul>
 *   <li>rule judge: the same settings and seed, and the run's constitution plus one sentence,
 *       "Prefer the shorter of two otherwise equal responses." (BREVITY weight {@value #EXTRA_BREVITY});
 *       because the seed is the same, labels differ only where that sentence tips a decision;</li>
 *   <li>HTTP judge: the same server and model asked with {@link #REWORDED} instead of the default template.</li>
 * </ul>
 * A rule judge wrapped in {@link BothOrders} ({@code labeler.bothOrders}) gets a wrapped variant; the
 * variant keeps the configured drifts. Other labelers (the model judge) have no instructions to vary.
 * The rule-judge constitution is rebuilt from {@code config.labeler} the way
 * {@code RlaifPipeline.labeler()} builds it (kept in step by hand; the audit test compares the two).
 *
 * <pre>{@code
 * RlaifPipeline p = RlaifPipeline.open(dir, null, System.err);
 * PreferenceLabeler alt = TemplateVariant.of(p.config(), p.labeler());
 * }</pre>
 */
public final class TemplateVariant {
    /** BREVITY weight of the added sentence. */
    public static final double EXTRA_BREVITY = 0.1;

    /** The default pairwise template in other words, with the same meaning. */
    public static final JudgeTemplate REWORDED = new JudgeTemplate("pairwise-v1-reworded",
            "You judge short answers carefully and without favouring either side.",
            "Instruction: {prompt}\nFirst response (A): {response_a}\nSecond response (B): {response_b}\n\n"
                    + "Which of the two is the better answer to the instruction? The best answer is correct and adds "
                    + "nothing else. Reply with the single letter A or B.");

    private TemplateVariant() {
    }

    /** The variant of {@code base} (the labeler {@code config} describes), or null for a labeler kind it cannot vary. */
    public static PreferenceLabeler of(RlaifConfig config, PreferenceLabeler base) {
        RlaifConfig.Labeler l = config.labeler;
        if (l.kind.equals("http")) {
            return HttpJudge.builder().baseUrl(l.url).model(l.model).apiKeyFromEnv(l.apiKeyEnv).template(REWORDED).build();
        }
        if (base instanceof BothOrders wrapped) {
            PreferenceLabeler inner = of(config, wrapped.inner());
            return inner == null ? null : new BothOrders(inner);
        }
        if (!(base instanceof RuleJudge)) return null;
        List<Principle> principles = new ArrayList<>();
        if (l.correctnessWeight > 0) principles.add(new Principle("The answer must be correct.", Term.CORRECTNESS, l.correctnessWeight));
        if (l.noPaddingWeight > 0) {
            principles.add(new Principle("The response must contain nothing but the answer.", Term.NO_PADDING, l.noPaddingWeight));
        }
        if (l.brevityWeight > 0) principles.add(new Principle("Shorter responses are better.", Term.BREVITY, l.brevityWeight));
        principles.add(new Principle("Prefer the shorter of two otherwise equal responses.", Term.BREVITY, EXTRA_BREVITY));
        Constitution c = new Constitution(base.templateId() + "+shorter", principles);
        long seed = ((Number) base.settings().get("seed")).longValue();
        RuleJudge.Builder b = RuleJudge.builder().seed(seed).constitution(c).misjudgeRate(l.misjudgeRate)
                .lengthBias(l.lengthBias).positionBias(l.positionBias).sycophancy(l.sycophancy).noise(l.noise)
                .sharpness(l.sharpness).tieMargin(l.tieMargin);
        for (RlaifConfig.DriftSpec d : l.drifts) b.drift(d.toDrift());   // else labels would differ by drift too
        return b.build();
    }
}
