// Corpus: tokenized training text — a plain text, a JSONL of {"text"} records (pre-training), or a
// JSONL of {"prompt","response"} records (SFT, loss on response tokens only) — and how to batch it.
package dev.plumbline.nn.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenized examples, each a token sequence with a per-token flag "is a prediction target".
 *
 * <p>Two ways to batch ({@link Packing}): {@code PACKED} concatenates every example (with an EOS
 * after each, when one is given) into one stream and cuts random windows of T+1 tokens from it —
 * pre-training; {@code PER_EXAMPLE} puts one example per row, truncated to T+1 tokens and padded,
 * with targets −100 on the prompt and the padding — SFT.
 *
 * <pre>{@code
 * Corpus all = Corpus.fromJsonl(Path.of("sft.jsonl"), tokenizer::encode, tokenizer.eosId(), tokenizer.padId());
 * Corpus.Split s = all.split(0.05);                  // last 5% held out
 * Batch b = s.train().sample(new Generator(0), 8, 128);
 * }</pre>
 */
public final class Corpus {
    /** How examples become rows. */
    public enum Packing { PACKED, PER_EXAMPLE }

    /** A train / held-out pair. */
    public record Split(Corpus train, Corpus eval) {}

    /** One tokenized example: {@code target[i]} says whether token i is predicted with a loss. */
    public record Example(int[] tokens, boolean[] target) {
        public Example {
            if (tokens.length != target.length) {
                throw new IllegalArgumentException("Example: " + tokens.length + " tokens but " + target.length + " target flags");
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Example> examples;
    private final Packing packing;
    private final int padId;
    // PACKED: the concatenated stream, built once
    private final int[] stream;
    private final boolean[] streamTarget;

    private Corpus(List<Example> examples, Packing packing, int padId) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("Corpus: no examples");
        }
        this.examples = List.copyOf(examples);
        this.packing = packing;
        this.padId = padId;
        if (packing == Packing.PACKED) {
            int n = 0;
            for (Example e : examples) {
                n += e.tokens().length;
            }
            stream = new int[n];
            streamTarget = new boolean[n];
            int at = 0;
            for (Example e : examples) {
                System.arraycopy(e.tokens(), 0, stream, at, e.tokens().length);
                System.arraycopy(e.target(), 0, streamTarget, at, e.target().length);
                at += e.tokens().length;
            }
        } else {
            stream = null;
            streamTarget = null;
        }
    }

    /** Examples batched as given. {@code padId} fills short PER_EXAMPLE rows (its targets are −100). */
    public static Corpus of(List<Example> examples, Packing packing, int padId) {
        return new Corpus(examples, packing, padId);
    }

    /** A plain text as one PACKED stream. */
    public static Corpus fromText(String text, TextEncoder encoder) {
        int[] ids = encoder.encode(text);
        boolean[] all = new boolean[ids.length];
        Arrays.fill(all, true);
        return new Corpus(List.of(new Example(ids, all)), Packing.PACKED, 0);
    }

