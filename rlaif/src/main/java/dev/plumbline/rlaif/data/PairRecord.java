// One line of a pairs file to be labeled: a prompt and two responses, with an optional id.
package dev.plumbline.rlaif.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A pair to label, stored as JSONL
 * {@code {"pair_id": "p1", "prompt": "12+34=", "response_a": "46", "response_b": "47"}}.
 * {@code pair_id} is optional; without it the id is a hash of the content, so a resumed run
 * recognises the pair even if the file was reordered.
 *
 * <pre>{@code
 * List<PairRecord> pairs = Jsonl.read(Path.of("pairs.jsonl"), PairRecord.class);
 * String id = pairs.get(0).id();
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PairRecord(@JsonProperty("pair_id") String pairId,
                         @JsonProperty("prompt") String prompt,
                         @JsonProperty("response_a") String responseA,
                         @JsonProperty("response_b") String responseB) {

    public PairRecord {
        StringBuilder missing = new StringBuilder();
        if (prompt == null) missing.append(" \"prompt\"");
        if (responseA == null) missing.append(" \"response_a\"");
        if (responseB == null) missing.append(" \"response_b\"");
        if (missing.length() > 0) throw new IllegalArgumentException("missing field(s):" + missing);
    }

    /** The explicit pair id, or {@code "h:"} + the first 16 hex digits of SHA-256(prompt, a, b). */
    @JsonIgnore
    public String id() {
        if (pairId != null) return pairId;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // NUL separators keep ("ab","c") and ("a","bc") apart.
            byte[] d = md.digest((prompt + '\0' + responseA + '\0' + responseB).getBytes(StandardCharsets.UTF_8));
            return "h:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
