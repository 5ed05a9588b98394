// The kinds of built-in instruction task: each has a fixed prompt shape and a programmatic answer.
package dev.plumbline.rlaif.task;

/**
 * A kind of built-in task. Prompts are short, character-level and checkable by a program.
 *
 * <pre>{@code
 * REVERSE       "rev abcd"        -> "dcba"
 * SORT_LETTERS  "sort dbca"       -> "abcd"
 * SORT_DIGITS   "sort 4132"       -> "1234"
 * ADD           "12+34="          -> "46"
 * SUBTRACT      "45-12="          -> "33"
 * UPPER         "up abc"          -> "ABC"
 * COUNT         "count a: abca"   -> "2"
 * }</pre>
 */
public enum TaskKind {
    REVERSE, SORT_LETTERS, SORT_DIGITS, ADD, SUBTRACT, UPPER, COUNT;

    /** Lower-case name used in configs and on the command line, e.g. {@code sort_letters}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The kind whose {@link #id()} is {@code id}.
     *
     * @throws IllegalArgumentException naming the unknown id and the known ones
     */
    public static TaskKind fromId(String id) {
        for (TaskKind k : values()) {
            if (k.id().equals(id)) return k;
        }
        throw new IllegalArgumentException("unknown task kind '" + id + "'; known: "
                + java.util.Arrays.stream(values()).map(TaskKind::id).toList());
    }
}
