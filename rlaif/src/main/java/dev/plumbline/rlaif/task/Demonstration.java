// A (prompt, ideal response) pair for supervised fine-tuning.
package dev.plumbline.rlaif.task;

/**
 * A supervised demonstration: the prompt and the response a perfect policy gives (up to EOS).
 *
 * <pre>{@code
 * for (Demonstration d : suite.demonstrations(0, 1000)) train(d.prompt(), d.response());
 * }</pre>
 */
public record Demonstration(String prompt, String response) {
}
