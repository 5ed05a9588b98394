// plumbline hf: the RLAIF stages on a user's Hugging Face GPT-2 folder and own JSONL data.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.data.Datasets;
import dev.plumbline.rlaif.label.HttpJudge;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.pipeline.HuggingFaceStages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code plumbline hf sft | sample | train-rm | ppo | eval}: each reads Hugging Face GPT-2 folders
 * and JSONL files and writes one new folder (or file); see {@link HuggingFaceStages}.
 *
 * <pre>
 * plumbline hf sft      --model gpt2 --data sft.jsonl --out runs/x/sft --lora-rank 8
 * plumbline hf sample   --model runs/x/sft --prompts prompts.jsonl --out runs/x/pairs.jsonl
 * plumbline label       --input runs/x/pairs.jsonl --output runs/x/preferences.jsonl --judge http ...
 * plumbline hf train-rm --model runs/x/sft --preferences runs/x/preferences.jsonl --out runs/x/rm --lora-rank 8
 * plumbline hf ppo      --model runs/x/sft --reward-model runs/x/rm --prompts prompts.jsonl --out runs/x/ppo --lora-rank 8
 * plumbline hf eval     --policy runs/x/ppo --reference runs/x/sft --reward-model runs/x/rm --prompts eval.jsonl --out runs/x/eval
 * </pre>
 */
@Command(name = "hf", mixinStandardHelpOptions = true,
        description = {"RLAIF on your own GPT-2-family Hugging Face checkpoint and data (prompts, demonstrations, preferences).",
                "Every stage writes a new folder; policy folders load with transformers' from_pretrained."},
        subcommands = {HfCommand.Sft.class, HfCommand.Sample.class, HfCommand.TrainRm.class, HfCommand.Ppo.class,
                HfCommand.Eval.class})
