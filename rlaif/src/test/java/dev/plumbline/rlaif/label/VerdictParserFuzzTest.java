// Fuzzing VerdictParser: thousands of generated judge answers give the right letter, a documented
// refusal (Optional.empty), and never an exception or a slow match.
package dev.plumbline.rlaif.label;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.testing.TestSeeds;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VerdictParserFuzzTest {
    private static final int CASES = 20_000;
    private static final String[] LEADS = {"", "Response ", "the better response is ", "Answer: ", "Preferred - ", "Winner ",
        "THE PREFERRED OUTPUT IS: ", "verdict:"};
    private static final String[] WRAPS = {"", "()", "[]", "****", "\"\"", "''"};
    private static final String[] TAILS = {"", " is better", " is preferred", " is the better one", " wins"};
    private static final String[] NOISE = {"A", "B", "a", "b", " ", "\n", "{", "}", "\"", ":", "preferred", "choice", "```",
        "json", "tie", "both", "or", "(", ")", "*", ".", "!", "\\", "\u0000", "é", "😀", "[", "]", ",", "null", "1e9999"};

    @Test
    void generatedAnswersGiveTheLetterOrARefusalNeverAnException() {
        long seed = TestSeeds.seed("VerdictParserFuzzTest.generatedAnswersGiveTheLetterOrARefusalNeverAnException");
        System.out.println("VerdictParserFuzzTest " + TestSeeds.describe("VerdictParserFuzzTest.generatedAnswersGiveTheLetterOrARefusalNeverAnException"));
        int[] counts = new int[3]; // grammatical, random labeled, random refused
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int t = 0; t < CASES; t++) {
                if (rnd.nextBoolean()) {
                    // An answer from the documented grammar must give exactly its letter.
                    String letter = rnd.nextBoolean() ? "A" : "B";
                    if (rnd.nextBoolean()) letter = letter.toLowerCase();
                    String wrap = WRAPS[rnd.nextInt(WRAPS.length)];
                    String core = wrap.isEmpty() ? letter : wrap.charAt(0) + letter + wrap.charAt(1);
                    String s = " ".repeat(rnd.nextInt(3)) + LEADS[rnd.nextInt(LEADS.length)] + core
                            + TAILS[rnd.nextInt(TAILS.length)] + (rnd.nextBoolean() ? "." : "") + "\n".repeat(rnd.nextInt(2));
                    if (rnd.nextInt(4) == 0) {
                        s = "{\"" + new String[] {"preferred", "choice", "answer", "winner"}[rnd.nextInt(4)] + "\": \"" + letter + "\"}";
                        if (rnd.nextBoolean()) s = "```json\n" + s + "\n```";
                    }
                    Preference want = Preference.valueOf(letter.toUpperCase());
                    assertEquals(Optional.of(want), VerdictParser.parse(s), "seed=" + seed + " '" + s + "'");
                    counts[0]++;
                } else {
                    StringBuilder sb = new StringBuilder();
                    for (int k = rnd.nextInt(12); k > 0; k--) sb.append(NOISE[rnd.nextInt(NOISE.length)]);
                    if (rnd.nextInt(10) == 0) sb.appendCodePoint(rnd.nextInt(0x110000)); // any code point, lone surrogates too
                    String s = sb.toString();
                    Optional<Preference> got;
                    try {
                        got = VerdictParser.parse(s);
                    } catch (Throwable e) {
                        throw new AssertionError("seed=" + seed + " '" + s + "' threw " + e, e);
                    }
                    assertNotNull(got, "never null");
                    if (got.isPresent()) {
                        // A label needs its letter in the answer, and only that letter outside JSON keys.
                        String letter = got.get().name();
                        assertTrue(s.toUpperCase().contains(letter), "seed=" + seed + " '" + s + "' -> " + got);
                        counts[1]++;
                    } else {
                        counts[2]++;
                    }
                }
            }
        });
        System.out.println("VerdictParserFuzzTest: " + CASES + " cases: " + counts[0] + " grammatical parsed right, "
                + counts[1] + " random ones labeled, " + counts[2] + " random ones refused");
    }

    @Test
    void hugeAndNestedAnswersAreRefusedQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (String s : new String[] {"(".repeat(200_000) + "A or B", "A" + ")".repeat(200_000) + "x",
                    "{\"preferred\":" + "[".repeat(100_000), "```" + "`".repeat(100_000), "Response ".repeat(50_000) + "A",
                    "{" + "\"a\":{".repeat(50_000), " ".repeat(1_000_000) + "C"}) {
                assertEquals(Optional.empty(), VerdictParser.parse(s), "refused: " + s.substring(0, 20) + "…");
            }
        });
    }

    @Test
    void jsonWithTrailingTextIsRefusedNotReadAsItsFirstObject() {
        // "{...} but actually B" is outside the grammar; taking the JSON prefix would record A.
        assertEquals(Optional.empty(), VerdictParser.parse("{\"preferred\": \"A\"} but on reflection B is better"));
        assertEquals(Optional.empty(), VerdictParser.parse("{\"preferred\": \"A\"}{\"preferred\": \"B\"}"));
        assertEquals(Optional.of(Preference.B), VerdictParser.parse("{\"preferred\": \"B\"}  \n"));
    }
}
