// Users' own data in the formats people have: prompts, SFT demonstrations (TRL prompt-completion)
// and preferences (TRL explicit prompt, Anthropic-HH full conversations, our preferences.jsonl).
package dev.plumbline.rlaif.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.reward.PreferenceExample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Readers for a user's JSONL files. Every record is checked; the first bad one raises a
 * {@link JsonlFormatException} naming the file and line, and nothing is returned (a caller that
 * writes only after reading cannot leave half a dataset behind).
 *
 * <ul>
 *   <li><b>prompts</b>: {@code {"prompt": "..."}} per line.</li>
 *   <li><b>demonstrations</b> (SFT): TRL's prompt-completion {@code {"prompt", "completion"}}, or
 *       {@code {"prompt", "response"}}.</li>
 *   <li><b>preferences</b>, detected per line:
 *     <ul>
 *       <li>TRL's explicit-prompt form {@code {"prompt", "chosen", "rejected"}};</li>
 *       <li>the implicit-prompt form of Anthropic HH-RLHF, {@code {"chosen", "rejected"}}, each a
 *           full conversation: the prompt is their common beginning, cut back to the last
 *           {@code "\n\nAssistant:"} it contains (the turn being compared), as TRL's
 *           {@code extract_prompt} finds it;</li>
 *       <li>our {@code preferences.jsonl} records ({@code pair_id}, {@code label}, ...): A/B labels
 *           become pairs, TIE and FAILED records are skipped.</li>
 *     </ul></li>
 * </ul>
 *
 * <pre>{@code
 * List<String> prompts = Datasets.prompts(Path.of("prompts.jsonl"));
 * List<PreferenceExample> prefs = Datasets.preferences(Path.of("hh-rlhf-train.jsonl"));
 * List<Datasets.Demonstration> sft = Datasets.demonstrations(Path.of("sft.jsonl"));
 * }</pre>
 */
public final class Datasets {
    private Datasets() {}

    /** The HH-RLHF marker of an assistant turn. */
    public static final String ASSISTANT_TURN = "\n\nAssistant:";

    /** One SFT example: the model learns {@code completion} after {@code prompt}. */
    public record Demonstration(String prompt, String completion) {}

    /** Prompts of a {@code {"prompt": ...}} JSONL file, in file order. */
    public static List<String> prompts(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (Jsonl.Line<JsonNode> l : Jsonl.readLines(file, JsonNode.class)) {
            JsonNode o = object(file, l);
            out.add(text(file, l, o, "prompt", false));
        }
        requireSome(file, out.size(), "prompts");
        return out;
    }

    /** Demonstrations of a {@code {"prompt", "completion"}} (or {@code "response"}) JSONL file. */
    public static List<Demonstration> demonstrations(Path file) throws IOException {
        List<Demonstration> out = new ArrayList<>();
        for (Jsonl.Line<JsonNode> l : Jsonl.readLines(file, JsonNode.class)) {
            JsonNode o = object(file, l);
            String key = o.has("completion") ? "completion" : o.has("response") ? "response" : null;
            if (key == null) {
                throw new JsonlFormatException(file, l.number(), "a demonstration needs \"prompt\" and \"completion\" "
                        + "(TRL's prompt-completion format) or \"response\"; fields present: " + fields(o), null);
            }
            out.add(new Demonstration(text(file, l, o, "prompt", true), text(file, l, o, key, false)));
        }
        requireSome(file, out.size(), "demonstrations");
        return out;
    }

    /** Preference pairs in any of the three formats (see the class comment), labels as hard targets. */
    public static List<PreferenceExample> preferences(Path file) throws IOException {
        List<PreferenceExample> out = new ArrayList<>();
        for (Jsonl.Line<JsonNode> l : Jsonl.readLines(file, JsonNode.class)) {
            JsonNode o = object(file, l);
            if (o.has("pair_id") && o.has("label")) {
                PreferenceRecord r = Jsonl.parseLine(file, l.number(), o.toString(), PreferenceRecord.class);
                if (r.label() == Preference.A || r.label() == Preference.B) {
                    String chosen = r.chosen() != null ? r.chosen() : r.label() == Preference.A ? r.responseA() : r.responseB();
                    String rejected = r.rejected() != null ? r.rejected() : r.label() == Preference.A ? r.responseB() : r.responseA();
                    out.add(new PreferenceExample(r.prompt(), chosen, rejected, null));
                }
                continue;
            }
            String chosen = text(file, l, o, "chosen", false), rejected = text(file, l, o, "rejected", false);
            if (o.has("prompt")) {
                out.add(pair(file, l, text(file, l, o, "prompt", true), chosen, rejected));
            } else {
                int common = commonPrefix(chosen, rejected);
                int cut = chosen.lastIndexOf(ASSISTANT_TURN, common - ASSISTANT_TURN.length());
                int promptEnd = cut >= 0 ? cut + ASSISTANT_TURN.length() : common;
                if (promptEnd == 0) {
                    throw new JsonlFormatException(file, l.number(), "no \"prompt\" field and chosen/rejected share no "
                            + "beginning: give the prompt explicitly (TRL's {\"prompt\", \"chosen\", \"rejected\"})", null);
                }
                out.add(pair(file, l, chosen.substring(0, promptEnd), chosen.substring(promptEnd),
                        rejected.substring(promptEnd)));
            }
        }
        requireSome(file, out.size(), "preference pairs");
        return out;
    }

    private static PreferenceExample pair(Path file, Jsonl.Line<JsonNode> l, String prompt, String chosen, String rejected)
            throws JsonlFormatException {
        if (chosen.equals(rejected)) {
            throw new JsonlFormatException(file, l.number(), "chosen and rejected are the same response", null);
        }
        return new PreferenceExample(prompt, chosen, rejected, null);
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length()), i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static JsonNode object(Path file, Jsonl.Line<JsonNode> l) throws JsonlFormatException {
        if (!l.value().isObject()) {
            throw new JsonlFormatException(file, l.number(), "expected a JSON object, got " + l.value().getNodeType(), null);
        }
        return l.value();
    }

    private static String text(Path file, Jsonl.Line<JsonNode> l, JsonNode o, String key, boolean mayBeEmpty)
            throws JsonlFormatException {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            throw new JsonlFormatException(file, l.number(), "missing field \"" + key + "\"; fields present: " + fields(o), null);
        }
        if (n.isArray()) {
            throw new JsonlFormatException(file, l.number(), "\"" + key + "\" is a list of messages (TRL's conversational "
                    + "format); give plain text (apply the model's chat template first)", null);
        }
        if (!n.isTextual()) {
            throw new JsonlFormatException(file, l.number(), "\"" + key + "\" must be a string, got " + n.getNodeType(), null);
        }
        if (!mayBeEmpty && n.asText().isEmpty()) {
            throw new JsonlFormatException(file, l.number(), "\"" + key + "\" is empty", null);
        }
        return n.asText();
    }

    private static String fields(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names.toString();
    }

    private static void requireSome(Path file, int n, String what) throws IOException {
        if (n == 0) {
            throw new IOException(file + ": holds no " + what);
        }
    }
}
