// Hugging Face GPT-2 compatibility both ways, checked against an independent PyTorch forward
// (src/test/reference/gpt2_hf_reference.py, HF GPT2LMHeadModel math in float64) through safetensors files.
package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * "Same logits" with Hugging Face GPT-2, both directions, against the PyTorch reference in
 * {@code src/test/reference/gpt2_hf_reference.py} (HF's GPT2LMHeadModel forward, float64):
 * <ol>
 *   <li>ours → HF: a random {@link GPT} saved with {@link HuggingFaceGPT2#toHuggingFace} +
 *       {@link Safetensors#save}; the reference reads that file and its logits must equal
 *       {@code gpt.logits(ids)} within {@link #ATOL}.</li>
 *   <li>HF → ours: the reference writes random weights in hub-file layout (no prefix,
 *       {@code attn.bias} buffers, Conv1D (in, out)); {@link Safetensors#load} +
 *       {@link HuggingFaceGPT2#fromHuggingFace} into a GPT gives the reference's logits.</li>
 * </ol>
 * Every weight is random (LN gains 1 + N(0, .1), biases nonzero) so no term can hide behind
 * GPT-2's zero-bias init. The config has 4 heads and an odd vocabulary to catch head/row mixups.
 *
 * <p>Needs a Python with PyTorch ({@code transformers} and {@code safetensors} are not used): env
 * {@code PLUMBLINE_PYTHON}, else {@code /usr/bin/python3} (Debian's python3-torch), else
 * {@code python3}. Without one the tests are <b>skipped</b> — CI has no torch, so they skip there.
 *
 * <pre>
 * mvn -B -q -o -pl nn -am test -Dtest=HuggingFaceGPT2ReferenceTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class HuggingFaceGPT2ReferenceTest {
    /**
     * 2e-5, not the 1e-4 first asked for: measured float32-vs-float64 differences are ~1e-6, while
     * erf GELU in place of the tanh form ("gelu_new") moves these logits by only ~1–2e-4, which
     * 1e-4 would catch only sometimes.
     */
    static final double ATOL = 2e-5;
    static final GPTConfig CFG = GPTConfig.tiny().withSize(2, 4, 32).withVocab(67);
    static final int BATCH = 3;

    /** The script and a python that imports torch, found once; null reason = available. */
    static Path script;
    static String python;
    static String unavailable;

    /** Locates the reference, or skips the calling test (each test reports the reason, not only the class). */
    static synchronized void requireReference() {
        if (script == null) {
            script = locate("src/test/reference/gpt2_hf_reference.py");
            python = pythonWithTorch();
            if (python == null) {
                unavailable = lastProbeFailure;
            }
        }
        Assumptions.assumeTrue(python != null, () -> unavailable);
    }

    @Test
    void oursSavedInHfLayoutGiveTheReferenceLogits(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HuggingFaceGPT2ReferenceTest.oursSavedInHfLayoutGiveTheReferenceLogits");
        requireReference();
        System.out.println("oursSavedInHfLayoutGiveTheReferenceLogits seed " + seed);
        GPT gpt = new GPT(CFG, new Generator(seed));
        randomize(gpt, new Random(seed));
        Path weights = dir.resolve("plumbline-hf.safetensors");
        Safetensors.save(weights, HuggingFaceGPT2.toHuggingFace(gpt.stateDict(), true), Map.of("format", "pt"));

        int[] ids = randomIds(new Random(seed + 1), BATCH * CFG.contextLength());
        float[] ref = referenceLogits(dir, weights, ids);
        compare("ours → HF", ref, ourLogits(gpt, ids));
    }

    @Test
    void hfWeightsFromTheReferenceLoadAndGiveItsLogits(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HuggingFaceGPT2ReferenceTest.hfWeightsFromTheReferenceLoadAndGiveItsLogits") & 0x7fffffffL;
        requireReference();
        System.out.println("hfWeightsFromTheReferenceLoadAndGiveItsLogits seed " + seed);
        Path weights = dir.resolve("hf-random.safetensors");
        run(dir, script.toString(), "random", weights.toString(), Long.toString(seed), Integer.toString(CFG.vocab()),
                Integer.toString(CFG.contextLength()), Integer.toString(CFG.layers()), Integer.toString(CFG.dModel()));

        Map<String, Tensor> hf = Safetensors.load(weights);
        Assertions.assertTrue(hf.containsKey("h.0.attn.bias") && hf.containsKey("h.0.attn.c_attn.weight"),
                "the reference writes hub-style names: " + hf.keySet());
        Assertions.assertArrayEquals(new int[] {CFG.dModel(), 3 * CFG.dModel()}, hf.get("h.0.attn.c_attn.weight").shape(),
                "HF Conv1D weights are (in, out)");
        GPT gpt = new GPT(CFG, new Generator(seed + 1));
        gpt.loadStateDict(HuggingFaceGPT2.fromHuggingFace(hf));   // strict: every parameter named, nothing extra

        int[] ids = randomIds(new Random(seed + 2), BATCH * CFG.contextLength());
        float[] ref = referenceLogits(dir, weights, ids);
        compare("HF → ours", ref, ourLogits(gpt, ids));
    }

    /** Every parameter random: LN gains 1 + N(0, .1) (name ends ln_*.weight), everything else N(0, .1). */
    static void randomize(GPT gpt, Random r) {
        for (Map.Entry<String, Parameter> e : gpt.namedParameters().entrySet()) {
            float[] v = new float[(int) e.getValue().numel()];
            boolean gain = e.getKey().matches("(.*\\.)?ln_(1|2|f)\\.weight");
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((gain ? 1 : 0) + 0.1 * r.nextGaussian());
            }
            e.getValue().copyFrom(Tensor.fromArray(v, e.getValue().shape()));
        }
    }

    static int[] randomIds(Random r, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(CFG.vocab());
        }
        ids[0] = CFG.vocab() - 1;   // the last row of wte is used
        return ids;
    }

    static float[] ourLogits(GPT gpt, int[] ids) {
        gpt.eval();
        try (NoGrad ng = NoGrad.enter()) {
            Tensor logits = gpt.logits(Tensor.fromArray(ids, BATCH, CFG.contextLength()));
            Assertions.assertArrayEquals(new int[] {BATCH, CFG.contextLength(), CFG.vocab()}, logits.shape());
            return logits.toFloatArray();
        }
    }

    /** Writes ids as JSON rows, runs the reference, reads "logits" (B, T, V) back. */
    static float[] referenceLogits(Path dir, Path weights, int[] ids) throws Exception {
        int t = CFG.contextLength();
        Path idsFile = writeIds(dir, ids, BATCH, t);
        Path out = dir.resolve("reference-logits.safetensors");
        run(dir, script.toString(), "logits", weights.toString(), idsFile.toString(), Integer.toString(CFG.heads()),
                out.toString());
        Tensor logits = Safetensors.load(out).get("logits");
        Assertions.assertNotNull(logits, "the reference wrote no 'logits' tensor");
        Assertions.assertArrayEquals(new int[] {BATCH, t, CFG.vocab()}, logits.shape(), "reference logits shape");
        return logits.toFloatArray();
    }

    /** ids as JSON rows [[...], ...] of length t in dir/ids.json, the reference's input format. */
    static Path writeIds(Path dir, int[] ids, int batch, int t) throws IOException {
        StringBuilder json = new StringBuilder("[");
        for (int b = 0; b < batch; b++) {
            json.append(b == 0 ? "" : ",").append(Arrays.toString(Arrays.copyOfRange(ids, b * t, (b + 1) * t)));
        }
        Path idsFile = dir.resolve("ids.json");
        Files.writeString(idsFile, json.append("]").toString());
        return idsFile;
    }

    static void compare(String what, float[] ref, float[] got) {
        Assertions.assertEquals(ref.length, got.length, what + ": length");
        double worst = 0, scale = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs((double) got[i] - ref[i]);
            Assertions.assertTrue(d <= ATOL, what + ": logit " + i + " (b " + i / (CFG.contextLength() * CFG.vocab())
                    + ", t " + i / CFG.vocab() % CFG.contextLength() + ", v " + i % CFG.vocab() + ") reference " + ref[i]
                    + " plumbline " + got[i] + " (|diff| " + d + " > " + ATOL + ")");
            worst = Math.max(worst, d);
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        Assertions.assertTrue(scale > 0.5, what + ": logits are too small (max |logit| " + scale + ") to test anything");
        System.out.println(what + ": max |logit diff| " + worst + " over " + ref.length + " logits (max |logit| " + scale + ")");
    }

    /** Runs the reference script; fails with its output on a non-zero exit. */
    static void run(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(python);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            Assertions.fail("reference timed out after 120 s: " + cmd + "\n" + output);
        }
        Assertions.assertEquals(0, p.exitValue(), "reference failed: " + cmd + "\n" + output);
    }

    /** The script, from the module directory (surefire's default) or the repository root. */
    static Path locate(String inModule) {
        for (Path p : List.of(Path.of(inModule), Path.of("nn").resolve(inModule))) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new AssertionError("cannot find " + inModule + " from " + Path.of("").toAbsolutePath()
                + " (it is part of the repository)");
    }

    /** A python that imports torch, or null (then {@link #lastProbeFailure} says which were tried and why they failed). */
    static String pythonWithTorch() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("PLUMBLINE_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        StringBuilder why = new StringBuilder();
        for (String py : candidates) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                boolean done = p.waitFor(60, TimeUnit.SECONDS);
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (done && p.exitValue() == 0) {
                    return py;
                }
                p.destroyForcibly();
                String last = out.isEmpty() ? "timed out" : out.substring(out.lastIndexOf('\n') + 1);
                why.append("; ").append(py).append(": ").append(last);
            } catch (IOException | InterruptedException e) {
                why.append("; ").append(py).append(": ").append(e.getMessage());
            }
        }
        lastProbeFailure = "no Python with PyTorch for the GPT-2 reference (tried " + why.substring(2)
                + "). CI has no torch, so this test is skipped there; run it where one is installed"
                + " (Debian python3-torch, or set PLUMBLINE_PYTHON)";
        return null;
    }

    private static String lastProbeFailure;
}
