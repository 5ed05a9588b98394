// Turns a judge model's free-text answer into "first" or "second", or refuses.
package dev.plumbline.rlaif.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a judge's answer into the letter it chose, where A is the response shown first.
 *
 * <p>Grammar (case-insensitive, surrounding white space ignored):
 * <pre>
 * verdict := json | phrase
 * json    := a JSON object (optionally in a ``` code fence) whose "preferred" member
 *            (else "choice", "answer", "winner") is the string "A" or "B"
 * phrase  := [lead] letter [tail] ["." | "!"]
 * lead    := ["the"] ["better" | "preferred" | "winning"]
 *            ("response" | "answer" | "choice" | "output" | "winner" | "verdict" | "preferred")
 *            ["is"] [":" | "-"]
 * letter  := "A" | "B", optionally wrapped in ( ) [ ] ** or quotes
 * tail    := "is better" | "is preferred" | "is the better" ["one" | "response"] | "wins"
 * </pre>
 * Accepted: {@code A}, {@code b.}, {@code Response A is better}, {@code Answer: B},
 * {@code The better response is (A).}, {@code {"preferred": "B"}}. Anything else, e.g.
 * {@code Both}, {@code A or B}, {@code I prefer A but B is shorter}, is unparseable: a recorded
 * failure, never a label.
 *
 * <pre>{@code
 * VerdictParser.parse("Response B is better.");   // Optional[B]
 * VerdictParser.parse("Both are fine");           // Optional.empty
 * }</pre>
 */
public final class VerdictParser {

    private static final Pattern PHRASE = Pattern.compile(
            "^(?:(?:the\\s+)?(?:(?:better|preferred|winning)\\s+)?"
                    + "(?:response|answer|choice|output|winner|verdict|preferred)(?:\\s+is)?\\s*[:\\-]?\\s*)?"
                    + "[(\\[*\"']*([AB])[)\\]*\"']*"
                    + "(?:\\s+(?:is\\s+(?:better|preferred|the\\s+better(?:\\s+(?:one|response))?)|wins))?"
                    + "\\s*[.!]?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FENCE = Pattern.compile("^```[a-zA-Z]*\\s*(.*?)\\s*```$", Pattern.DOTALL);
    // Trailing text after the object ("{...} but B") is outside the grammar, so it is an error.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private VerdictParser() {
    }

    /** {@link Preference#A} (first shown) or {@link Preference#B} (second shown), or empty if unparseable. */
    public static Optional<Preference> parse(String answer) {
        if (answer == null) return Optional.empty();
        String s = answer.strip();
        Matcher fence = FENCE.matcher(s);
        if (fence.matches()) s = fence.group(1).strip();
        if (s.startsWith("{")) return parseJson(s);
        Matcher m = PHRASE.matcher(s);
        if (!m.matches()) return Optional.empty();
        return Optional.of(m.group(1).equalsIgnoreCase("A") ? Preference.A : Preference.B);
    }

    private static Optional<Preference> parseJson(String s) {
        try {
            JsonNode n = JSON.readTree(s);
            if (n == null || !n.isObject()) return Optional.empty();
            for (String key : new String[] {"preferred", "choice", "answer", "winner"}) {
                JsonNode v = n.get(key);
                if (v != null) {
                    if (!v.isTextual()) return Optional.empty();
                    String t = v.asText().strip();
                    if (t.equalsIgnoreCase("A")) return Optional.of(Preference.A);
                    if (t.equalsIgnoreCase("B")) return Optional.of(Preference.B);
                    return Optional.empty();
                }
            }
            return Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
