// The prompt an LLM judge is sent: an id for provenance, a system message and a user message.
package dev.plumbline.rlaif.label;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A judge prompt template. The user text must contain the placeholders {@code {prompt}},
 * {@code {response_a}} and {@code {response_b}}; {@code {response_a}} is always the response
 * <em>shown first</em> (in the swapped order that is the pair's B). Other braces are left as they
 * are, so templates may show JSON examples. The system text may be empty (then no system message
 * is sent).
 *
 * <pre>{@code
 * JudgeTemplate t = new JudgeTemplate("terse-v2", "", "Q: {prompt}\nA: {response_a}\nB: {response_b}\nBetter (A or B)?");
 * String user = t.fill("12+34=", "46", "47");
 * }</pre>
 */
public record JudgeTemplate(String id, String system, String user) {

    /** The default pairwise template, id {@code pairwise-v1}. */
    public static final JudgeTemplate DEFAULT = new JudgeTemplate("pairwise-v1",
            "You are a careful, impartial judge of short answers.",
            "Which response answers the instruction better? A correct answer with nothing extra is best.\n\n"
                    + "Instruction: {prompt}\nResponse A: {response_a}\nResponse B: {response_b}\n\n"
                    + "Answer with exactly one letter: A or B.");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(prompt|response_a|response_b)\\}");

    public JudgeTemplate {
        List<String> problems = new ArrayList<>();
        if (id == null || id.isBlank()) problems.add("template id is blank");
        if (system == null) system = "";
        if (user == null) {
            problems.add("template user text is missing");
        } else {
            for (String p : List.of("{prompt}", "{response_a}", "{response_b}")) {
                if (!user.contains(p)) problems.add("template user text lacks placeholder " + p);
            }
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("judge template '" + id + "': " + String.join("; ", problems));
    }

    /** The user message for a pair shown as (first, second). Substitution is single-pass. */
    public String fill(String prompt, String first, String second) {
        Matcher m = PLACEHOLDER.matcher(user);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = switch (m.group(1)) {
                case "prompt" -> prompt;
                case "response_a" -> first;
                default -> second;
            };
            // Single pass: a response that itself contains "{prompt}" is not expanded again.
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
