package dev.plumbline.kernels.opencl;

import org.junit.jupiter.api.extension.ExtendWith;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.ops.Fused;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.plumbline.kernels.opencl.OpenClTestDevice.assertClose;
import static dev.plumbline.kernels.opencl.OpenClTestDevice.randn;

/**
 * Forward and backward through the op layer (gradient rules written once, with tensor ops) on
 * OpenCL, compared with the same graph on the CPU: a small transformer-like block with embedding,
 * attention, layer norm, GELU MLP, cross-entropy and reductions.
 */
@ExtendWith(OclgrindReport.class)
class OpenClAutogradTest {

    private static Tensor leaf(float[] v, Device d, int... shape) {
        return Tensor.fromArray(v, shape).to(d).detach().requiresGrad(true);
    }

    @Test
    void gradientsMatchTheCpu() {
        Device dev = OpenClTestDevice.require();
        Random r = OpenClTestDevice.random("autograd");
        int vocab = 11 + r.nextInt(20), c = 8 * (1 + r.nextInt(3)), t = 3 + r.nextInt(6), bsz = 1 + r.nextInt(2), h = 2;
        float[] emb = randn(r, vocab * c), w1 = randn(r, c * 3 * c), w2 = randn(r, 4 * c * c), lnw = randn(r, c),
                lnb = randn(r, c), wo = randn(r, vocab * c), wf = randn(r, c * 4 * c);
        for (float[] a : new float[][] {w1, w2, wo, wf}) {
            for (int i = 0; i < a.length; i++) {
                a[i] *= 0.2f;
            }
        }
        int[] ids = new int[bsz * t], tg = new int[bsz * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(vocab);
            tg[i] = i % 5 == 4 ? -100 : r.nextInt(vocab);
        }
        float[] losses = new float[2];
        Device[] devices = {Device.cpu(), dev};
        float[][] all = new float[2][];
        for (int run = 0; run < 2; run++) {
            Device d = devices[run];
            Tensor e = leaf(emb, d, vocab, c), p1 = leaf(w1, d, 3 * c, c), p2 = leaf(w2, d, c, 4 * c),
                    pf = leaf(wf, d, 4 * c, c), gw = leaf(lnw, d, c), gb = leaf(lnb, d, c), po = leaf(wo, d, vocab, c);
            Tensor x = e.embedding(Tensor.fromArray(ids, bsz, t).to(d));                  // (B, T, C)
            Tensor qkv = x.linear(p1, null);                                              // (B, T, 3C)
            Tensor q = qkv.narrow(2, 0, c).reshape(bsz, t, h, c / h).transpose(1, 2);     // (B, H, T, D) strided
            Tensor k = qkv.narrow(2, c, c).reshape(bsz, t, h, c / h).transpose(1, 2);
            Tensor v = qkv.narrow(2, 2 * c, c).reshape(bsz, t, h, c / h).transpose(1, 2);
            Tensor att = Fused.attention(q, k, v, null, true, (float) (1 / Math.sqrt(c / h)));
            Tensor y = x.add(att.transpose(1, 2).reshape(bsz, t, c)).layerNorm(gw, gb, 1e-5f);
            y = y.add(y.linear(pf, null).gelu().linear(p2, null));
            Tensor logits = y.linear(po, null).reshape(bsz * t, vocab);
            Tensor loss = logits.crossEntropy(Tensor.fromArray(tg, bsz * t).to(d))
                    .add(logits.logSoftmax().max(1, false).mean().mul(0.1f))
                    .add(y.softmax().var(-1, true, false).sum().mul(0.01f));
            loss.backward();
            losses[run] = loss.item();
            Tensor[] ps = {e, p1, p2, pf, gw, gb, po};
            int total = 0;
            for (Tensor p : ps) {
                total += (int) p.numel();
            }
            float[] flat = new float[total];
            int at = 0;
            for (Tensor p : ps) {
                float[] g = p.grad().toFloatArray();
                System.arraycopy(g, 0, flat, at, g.length);
                at += g.length;
            }
            all[run] = flat;
        }
        assertClose("loss", new float[] {losses[0]}, new float[] {losses[1]}, 1e-5, 1e-5);
        assertClose("parameter gradients", all[0], all[1], 2e-5, 2e-4);
    }
}