    /**
     * A JSONL file: records with {@code "text"} (PACKED, each followed by EOS when {@code eosId ≥ 0}),
     * or with {@code "prompt"} and {@code "response"} (PER_EXAMPLE; loss on the response and its EOS
     * only). Blank lines are skipped; a file may not mix the two kinds.
     *
     * @param eosId end-of-sequence id appended to each record, or −1 for none
     * @param padId id that pads short SFT rows
     */
    public static Corpus fromJsonl(Path file, TextEncoder encoder, int eosId, int padId) throws IOException {
        List<Example> out = new ArrayList<>();
        Boolean sft = null;
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode rec;
            try {
                rec = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException(file + ":" + lineNo + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
            boolean isSft = rec.hasNonNull("prompt") && rec.hasNonNull("response");
            if (!isSft && !rec.hasNonNull("text")) {
                throw new IOException(file + ":" + lineNo + ": record needs a \"text\" field, or \"prompt\" and \"response\"");
            }
            if (sft != null && sft != isSft) {
                throw new IOException(file + ":" + lineNo + ": mixes " + (isSft ? "prompt/response" : "text")
                        + " records with earlier " + (sft ? "prompt/response" : "text") + " records");
            }
            sft = isSft;
            out.add(isSft
                    ? sftExample(encoder.encode(rec.get("prompt").asText()), encoder.encode(rec.get("response").asText()), eosId)
                    : textExample(encoder.encode(rec.get("text").asText()), eosId));
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no records");
        }
        return new Corpus(out, sft ? Packing.PER_EXAMPLE : Packing.PACKED, padId);
    }

    /** Prompt tokens (no loss) then response tokens and EOS (loss). */
    public static Example sftExample(int[] prompt, int[] response, int eosId) {
        int n = prompt.length + response.length + (eosId >= 0 ? 1 : 0);
        int[] ids = Arrays.copyOf(prompt, n);
        System.arraycopy(response, 0, ids, prompt.length, response.length);
        if (eosId >= 0) {
            ids[n - 1] = eosId;
        }
        boolean[] target = new boolean[n];
        Arrays.fill(target, prompt.length, n, true);
        return new Example(ids, target);
    }

    /** Text tokens (and EOS), all with loss. */
    public static Example textExample(int[] tokens, int eosId) {
        int[] ids = eosId >= 0 ? Arrays.copyOf(tokens, tokens.length + 1) : tokens;
        if (eosId >= 0) {
            ids[tokens.length] = eosId;
        }
        boolean[] target = new boolean[ids.length];
        Arrays.fill(target, true);
        return new Example(ids, target);
    }

    /** The examples. */
    public List<Example> examples() {
        return examples;
    }

    /** How rows are formed. */
    public Packing packing() {
        return packing;
    }

    /** Total number of tokens. */
    public long tokenCount() {
        long n = 0;
        for (Example e : examples) {
            n += e.tokens().length;
        }
        return n;
    }

    /**
     * Holds out the last {@code evalFraction} of the data: of the token stream (PACKED) or of the
     * examples (PER_EXAMPLE, at least one each side).
     */
    public Split split(double evalFraction) {
        if (!(evalFraction > 0 && evalFraction < 1)) {
            throw new IllegalArgumentException("Corpus.split: evalFraction must be in (0, 1), got " + evalFraction);
        }
        if (packing == Packing.PACKED) {
            int cut = (int) Math.round(stream.length * (1 - evalFraction));
            Example a = new Example(Arrays.copyOfRange(stream, 0, cut), Arrays.copyOfRange(streamTarget, 0, cut));
            Example b = new Example(Arrays.copyOfRange(stream, cut, stream.length),
                    Arrays.copyOfRange(streamTarget, cut, stream.length));
            return new Split(new Corpus(List.of(a), packing, padId), new Corpus(List.of(b), packing, padId));
        }
        if (examples.size() < 2) {
            throw new IllegalArgumentException("Corpus.split: need at least 2 examples to hold one out, got " + examples.size());
        }
        int nEval = Math.max(1, Math.min(examples.size() - 1, (int) Math.round(examples.size() * evalFraction)));
        int cut = examples.size() - nEval;
        return new Split(new Corpus(examples.subList(0, cut), packing, padId),
                new Corpus(examples.subList(cut, examples.size()), packing, padId));
    }

    /**
     * A batch of {@code batchSize} rows of {@code seqLen} positions, drawn with {@code gen}: random
     * window starts (PACKED) or random examples (PER_EXAMPLE). The same generator state gives the
     * same batch.
     */
    public Batch sample(Generator gen, int batchSize, int seqLen) {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("Corpus.sample: batchSize and seqLen must be >= 1, got " + batchSize + ", " + seqLen);
        }
        int[] ids = new int[batchSize * seqLen];
        int[] targets = new int[batchSize * seqLen];
        for (int r = 0; r < batchSize; r++) {
            int o = r * seqLen;
            if (packing == Packing.PACKED) {
                int starts = stream.length - seqLen; // a window needs seqLen + 1 tokens
                if (starts < 1) {
                    throw new IllegalArgumentException("Corpus.sample: " + stream.length + " tokens are too few for windows of "
                            + seqLen + " + 1 tokens");
                }
                int s = gen.nextInt(starts);
                fillRow(stream, streamTarget, s, ids, targets, o, seqLen);
            } else {
                Example e = examples.get(gen.nextInt(examples.size()));
                fillRow(e.tokens(), e.target(), 0, ids, targets, o, seqLen);
            }
        }
        return new Batch(ids, targets, batchSize, seqLen);
    }

    /** ids = tok[s .. s+T), target j = tok[s+j+1] where flagged; padding (past the end) is padId / −100. */
    private void fillRow(int[] tok, boolean[] flag, int s, int[] ids, int[] targets, int o, int seqLen) {
        for (int j = 0; j < seqLen; j++) {
            int i = s + j;
            ids[o + j] = i < tok.length ? tok[i] : padId;
            targets[o + j] = i + 1 < tok.length && flag[i + 1] ? tok[i + 1] : Batch.IGNORE;
        }
    }
}
