// PPO hyper-parameters, with defaults sized for the built-in tasks on 2 CPU cores.
package dev.plumbline.rlaif.ppo;

/**
 * The knobs of {@link PpoTrainer}: batch → minibatch epochs, clipping, the KL penalty against
 * π_ref, GAE, and sampling. Field names match the JSON keys of the pipeline's {@code config.json}.
 *
 * <pre>{@code
 * PpoConfig c = new PpoConfig();
 * c.klCoef = 0.02;
 * c.adaptiveKl = true;
 * }</pre>
 */
public final class PpoConfig {

    public int steps = 50;
    public int batchSize = 64;
    public int minibatchSize = 32;
    public int epochs = 4;
    public double lr = 1e-4;
    public double criticLr = 3e-3;
    public double klCoef = 0.3;
    public boolean adaptiveKl = false;
    public double klTarget = 2.0;
    public double klHorizon = 5000;
    /** k1, k2 or k3. */
    public String klEstimator = "k1";
    public double clipRange = 0.2;
    public double valueClipRange = 0.2;
    public double valueCoef = 0.5;
    public double gamma = 1.0;
    public double lambda = 0.95;
    public boolean whitenAdvantages = true;
    public double temperature = 1.0;
    public int maxNewTokens = 14;
    public double gradClip = 1.0;
    /** Subtracted from the score of a response that never emits EOS within maxNewTokens. */
    public double missingEosPenalty = 1.0;
}
