// The verdict grammar: accepted phrasings and refused ones.
package dev.plumbline.rlaif.label;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerdictParserTest {
    @Test
    void acceptedPhrasings() {
        String[][] cases = {
            {"A", "A"}, {"b", "B"}, {" B.\n", "B"}, {"Response A is better", "A"}, {"response b is better.", "B"},
            {"Answer: A", "A"}, {"Preferred: B", "B"}, {"(A)", "A"}, {"**B**", "B"}, {"The better response is A.", "A"},
            {"Winner - B", "B"}, {"A wins!", "A"}, {"{\"preferred\": \"B\"}", "B"}, {"```json\n{\"preferred\":\"a\"}\n```", "A"},
        };
        for (String[] c : cases) {
            assertEquals(Optional.of(Preference.valueOf(c[1])), VerdictParser.parse(c[0]), "parse of '" + c[0] + "'");
        }
    }

    @Test
    void refusedPhrasings() {
        for (String s : new String[] {"", "Both", "A or B", "A and B are equal", "C", "I prefer A", "AB",
                "{\"preferred\": \"tie\"}", "{\"other\": \"A\"}", "{\"preferred\": \"A\"", null}) {
            assertEquals(Optional.empty(), VerdictParser.parse(s), "'" + s + "' must be unparseable");
        }
    }

    @Test
    void templateFillIsSinglePassAndChecksPlaceholders() {
        JudgeTemplate t = new JudgeTemplate("t", "", "{prompt}|{response_a}|{response_b}");
        assertEquals("x|{response_b}|y", t.fill("x", "{response_b}", "y"), "inserted text is not expanded again");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JudgeTemplate("bad", "", "{prompt}"));
        assertTrue(e.getMessage().contains("{response_a}") && e.getMessage().contains("{response_b}"), e.getMessage());
    }

    @Test
    void rateLimiterSpacesRequests() throws Exception {
        long[] now = {0};
        java.util.List<Long> slept = new java.util.ArrayList<>();
        RateLimiter limiter = new RateLimiter(4.0, () -> now[0], nanos -> {
            slept.add(nanos);
            now[0] += nanos;
        });
        for (int i = 0; i < 3; i++) limiter.acquire();
        assertEquals(java.util.List.of(250_000_000L, 250_000_000L), slept, "4 rps: 250 ms between requests");
    }
}
