// Trainer tests on a tiny bigram model: learning, exact resume, SFT loss masking against a
// hand-computed masked loss, flat memory, checkpoint layout, corpus parsing, the progress line.
package dev.plumbline.nn.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    /** 'a'..'z' → 0..25; 26 = EOS, 27 = PAD. */
    static final TextEncoder LETTERS = s -> s.chars().filter(c -> c >= 'a' && c <= 'z').map(c -> c - 'a').toArray();
    static final int EOS = 26, PAD = 27, VOCAB = 28;

    private static Corpus repetitive() {
        return Corpus.fromText("abcdefgh".repeat(100), LETTERS);
    }

    @Test
    void lossDecreasesOnARepetitiveCorpus() {
        Corpus.Split data = repetitive().split(0.1);
        TinyLm model = new TinyLm(VOCAB, 8, 32, 1);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        TrainerConfig cfg = new TrainerConfig().batchSize(4).seqLen(16).maxSteps(60).lr(0.05).warmupSteps(5).evalBatches(2);
        TrainResult r = new Trainer(model, cfg, data.train(), data.eval())
                .withProgressOutput(new PrintStream(progress, true, StandardCharsets.UTF_8)).fit();
        double first = r.losses()[0], last = r.losses()[59];
        assertTrue(first > 2.5, "starts near ln(28) = 3.33, got " + first);
        assertTrue(last < 0.3 * first, "loss must fall on a deterministic sequence: first " + first + ", last " + last);
        assertTrue(r.evalLoss() < 0.3 * first, "held-out loss falls too: " + r.evalLoss());
        assertTrue(r.tokensPerSec() > 0, "throughput measured");
        String bar = progress.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("60/60") && bar.contains("tok/s") && bar.contains("ETA"), "progress line: " + bar);
    }

    @Test
    void resumeGivesExactlyTheLossesOfAnUninterruptedRun(@TempDir Path tmp) throws IOException {
        Corpus data = repetitive();
        TrainerConfig base = cfgForResume(tmp.resolve("a"));
        TrainResult whole = new Trainer(new TinyLm(VOCAB, 8, 32, 3), base, data, null).fit();

        Path runB = tmp.resolve("b");
        new Trainer(new TinyLm(VOCAB, 8, 32, 3), cfgForResume(runB), data, null).fit(6); // checkpoints at 4 and 6
        CheckpointStore store = new CheckpointStore(runB.resolve("checkpoints"), 0);
        assertEquals(List.of("step-00000004", "step-00000006"), names(store.list()), "checkpoint folders");
        deleteTree(store.list().get(1)); // "crash" after step 6 was logged but before its checkpoint
        // a fresh process: differently initialised model, same config; resumes from step 4
        Trainer resumed = new Trainer(new TinyLm(VOCAB, 8, 32, 99), cfgForResume(runB), data, null);
        TrainResult rest = resumed.fit();
        assertEquals(4, rest.firstStep(), "resumed from the newest checkpoint");
        assertEquals(12, rest.lastStep());
        for (int s = 5; s <= 12; s++) {
            assertEquals(whole.losses()[s - 1], rest.losses()[s - 5], 0.0, "loss at step " + s + " after resume");
        }
        // metrics.jsonl: steps 1..12 once each, the same losses as the uninterrupted run
        List<JsonNode> lines = metrics(runB.resolve("metrics.jsonl"));
        assertEquals(12, lines.size(), "one line per step, the lines after the checkpoint were dropped: " + lines);
        for (JsonNode n : lines) {
            long s = n.get("step").asLong();
            assertEquals(whole.losses()[(int) s - 1], n.get("loss").asDouble(), 0.0, "logged loss at step " + s);
            assertTrue(n.has("lr") && n.has("tokens_per_sec") && n.has("grad_norm"), "fields: " + n);
        }
        try (Stream<Path> s = Files.list(runB.resolve("checkpoints"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary folders left");
        }
        assertTrue(Files.exists(runB.resolve("checkpoints/step-00000012/model.safetensors")), "final checkpoint");
    }

    private static TrainerConfig cfgForResume(Path runDir) {
        return new TrainerConfig().batchSize(3).seqLen(8).maxSteps(12).lr(0.05).warmupSteps(2).minLrRatio(0.1)
                .accumSteps(2).gradClip(0.5).checkpointEvery(4).seed(11).runDir(runDir).progress(false);
    }

    @Test
    void sftLossCountsOnlyResponseTokens(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("sft.jsonl");
        Files.writeString(file, "{\"prompt\": \"ab\", \"response\": \"cd\"}\n\n{\"prompt\": \"xyz\", \"response\": \"q\"}\n");
        Corpus corpus = Corpus.fromJsonl(file, LETTERS, EOS, PAD);
        assertEquals(Corpus.Packing.PER_EXAMPLE, corpus.packing());
        // rows by hand: "ab|cd<eos>" → ids a b c d, targets −100 c d EOS; the batch is only as wide as
        // its longest example needs (4 inputs), not the requested 6
        Batch b = corpus.sample(new Generator(5), 4, 6);
        assertEquals(4, b.seqLen(), "rows are trimmed to the longest example");
        for (int r = 0; r < 4; r++) {
            int[] ids = java.util.Arrays.copyOfRange(b.ids(), r * 4, r * 4 + 4);
            int[] tg = java.util.Arrays.copyOfRange(b.targets(), r * 4, r * 4 + 4);
            if (ids[0] == 0) {
                assertArrayEquals(new int[] {0, 1, 2, 3}, ids, "ids of row " + r);
                assertArrayEquals(new int[] {-100, 2, 3, EOS}, tg, "targets of row " + r);
            } else {
                assertArrayEquals(new int[] {23, 24, 25, 16}, ids, "ids of row " + r);
                assertArrayEquals(new int[] {-100, -100, 16, EOS}, tg, "targets of row " + r);
            }
        }
        // the trainer's first loss equals a masked mean of −log softmax computed here in float64
        TinyLm model = new TinyLm(VOCAB, 6, 16, 4);
        double expected = maskedLoss(model, b);
        TrainerConfig cfg = new TrainerConfig().batchSize(4).seqLen(6).maxSteps(1).seed(5).progress(false);
        TrainResult r = new Trainer(model, cfg, corpus, null).fit();
        assertEquals(expected, r.losses()[0], 1e-5, "first-step loss must average over response tokens only");
    }

    /** Σ over unmasked positions of −log softmax(logits)[target], divided by their count, in double. */
    private static double maskedLoss(TinyLm model, Batch b) {
        float[] logits;
        try (NoGrad ng = NoGrad.enter()) {
            logits = model.logits(b.idsTensor(Device.cpu())).toFloatArray();
        }
        double sum = 0;
        int n = 0;
        for (int i = 0; i < b.targets().length; i++) {
            int t = b.targets()[i];
            if (t == Batch.IGNORE) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int v = 0; v < VOCAB; v++) {
                max = Math.max(max, logits[i * VOCAB + v]);
            }
            for (int v = 0; v < VOCAB; v++) {
                z += Math.exp(logits[i * VOCAB + v] - max);
            }
            sum += max + Math.log(z) - logits[i * VOCAB + t];
            n++;
        }
        return sum / n;
    }

    /**
     * Live CPU bytes the trainer (and its model) hold after step 2 and after step 8, counted by a
     * {@link MemoryStats.Tracker} around everything they allocate: storage other tests left to the
     * garbage collector cannot change these numbers (issue 20).
     */
    private static long[] liveBytesAfterStep2And8(TinyLm model) {
        try (MemoryStats.Tracker mem = MemoryStats.track()) {
            Trainer t = new Trainer(model,
                    new TrainerConfig().batchSize(2).seqLen(8).maxSteps(8).accumSteps(2).progress(false), repetitive(), null);
            t.fit(2); // optimizer state and gradients exist from here on
            long before = mem.settledLiveBytes(Device.cpu());
            t.fit(8);
            return new long[] {before, mem.settledLiveBytes(Device.cpu())};
        }
    }

    @Test
    void liveBytesStayFlatAcrossSteps() {
        long[] live = liveBytesAfterStep2And8(new TinyLm(VOCAB, 8, 32, 2));
        assertTrue(live[0] > 0, "the tracker saw the model and optimizer state: " + live[0]);
        assertEquals(live[0], live[1], "live bytes after 6 more steps");
    }

    @Test
    void theFlatMemoryCheckCatchesATensorKeptPerStep() {
        TinyLm leaky = new TinyLm(VOCAB, 8, 32, 2);
        leaky.leak = new ArrayList<>(); // every forward keeps one 16-float tensor alive
        long[] live = liveBytesAfterStep2And8(leaky);
        // 6 steps × 2 micro-batches × 64 bytes
        assertEquals(6 * 2 * 64, live[1] - live[0], "the leak is what the check sees, exactly");
        assertEquals(8 * 2, leaky.leak.size());
    }

    @Test
    void jsonlTextRecordsAndErrorsNameTheLine(@TempDir Path tmp) throws IOException {
        Path ok = tmp.resolve("text.jsonl");
        Files.writeString(ok, "{\"text\": \"abc\"}\n{\"text\": \"de\"}\n");
        Corpus c = Corpus.fromJsonl(ok, LETTERS, EOS, PAD);
        assertEquals(Corpus.Packing.PACKED, c.packing());
        assertEquals(7, c.tokenCount(), "3 + EOS + 2 + EOS");
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": \"abc\"}\n{\"prompt\": \"a\"}\n");
        IOException e = assertThrows(IOException.class, () -> Corpus.fromJsonl(bad, LETTERS, EOS, PAD));
        assertTrue(e.getMessage().contains("bad.jsonl:2"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(new TinyLm(VOCAB, 4, 8, 0), new TrainerConfig().seqLen(16), c, null));
        assertTrue(e2.getMessage().contains("16"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> new TrainerConfig().lr(-1).validate());
        assertTrue(e3.getMessage().contains("-1.0"), e3.getMessage());
    }

    @Test
    void progressLineShowsStepLossLrThroughputAndEta() {
        ProgressLine bar = new ProgressLine(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 100, false);
        String line = bar.render(50, 1.5, 3e-4, 12345, 0.5);
        assertTrue(line.startsWith("step 50/100 ["), line);
        assertTrue(line.contains(" 50% | loss 1.5000 | lr 3.00e-04 | 12.3k tok/s | ETA 0:25"), line);
    }

    private static List<String> names(List<Path> ps) {
        List<String> out = new ArrayList<>();
        ps.forEach(p -> out.add(p.getFileName().toString()));
        return out;
    }

    private static List<JsonNode> metrics(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            JsonNode n = om.readTree(l);
            if (n.has("loss")) {
                out.add(n);
            }
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
