// audit.html and the console table of a run audit: every number with its 95% interval and a plain explanation.
package dev.plumbline.rlaif.audit;

import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;
import dev.plumbline.rlaif.reward.Calibration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link RunAudit.Result}: {@link #html} builds the self-contained page (tables, a length-bias
 * chart and reliability diagrams, each explained in two plain sentences); {@link #table} the short
 * text table {@code plumbline audit} prints.
 *
 * <pre>{@code
 * AuditReport.html(result).write(runDir.resolve("audit.html"));
 * System.out.print(AuditReport.table(result));
 * }</pre>
 */
public final class AuditReport {
    private AuditReport() {
    }

    private static final List<String> HEADER = List.of("measure", "value", "95% interval", "count / trials", "ideal");

    /** The audit page. */
    public static HtmlReport html(RunAudit.Result r) {
        LabelerAudit a = r.labeler();
        HtmlReport h = new HtmlReport("Plumbline audit: " + r.runDir());
        h.paragraph("This page checks the AI labeler and the preference model of one run before you trust them. "
                + "Every rate comes with a 95% interval (Wilson score): with this many examples the true rate very likely "
                + "lies inside it, so a wide interval means 'not enough data to tell'.");
        h.paragraph(String.format(Locale.ROOT, "Labeler %s, template %s; %d pairs (%d where the gold scorer prefers one response, "
                        + "%d where it rates them equal); %d queries, %d ties, %d failures.", a.labeler(), a.templateId(),
                a.pairs(), a.goldDecidedPairs(), a.goldEqualPairs(), a.queries(), a.ties(), a.failures()));

        h.section("1. Does the labeler pick the better answer?");
        h.paragraph("The gold scorer knows the right answer to every built-in task, so we can check the AI labeler's choice "
                + "on every pair where one response is truly better. A perfect labeler scores 1.0; a coin scores 0.5.");
        h.table(HEADER, List.of(row("agreement with gold", a.agreementWithGold(), "1")));

        h.section("2. Does the labeler favour whichever answer it sees first?");
        h.paragraph("Each pair is shown twice, once in each order, so a labeler that judges content picks the first-shown "
                + "answer half of the time. 'Inconsistent' counts pairs where it picked the same slot (first or second) both "
                + "times, i.e. a different answer depending on the order; on pairs with a clear winner this should be near 0.");
        h.table(HEADER, List.of(
                row("first-shown picked, all pairs", a.firstPosition(), "0.5"),
                row("first-shown picked, gold-equal pairs", a.firstPositionGoldEqual(), "0.5"),
                row("inconsistent across orders, clear pairs", a.orderInconsistencyGoldDecisive(), "0"),
                row("inconsistent across orders, all pairs", a.orderInconsistency(), "-")));

        h.section("3. Does the labeler favour longer answers?");
        h.paragraph("Among pairs the gold scorer rates as equally good but of different lengths, we count how often the longer "
                + "answer won. A labeler without a length preference sits at 0.5; a rising line means longer answers win more "
                + "the bigger the length gap.");
        List<List<String>> lengthRows = new ArrayList<>();
        lengthRows.add(row("longer picked (all length gaps)", a.longerPreferredGoldEqual(), "0.5"));
        for (LabelerAudit.LengthBin b : a.lengthBins()) {
            lengthRows.add(row("longer picked, gap " + b.label() + " chars", b.longerPreferred(), "0.5"));
        }
        h.table(HEADER, lengthRows);
        h.chart(lengthChart(a));

        h.section("4. Is the labeler consistent, and how noisy is it?");
        h.paragraph("We ask the labeler the same question twice and count how often it gives the same answer; for the template "
                + "check we ask a second version of its instructions with one harmless sentence changed. The noise rate is the "
                + "chance that a single answer is flipped at random, estimated from how often two asks disagree (d = 2ε(1−ε)).");
        List<List<String>> consistency = new ArrayList<>();
        consistency.add(row("agrees with itself when asked again", a.selfAgreement(), "1"));
        if (a.templateAgreement() != null) {
            consistency.add(row("agrees with template '" + a.alternativeTemplateId() + "'", a.templateAgreement(), "1"));
        }
        h.table(HEADER, consistency);
        h.table(List.of("noise estimate", "ε", "95% interval", "from disagreement"), List.of(
                noiseRow("from repeated asks (clear pairs)", a.noiseFromRepeats()),
                noiseRow("from the two orders (clear pairs; includes position bias)", a.noiseFromOrders())));

        PreferenceModelAudit pm = r.preferenceModel();
        h.section("5. The preference model");
        if (pm == null) {
            h.paragraph("This run has no trained preference model yet (no rm/ folder), so only the labeler was audited. "
                    + "Run 'plumbline train-rm' and audit again to fill this section.");
            return h;
        }
        h.paragraph("The preference model learned to imitate the labeler; here it is tested on labeled pairs it never trained on. "
                + "Agreement with the labeler shows how well it learned; agreement with gold shows how good the resulting reward is.");
        h.table(HEADER, List.of(
                row("held-out agreement with the labeler", pm.accuracyVsLabeler(), "1"),
                row("held-out agreement with gold", pm.accuracyVsGold(), "1")));
        h.paragraph("A calibrated model that says '80% sure' is right 80% of the time, so its points lie on the diagonal. "
                + String.format(Locale.ROOT, "The expected calibration error (average gap from the diagonal) is %.3f against "
                        + "the labeler and %.3f against gold; 0 is perfect.", pm.calibrationVsLabeler().ece(),
                pm.calibrationVsGold().ece()));
        h.chart(reliabilityChart("Reliability vs labeler", pm.calibrationVsLabeler()));
        h.chart(reliabilityChart("Reliability vs gold", pm.calibrationVsGold()));
        h.table(List.of("bin", "mean confidence", "fraction right (gold)", "pairs"), binRows(pm.calibrationVsGold()));
        PreferenceModelAudit.Disagreement d = pm.disagreement();
        if (d == null) {
            h.paragraph("With a single preference model there is no second opinion to disagree with. Train an ensemble "
                    + "(--ensemble 3) to see where the reward is unsure.");
        } else {
            h.paragraph("Several preference models trained on resampled labels should agree on data like their training data; "
                    + "where they disagree, the reward is guesswork. We compare their disagreement on fresh answers from the "
                    + r.policySource() + " policy with that on held-out labeled pairs: a ratio well above 1 means the policy "
                    + "has moved where the reward was never trained.");
            h.table(List.of("pairs", "count", "mean disagreement", "90th percentile"), List.of(
                    List.of("held-out labeled pairs", Integer.toString(d.labeledPairs()), f(d.meanOnLabeled()), f(d.p90OnLabeled())),
                    List.of(r.policySource() + " policy samples", Integer.toString(d.policyPairs()), f(d.meanOnPolicy()),
                            f(d.p90OnPolicy()))));
            h.paragraph(String.format(Locale.ROOT, "Ratio policy / labeled: %.2f.", d.ratio()));
            if (d.ratio() > 1.5) h.flag("The reward models disagree much more on policy samples than on labeled pairs: distribution shift.");
        }
        return h;
    }

    /** The short table {@code plumbline audit} prints. */
    public static String table(RunAudit.Result r) {
        LabelerAudit a = r.labeler();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "labeler %s (%s), %d pairs%n", a.labeler(), a.templateId(), a.pairs()));
        line(sb, "agreement with gold", a.agreementWithGold().format());
        line(sb, "first position (all)", a.firstPosition().format());
        line(sb, "first position (gold equal)", a.firstPositionGoldEqual().format());
        line(sb, "order inconsistency (clear)", a.orderInconsistencyGoldDecisive().format());
        line(sb, "longer preferred (gold eq.)", a.longerPreferredGoldEqual().format());
        line(sb, "self agreement", a.selfAgreement().format());
        if (a.templateAgreement() != null) line(sb, "template agreement", a.templateAgreement().format());
        line(sb, "noise ε (repeats)", a.noiseFromRepeats().format());
        line(sb, "noise ε (orders)", a.noiseFromOrders().format());
        PreferenceModelAudit pm = r.preferenceModel();
        if (pm != null) {
            sb.append(String.format(Locale.ROOT, "preference model, %d member(s), %d held-out pairs%n", pm.members(), pm.heldOutPairs()));
            line(sb, "accuracy vs labeler", pm.accuracyVsLabeler().format());
            line(sb, "accuracy vs gold", pm.accuracyVsGold().format());
            line(sb, "ECE vs labeler / gold", f(pm.calibrationVsLabeler().ece()) + " / " + f(pm.calibrationVsGold().ece()));
            if (pm.disagreement() != null) {
                PreferenceModelAudit.Disagreement d = pm.disagreement();
                line(sb, "disagreement labeled/" + r.policySource(), f(d.meanOnLabeled()) + " / " + f(d.meanOnPolicy())
                        + String.format(Locale.ROOT, " (ratio %.2f)", d.ratio()));
            }
        }
        sb.append("wrote ").append(r.json()).append(" and ").append(r.html()).append(System.lineSeparator());
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "  %-30s %s%n", name, value));
    }

    private static List<String> row(String name, Proportion p, String ideal) {
        if (p.n() == 0) return List.of(name, "n/a", "-", "0 / 0", ideal);
        return List.of(name, f(p.rate()), String.format(Locale.ROOT, "[%.3f, %.3f]", p.lo(), p.hi()),
                p.count() + " / " + p.n(), ideal);
    }

    private static List<String> noiseRow(String name, NoiseEstimate e) {
        if (Double.isNaN(e.epsilon())) return List.of(name, "n/a", "-", e.disagreement().format());
        return List.of(name, f(e.epsilon()), String.format(Locale.ROOT, "[%.3f, %.3f]", e.lo(), e.hi()),
                e.disagreement().format());
    }

    private static List<List<String>> binRows(Calibration c) {
        List<List<String>> rows = new ArrayList<>();
        for (Calibration.Bin b : c.bins()) {
            if (b.count() == 0) continue;
            rows.add(List.of(String.format(Locale.ROOT, "%.1f-%.1f", b.lower(), b.upper()), f(b.confidence()),
                    f(b.accuracy()), Integer.toString(b.count())));
        }
        return rows;
    }

    private static LineChart lengthChart(LabelerAudit a) {
        List<LabelerAudit.LengthBin> bins = a.lengthBins();
        double[] x = new double[bins.size()], y = new double[bins.size()], lo = new double[bins.size()],
                hi = new double[bins.size()], half = new double[bins.size()];
        for (int i = 0; i < bins.size(); i++) {
            LabelerAudit.LengthBin b = bins.get(i);
            x[i] = b.maxDiff() == Integer.MAX_VALUE ? b.minDiff() + 2 : (b.minDiff() + b.maxDiff()) / 2.0;
            Proportion p = b.longerPreferred();
            y[i] = p.rate();
            lo[i] = p.n() == 0 ? Double.NaN : p.lo();
            hi[i] = p.n() == 0 ? Double.NaN : p.hi();
            half[i] = 0.5;
        }
        return new LineChart("P(longer preferred | gold equal)", "length gap (chars)", "P(longer picked)")
                .series("rate", x, y).series("95% lower", x, lo).series("95% upper", x, hi).series("no bias", x, half)
                .points(true);
    }

    private static LineChart reliabilityChart(String title, Calibration c) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (Calibration.Bin b : c.bins()) {
            if (b.count() == 0) continue;
            xs.add(b.confidence());
            ys.add(b.accuracy());
        }
        double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray(), y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        return new LineChart(title, "predicted probability", "observed frequency")
                .series("model", x, y).series("perfect", new double[] {0, 1}, new double[] {0, 1}).points(true);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
