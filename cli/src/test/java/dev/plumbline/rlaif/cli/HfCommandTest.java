// plumbline hf: the README's user workflow end to end on a random GPT-2-shaped Hugging Face folder with
// GPT-2's real tokenizer, labels from a local HTTP judge; bad input exits 2 naming file and line.
package dev.plumbline.rlaif.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.HuggingFaceCheckpoint;
import dev.plumbline.nn.tokenizer.ByteLevelBpe;
import dev.plumbline.rlaif.label.FakeChatServer;
import dev.plumbline.rlaif.pipeline.HuggingFaceRlaifTest;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfCommandTest {
    final StringWriter out = new StringWriter(), err = new StringWriter();

    int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void sftSampleLabelTrainRmPpoEvalOnAUserCheckpoint(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HfCommandTest.sftSampleLabelTrainRmPpoEvalOnAUserCheckpoint");
        Path base = dir.resolve("gpt2-tiny");
        HuggingFaceCheckpoint.save(base, new GPT(new GPTConfig(50257, 48, 2, 2, 16, 0f, 1e-5f, true), new Generator(seed)),
                ByteLevelBpe.load(HuggingFaceRlaifTest.gpt2Vocabulary()));
        Files.writeString(dir.resolve("sft.jsonl"), "{\"prompt\": \"Q: 1+1? A:\", \"completion\": \" 2\"}\n"
                + "{\"prompt\": \"Greet:\", \"completion\": \" Hello!\"}\n{\"prompt\": \"Colour of grass?\", \"completion\": \" green\"}\n");
        Files.writeString(dir.resolve("prompts.jsonl"), "{\"prompt\": \"Q: 1+1? A:\"}\n{\"prompt\": \"Greet:\"}\n"
                + "{\"prompt\": \"Say something nice:\"}\n{\"prompt\": \"Name a fruit:\"}\n");
        String s = Long.toString(seed & 0xffff);

        assertEquals(0, run("hf", "sft", "--model", base.toString(), "--data", dir.resolve("sft.jsonl").toString(),
                "--out", dir.resolve("sft").toString(), "--steps", "3", "--batch-size", "2", "--lr", "1e-3",
                "--lora-rank", "4", "--seed", s), err.toString());
        assertTrue(Files.isRegularFile(dir.resolve("sft/config.json")) && Files.isRegularFile(dir.resolve("sft/adapter/adapter_config.json")));
        assertEquals(0, run("hf", "sample", "--model", dir.resolve("sft").toString(), "--prompts",
                dir.resolve("prompts.jsonl").toString(), "--out", dir.resolve("pairs.jsonl").toString(), "--max-new-tokens", "6",
                "--seed", s), err.toString());
        try (FakeChatServer judge = new FakeChatServer((n, body) -> FakeChatServer.Reply.content(n % 2 == 1 ? "A" : "B"))) {
            assertEquals(0, run("label", "--input", dir.resolve("pairs.jsonl").toString(), "--output",
                    dir.resolve("preferences.jsonl").toString(), "--judge", "http", "--base-url", judge.baseUrl(),
                    "--model", "judge"), err.toString());
            assertEquals(0, run("hf", "train-rm", "--model", dir.resolve("sft").toString(), "--preferences",
                    dir.resolve("preferences.jsonl").toString(), "--out", dir.resolve("rm").toString(), "--lora-rank", "4",
                    "--lr", "1e-3", "--seed", s), err.toString());
            assertEquals(0, run("hf", "ppo", "--model", dir.resolve("sft").toString(), "--reward-model",
                    dir.resolve("rm").toString(), "--prompts", dir.resolve("prompts.jsonl").toString(), "--out",
                    dir.resolve("ppo").toString(), "--steps", "2", "--batch-size", "4", "--minibatch-size", "2",
                    "--max-new-tokens", "6", "--lora-rank", "4", "--lr", "1e-3", "--seed", s), err.toString());
            assertEquals(0, run("hf", "eval", "--policy", dir.resolve("ppo").toString(), "--reference",
                    dir.resolve("sft").toString(), "--reward-model", dir.resolve("rm").toString(), "--prompts",
                    dir.resolve("prompts.jsonl").toString(), "--out", dir.resolve("eval").toString(), "--max-new-tokens", "6",
                    "--judge-base-url", judge.baseUrl(), "--judge-model", "judge", "--seed", s), err.toString());
        }
        JsonNode eval = new ObjectMapper().readTree(dir.resolve("eval/eval.json").toFile());
        assertTrue(eval.path("gold").asText().startsWith("none"), eval.toString());
        assertEquals(4, eval.path("judge_wins").asInt() + eval.path("judge_losses").asInt() + eval.path("judge_ties").asInt(),
                eval.toString());
        assertEquals(0, eval.path("judge_failed").asInt());
        assertEquals(4, eval.path("judge_wins").asInt(), "this judge always prefers the first-shown (policy) response consistently");
        assertTrue(eval.path("judge_win_rate_95ci").get(0).asDouble() > 0.4, eval.toString());
        assertTrue(Double.isFinite(eval.path("kl_to_reference").asDouble()) && Double.isFinite(eval.path("proxy_reward_policy").asDouble()));
        assertEquals(4, Files.readAllLines(dir.resolve("eval/samples.jsonl")).size());
        HuggingFaceCheckpoint.load(dir.resolve("ppo"), Device.cpu());   // a plain HF folder

        // nothing is overwritten; bad records name file and line; no partial folder is left
        assertEquals(2, run("hf", "sft", "--model", base.toString(), "--data", dir.resolve("sft.jsonl").toString(),
                "--out", dir.resolve("sft").toString(), "--steps", "1"));
        assertTrue(err.toString().contains("already exists"), err.toString());
        Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"}\n");
        assertEquals(2, run("hf", "sft", "--model", base.toString(), "--data", dir.resolve("bad.jsonl").toString(),
                "--out", dir.resolve("sft2").toString()));
        assertTrue(err.toString().contains("bad.jsonl:2"), err.toString());
        assertEquals(2, run("hf", "train-rm", "--model", dir.resolve("nope").toString(), "--preferences",
                dir.resolve("preferences.jsonl").toString(), "--out", dir.resolve("rm2").toString()));
        assertTrue(err.toString().contains("nope") && err.toString().contains("not a folder"), err.toString());
        try (var list = Files.list(dir)) {
            assertFalse(list.anyMatch(p -> p.getFileName().toString().contains(".partial-")), "no staging folder left");
        }
        assertEquals(2, run("hf", "ppo", "--model", base.toString(), "--reward-model", dir.resolve("rm").toString(),
                "--prompts", dir.resolve("prompts.jsonl").toString(), "--out", dir.resolve("x").toString(), "--lora-rank", "-1"));
        assertTrue(err.toString().contains("--lora-rank must be in"), err.toString());
    }
}