public final class HfCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** LoRA options shared by sft, train-rm and ppo. */
    static final class LoraOptions {
        @Option(names = "--lora-rank", paramLabel = "R", defaultValue = "0",
                description = "LoRA rank; 0 trains every weight (default: ${DEFAULT-VALUE}).")
        @InRange(min = 0, max = 4096)
        int rank;

        @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA alpha: Δ = alpha/r · B·A (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1e-9, max = 1e9)
        double alpha;

        @Option(names = "--lora-targets", split = ",", defaultValue = "c_attn,c_proj,c_fc",
                description = "Linear layers given adapters (default: ${DEFAULT-VALUE}).")
        List<String> targets;

        void into(HuggingFaceStages.Adapters a) {
            a.loraRank = rank;
            a.loraAlpha = alpha;
            a.loraTargets = targets;
        }
    }

    /** Runs a stage: bad input (a file, a record, a config key) exits 2 with its message. */
    abstract static class Stage implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption configOption;

        @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        abstract void run(PrintStream log) throws IOException;

        /** The stage's LoRA options, if it has them (checked with its own). */
        LoraOptions loraOptions() {
            return null;
        }

        @Override
        public Integer call() {
            List<String> problems = new java.util.ArrayList<>(InRange.Check.all(this));
            if (loraOptions() != null) {
                problems.addAll(InRange.Check.all(loraOptions()));
            }
            Main.failIfProblems(spec.commandLine(), problems);
            try {
                run(System.err);
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("hf " + spec.name() + ": " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 2;
            }
        }

        void print(Map<String, Object> summary) {
            spec.commandLine().getOut().println(dev.plumbline.rlaif.data.Jsonl.toLine(summary));
            spec.commandLine().getOut().flush();
        }
    }

    /** plumbline hf sft. */
    @Command(name = "sft", mixinStandardHelpOptions = true,
            description = "Supervised fine-tuning on {\"prompt\", \"completion\"} demonstrations (loss on the completion).")
    static final class Sft extends Stage {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face GPT-2 folder to start from.")
        Path model;
        @Option(names = "--data", required = true, paramLabel = "FILE", description = "JSONL demonstrations.")
        Path data;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New folder for the fine-tuned model.")
        Path out;
        @Option(names = "--steps", defaultValue = "200", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 10_000_000)
        int steps;
        @Option(names = "--batch-size", defaultValue = "8", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 65536)
        int batchSize;
        @Option(names = "--lr", defaultValue = "5e-5", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1e-12, max = 1)
        double lr;
        @Mixin
        LoraOptions lora;

        @Override
        LoraOptions loraOptions() {
            return lora;
        }

        @Override
        void run(PrintStream log) throws IOException {
            HuggingFaceStages.Sft s = new HuggingFaceStages.Sft();
            s.steps = steps;
            s.batchSize = batchSize;
            s.lr = lr;
            s.seed = seed;
            lora.into(s);
            print(HuggingFaceStages.sft(model, Datasets.demonstrations(data), s, out, log));
        }
    }

    /** plumbline hf sample. */
    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Two samples per prompt as pairs to label: {\"pair_id\", \"prompt\", \"response_a\", \"response_b\"}.")
    static final class Sample extends Stage {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face GPT-2 folder.")
        Path model;
        @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "JSONL {\"prompt\": ...}.")
        Path prompts;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Pairs JSONL to write.")
        Path out;
        @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1e-6, max = 100)
        double temperature;
        @Option(names = "--max-new-tokens", defaultValue = "64", description = "Tokens per response (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 1_000_000)
        int maxNewTokens;

        @Override
        void run(PrintStream log) throws IOException {
            int n = HuggingFaceStages.sample(model, Datasets.prompts(prompts), temperature, maxNewTokens, seed, out, log);
            print(Map.of("stage", "sample", "pairs", n, "out", out.toString()));
        }
    }

    /** plumbline hf train-rm. */
    @Command(name = "train-rm", mixinStandardHelpOptions = true,
            description = {"Train pθ (Bradley–Terry reward model) from the model's trunk on preferences:",
                    "TRL {\"prompt\",\"chosen\",\"rejected\"}, HH-RLHF {\"chosen\",\"rejected\"}, or plumbline label's records."})
    static final class TrainRm extends Stage {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face GPT-2 folder (the trunk).")
        Path model;
        @Option(names = "--preferences", required = true, paramLabel = "FILE", description = "JSONL preferences.")
        Path preferences;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New folder for pθ.")
        Path out;
        @Option(names = "--epochs", defaultValue = "1", description = "Passes over the pairs (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 10_000)
        int epochs;
        @Option(names = "--batch-size", defaultValue = "8", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 65536)
        int batchSize;
        @Option(names = "--lr", defaultValue = "1e-5", description = "Learning rate (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1e-12, max = 1)
        double lr;
        @Mixin
        LoraOptions lora;

        @Override
        LoraOptions loraOptions() {
            return lora;
        }

        @Override
        void run(PrintStream log) throws IOException {
            HuggingFaceStages.RewardModel s = new HuggingFaceStages.RewardModel();
            s.epochs = epochs;
            s.batchSize = batchSize;
            s.lr = lr;
            s.seed = seed;
            lora.into(s);
            print(HuggingFaceStages.trainRewardModel(model, Datasets.preferences(preferences), s, out, log));
        }
    }

    /** plumbline hf ppo. */
    @Command(name = "ppo", mixinStandardHelpOptions = true,
            description = "PPO of the policy against pθ; π_ref is the starting model (with LoRA: the same weights, adapters off).")
    static final class Ppo extends Stage {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face GPT-2 folder (policy and π_ref).")
        Path model;
        @Option(names = "--reward-model", required = true, paramLabel = "DIR", description = "pθ from 'hf train-rm'.")
        Path rewardModel;
        @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "JSONL {\"prompt\": ...}.")
        Path prompts;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New folder for the PPO policy.")
        Path out;
        @Option(names = "--steps", defaultValue = "50", description = "PPO iterations (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 10_000_000)
        int steps;
        @Option(names = "--batch-size", defaultValue = "16", description = "Rollouts per iteration (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 65536)
        int batchSize;
        @Option(names = "--minibatch-size", defaultValue = "8", description = "Rollouts per update (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 65536)
        int minibatchSize;
        @Option(names = "--ppo-epochs", defaultValue = "2", description = "Passes over each batch (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 100)
        int epochs;
        @Option(names = "--lr", defaultValue = "1e-5", description = "Policy learning rate (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1e-12, max = 1)
        double lr;
        @Option(names = "--kl-coef", defaultValue = "0.05", description = "KL penalty β (default: ${DEFAULT-VALUE}).")
        @InRange(min = 0, max = 1000)
        double klCoef;
        @Option(names = "--max-new-tokens", defaultValue = "32", description = "Tokens per response (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 1_000_000)
        int maxNewTokens;
        @Mixin
        LoraOptions lora;

        @Override
        LoraOptions loraOptions() {
            return lora;
        }

        @Override
        void run(PrintStream log) throws IOException {
            HuggingFaceStages.Ppo s = new HuggingFaceStages.Ppo();
            s.ppo.steps = steps;
            s.ppo.batchSize = batchSize;
            s.ppo.minibatchSize = minibatchSize;
            s.ppo.epochs = epochs;
            s.ppo.lr = lr;
            s.ppo.klCoef = klCoef;
            s.ppo.maxNewTokens = maxNewTokens;
            s.seed = seed;
            lora.into(s);
            if (batchSize % minibatchSize != 0) {
                throw new IllegalArgumentException("--batch-size " + batchSize + " is not divisible by --minibatch-size "
                        + minibatchSize);
            }
            print(HuggingFaceStages.ppo(model, rewardModel, Datasets.prompts(prompts), s, out, log));
        }
    }

    /** plumbline hf eval. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Policy vs reference on held-out prompts, without gold: pθ reward, KL, length, samples,",
                    "and with --judge-base-url the AI judge's win rate (95% interval)."})
    static final class Eval extends Stage {
        @Option(names = "--policy", required = true, paramLabel = "DIR", description = "Trained policy folder.")
        Path policy;
        @Option(names = "--reference", required = true, paramLabel = "DIR", description = "Reference (SFT) policy folder.")
        Path reference;
        @Option(names = "--reward-model", required = true, paramLabel = "DIR", description = "pθ folder.")
        Path rewardModel;
        @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "JSONL evaluation prompts.")
        Path prompts;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "New folder for eval.json and samples.jsonl.")
        Path out;
        @Option(names = "--max-new-tokens", defaultValue = "32", description = "Tokens per response (default: ${DEFAULT-VALUE}).")
        @InRange(min = 1, max = 1_000_000)
        int maxNewTokens;
        @Option(names = "--judge-base-url", description = "OpenAI-compatible judge server root (omit to skip the win rate).")
        String judgeUrl;
        @Option(names = "--judge-model", description = "Judge model name.")
        String judgeModel;
        @Option(names = "--judge-api-key-env", paramLabel = "VAR", description = "Environment variable holding the judge's API key.")
        String judgeKeyEnv;

        @Override
        void run(PrintStream log) throws IOException {
            PreferenceLabeler judge = null;
            if (judgeUrl != null) {
                if (judgeModel == null) {
                    throw new IllegalArgumentException("--judge-base-url needs --judge-model");
                }
                HttpJudge.Builder b = HttpJudge.builder().baseUrl(judgeUrl).model(judgeModel);
                if (judgeKeyEnv != null) b.apiKeyFromEnv(judgeKeyEnv);
                judge = b.build();
            }
            print(HuggingFaceStages.evaluate(policy, reference, rewardModel, Datasets.prompts(prompts), judge, maxNewTokens,
                    seed, out, log));
        }
    }
}
