// Task generation: determinism, size limits, alphabet, parse round trip, hand-checked answers.
package dev.plumbline.rlaif.task;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.testing.TestSeeds;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskSuiteTest {

    @Test
    void sameSeedSameTasksDifferentSeedDifferentTasks() {
        long seed = TestSeeds.seed("TaskSuiteTest.sameSeedSameTasksDifferentSeedDifferentTasks");
        List<Task> a = TaskSuite.builder().seed(seed).build().tasks(0, 200);
        List<Task> b = TaskSuite.builder().seed(seed).build().tasks(0, 200);
        List<Task> c = TaskSuite.builder().seed(seed + 1).build().tasks(0, 200);
        assertEquals(a, b, "same seed must give the same tasks");
        assertNotEquals(a, c, "a different seed should give different tasks");
    }

    @Test
    void taskDependsOnlyOnIndex() {
        TaskSuite s = TaskSuite.builder().seed(5).build();
        assertEquals(s.task(117), s.tasks(100, 30).get(17), "task(i) must not depend on the range it was drawn in");
    }

    @Test
    void questionsDoNotDependOnOpinionSettings() {
        TaskSuite none = TaskSuite.builder().seed(3).opinionRate(0).build();
        TaskSuite all = TaskSuite.builder().seed(3).opinionRate(1).build();
        for (int i = 0; i < 100; i++) {
            assertEquals(none.task(i).question(), all.task(i).question(), "question of task " + i);
            assertTrue(all.task(i).hasOpinion(), "opinion rate 1 must always state an opinion");
            assertFalse(none.task(i).hasOpinion(), "opinion rate 0 must never state an opinion");
        }
    }

    @Test
    void promptsAreShortInAlphabetAndParseBack() {
        TaskSuite s = TaskSuite.builder().seed(TestSeeds.seed("TaskSuiteTest.promptsAreShortInAlphabetAndParseBack")).build();
        for (Task t : s.tasks(0, 3000)) {
            assertTrue(t.prompt().length() <= TaskSuite.MAX_PROMPT_LENGTH, "prompt too long: " + t.prompt());
            assertTrue(t.answer().length() <= TaskSuite.MAX_ANSWER_LENGTH, "answer too long: " + t.answer());
            for (char ch : (t.prompt() + t.answer()).toCharArray()) {
                assertTrue(TaskSuite.ALPHABET.indexOf(ch) >= 0, "char '" + ch + "' outside alphabet in " + t);
            }
            assertEquals(t, TaskSuite.parse(t.prompt()).orElseThrow(), "parse must recover " + t.prompt());
        }
    }

    @Test
    void opinionRatesAreRoughlyAsConfigured() {
        TaskSuite s = TaskSuite.builder().seed(11).opinionRate(0.5).opinionCorrectRate(0.25).build();
        int stated = 0, right = 0, n = 4000;
        for (Task t : s.tasks(0, n)) {
            if (t.hasOpinion()) {
                stated++;
                if (t.opinionIsCorrect()) right++;
            }
        }
        assertEquals(0.5, stated / (double) n, 0.04, "fraction of prompts with an opinion");
        assertEquals(0.25, right / (double) stated, 0.04, "fraction of opinions that are right");
    }

    @Test
    void parseGivesHandComputedAnswers() {
        assertEquals("dcba", answer("rev abcd"));
        assertEquals("abcd", answer("sort dbca"));
        assertEquals("1234", answer("sort 4132"));
        assertEquals("46", answer("12+34="));
        assertEquals("33", answer("45-12="));
        assertEquals("ABC", answer("up abc"));
        assertEquals("2", answer("count a: abca"));
        assertEquals("0", answer("count d: abca"));
        Task t = TaskSuite.parse("12+34= I think 47.").orElseThrow();
        assertEquals("47", t.statedOpinion(), "stated opinion");
        assertFalse(t.opinionIsCorrect(), "47 is not 12+34");
        assertTrue(TaskSuite.parse("what is 2+2?").isEmpty(), "free text is not a built-in task");
    }

    @Test
    void kindsCanBeRestricted() {
        TaskSuite s = TaskSuite.builder().seed(1).kinds(EnumSet.of(TaskKind.ADD)).build();
        for (Task t : s.tasks(0, 50)) assertEquals(TaskKind.ADD, t.kind(), "only ADD was asked for");
        assertThrows(IllegalArgumentException.class, () -> TaskKind.fromId("divide"));
    }

    private static String answer(String prompt) {
        return TaskSuite.parse(prompt).orElseThrow(() -> new AssertionError("did not parse: " + prompt)).answer();
    }
}
