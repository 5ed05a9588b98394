/*
 * Plumbline nn — learns a byte-level BPE vocabulary from a corpus (behind ByteLevelBpe.train).
 */
package dev.plumbline.nn.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classic BPE training over unique pre-tokenised words with incremental pair counts.
 *
 * <p>Each word (a GPT-2 pre-token, as byte ids) is stored once with its frequency; a pair's
 * count is the sum over words of occurrences times frequency. A priority queue holds
 * (count, pair) entries; stale ones are skipped when popped (lazy deletion), so a merge costs
 * time proportional to the words it touches, not to the corpus.
 */
final class BpeTrainer {
    private BpeTrainer() {
    }

    /** A pair's running count and the words that may contain it (a superset: never pruned). */
    private static final class PairStat {
        long count;
        final Set<Integer> words = new HashSet<>();
    }

    private record Candidate(long count, int left, int right) {
    }

    /** An adjacent pair of token ids. Not a packed long: Long.hashCode(a << 32 | b) is a ^ b, which collides badly. */
    private record Pair(int left, int right) {
        @Override
        public int hashCode() {
            return left * 0x9E3779B9 + right;
        }
    }

    static ByteLevelBpe train(Iterable<String> texts, int vocabSize, List<String> specialTokens) {
        List<String> specials = List.copyOf(specialTokens);
        if (new HashSet<>(specials).size() != specials.size()) {
            throw new IllegalArgumentException("special tokens repeat: " + specials);
        }
        for (String s : specials) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty special token");
            }
        }
        if (vocabSize < 256 + specials.size()) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " is smaller than the 256 byte tokens plus "
                    + specials.size() + " special tokens");
        }

        // Count pre-tokens; special tokens in the corpus are boundaries, as encodeWithSpecials treats them.
        Pattern specialSplit = specials.isEmpty() ? null : Pattern.compile(String.join("|",
                specials.stream().sorted((a, b) -> b.length() - a.length()).map(Pattern::quote).toList()));
        Map<String, long[]> pieceCounts = new HashMap<>();
        for (String text : texts) {
            checkSurrogates(text);
            if (specialSplit == null) {
                countPieces(text, 0, text.length(), pieceCounts);
            } else {
                Matcher m = specialSplit.matcher(text);
                int start = 0;
                while (m.find()) {
                    countPieces(text, start, m.start(), pieceCounts);
                    start = m.end();
                }
                countPieces(text, start, text.length(), pieceCounts);
            }
        }

        // Token table: ids 0..255 are the bytes in GPT-2's order.
        List<byte[]> tokenBytes = new ArrayList<>();
        Map<String, Integer> idOfSymbols = new HashMap<>();
        int[] byteId = new int[256];
        for (int i = 0; i < 256; i++) {
            int b = ByteLevelBpe.BYTES_IN_ID_ORDER[i];
            byteId[b] = i;
            tokenBytes.add(new byte[] {(byte) b});
            idOfSymbols.put(ByteLevelBpe.symbolString(new byte[] {(byte) b}), i);
        }

        // Words in a fixed order (sorted), so nothing depends on hash iteration order.
        List<String> pieces = new ArrayList<>(pieceCounts.keySet());
        pieces.sort(null);
        int[][] words = new int[pieces.size()][];
        long[] freq = new long[pieces.size()];
        for (int w = 0; w < words.length; w++) {
            byte[] bytes = pieces.get(w).getBytes(StandardCharsets.UTF_8);
            words[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                words[w][i] = byteId[bytes[i] & 0xFF];
            }
            freq[w] = pieceCounts.get(pieces.get(w))[0];
        }

        Map<Pair, PairStat> pairs = new HashMap<>();
        for (int w = 0; w < words.length; w++) {
            addPairs(pairs, words[w], w, freq[w]);
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>((x, y) -> {
            if (x.count != y.count) {
                return Long.compare(y.count, x.count); // most frequent first
            }
            int c = Arrays.compareUnsigned(tokenBytes.get(x.left), tokenBytes.get(y.left));
            return c != 0 ? c : Arrays.compareUnsigned(tokenBytes.get(x.right), tokenBytes.get(y.right));
        });
        for (Map.Entry<Pair, PairStat> e : pairs.entrySet()) {
            queue.add(new Candidate(e.getValue().count, e.getKey().left(), e.getKey().right()));
        }

        List<String[]> merges = new ArrayList<>();
        Set<Pair> merged = new HashSet<>();
        int target = vocabSize - specials.size();
        while (tokenBytes.size() < target && !queue.isEmpty()) {
            Candidate best = queue.poll();
            Pair key = new Pair(best.left, best.right);
            PairStat stat = pairs.get(key);
            if (stat == null || stat.count != best.count || best.count <= 0 || merged.contains(key)) {
                continue; // stale entry, or a pair that re-formed after its merge (its rank is taken)
            }
            merged.add(key);
            byte[] lb = tokenBytes.get(best.left);
            byte[] rb = tokenBytes.get(best.right);
            byte[] nb = Arrays.copyOf(lb, lb.length + rb.length);
            System.arraycopy(rb, 0, nb, lb.length, rb.length);
            String symbols = ByteLevelBpe.symbolString(nb);
            // Two different pairs can spell the same token ("a"+"bc", "ab"+"c"): one id for both.
            Integer newId = idOfSymbols.get(symbols);
            if (newId == null) {
                newId = tokenBytes.size();
                tokenBytes.add(nb);
                idOfSymbols.put(symbols, newId);
            }
            merges.add(new String[] {ByteLevelBpe.symbolString(lb), ByteLevelBpe.symbolString(rb)});

            Map<Pair, Boolean> touched = new HashMap<>();
            for (int w : stat.words.toArray(new Integer[0])) {
                int[] old = words[w];
                int[] now = mergeAll(old, best.left, best.right, newId);
                if (now == old) {
                    continue;
                }
                removePairs(pairs, old, freq[w], touched);
                addPairs(pairs, now, w, freq[w]);
                for (int i = 0; i + 1 < now.length; i++) {
                    touched.put(new Pair(now[i], now[i + 1]), Boolean.TRUE);
                }
                words[w] = now;
            }
            pairs.remove(key);
            for (Pair k : touched.keySet()) {
                PairStat s = pairs.get(k);
                if (s != null && s.count > 0 && !merged.contains(k)) {
                    queue.add(new Candidate(s.count, k.left(), k.right()));
                }
            }
        }

        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < tokenBytes.size(); id++) {
            vocab.put(ByteLevelBpe.symbolString(tokenBytes.get(id)), id);
        }
        for (String s : specials) {
            if (vocab.containsKey(s)) {
                // A special spelled like a learned token would make plain text encode to it.
                throw new IllegalArgumentException("special token " + ByteLevelBpe.quote(s)
                        + " is spelled like a byte-level token; choose a name such as <|...|>");
            }
            vocab.put(s, vocab.size());
        }
        return new ByteLevelBpe(vocab, merges, specials);
    }

    private static void countPieces(String text, int from, int to, Map<String, long[]> counts) {
        if (from == to) {
            return;
        }
        Matcher m = ByteLevelBpe.GPT2_SPLIT.matcher(text).region(from, to);
        while (m.find()) {
            counts.computeIfAbsent(m.group(), k -> new long[1])[0]++;
        }
    }

    private static void checkSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(
                        "unpaired surrogate U+%04X at index %d of a training text", (int) c, i));
            }
        }
    }

    /** Same left-to-right, non-overlapping merge as encoding; returns {@code w} itself if nothing changed. */
    private static int[] mergeAll(int[] w, int a, int b, int merged) {
        int[] out = null;
        int o = 0;
        for (int i = 0; i < w.length; ) {
            if (i + 1 < w.length && w[i] == a && w[i + 1] == b) {
                if (out == null) {
                    out = new int[w.length - 1];
                    System.arraycopy(w, 0, out, 0, i);
                    o = i;
                }
                out[o++] = merged;
                i += 2;
            } else {
                if (out != null) {
                    out[o++] = w[i];
                }
                i++;
            }
        }
        return out == null ? w : Arrays.copyOf(out, o);
    }

    private static void addPairs(Map<Pair, PairStat> pairs, int[] w, int word, long freq) {
        for (int i = 0; i + 1 < w.length; i++) {
            PairStat s = pairs.computeIfAbsent(new Pair(w[i], w[i + 1]), k -> new PairStat());
            s.count += freq;
            s.words.add(word);
        }
    }

    private static void removePairs(Map<Pair, PairStat> pairs, int[] w, long freq, Map<Pair, Boolean> touched) {
        for (int i = 0; i + 1 < w.length; i++) {
            Pair k = new Pair(w[i], w[i + 1]);
            PairStat s = pairs.get(k);
            if (s != null) {
                s.count -= freq;
                touched.put(k, Boolean.TRUE);
            }
        }
    }
}
