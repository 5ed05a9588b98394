// TrainResult: what one Trainer.fit call did — the step range, per-step losses, eval loss, throughput.
package dev.plumbline.nn.train;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param firstStep    the step count the call started from (after resuming)
 * @param lastStep     the step count it reached
 * @param losses       training loss of each step run, {@code losses[i]} for step {@code firstStep + i + 1}
 * @param evalLoss     held-out loss at the end, NaN without an eval corpus
 * @param tokensPerSec training tokens per second of wall time spent in steps
 */
public record TrainResult(long firstStep, long lastStep, double[] losses, double evalLoss, double tokensPerSec) {}
