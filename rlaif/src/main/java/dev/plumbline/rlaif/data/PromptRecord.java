// One line of a prompt dataset: {"prompt": "..."}.
package dev.plumbline.rlaif.data;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One prompt of a prompt dataset, stored as JSONL {@code {"prompt": "rev abcd"}}.
 *
 * <pre>{@code
 * List<PromptRecord> prompts = Jsonl.read(Path.of("prompts.jsonl"), PromptRecord.class);
 * }</pre>
 */
public record PromptRecord(@JsonProperty("prompt") String prompt) {
    public PromptRecord {
        if (prompt == null) throw new IllegalArgumentException("missing field \"prompt\"");
    }
}
