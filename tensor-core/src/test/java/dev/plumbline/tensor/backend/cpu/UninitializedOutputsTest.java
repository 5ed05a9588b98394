// Every CPU op writes the whole of the uninitialised output it asks for: with the caching allocator
// poisoning reused and new arrays with NaN, a graph touching every op family (forward and gradient)
// gives bit-for-bit the values of an unpoisoned run. A kernel that read an output element it did not
// write would turn it into NaN here.
package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.ops.Fused;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class UninitializedOutputsTest {

    /** Runs the graph and returns every output and gradient, flattened. */
    private static List<float[]> run(long seed) {
        List<float[]> out = new ArrayList<>();
        try (Scope s = Scope.open()) {
            Generator g = new Generator(seed);
            int b = 2, h = 2, t = 40, d = 16, c = h * d, v = 70;
            Tensor x = Tensor.randn(g, b * t, c).requiresGrad(true);
            Tensor w = Tensor.randn(g, c, c).mul(0.2f).requiresGrad(true);
            Tensor lnW = Tensor.randn(g, c).requiresGrad(true), lnB = Tensor.randn(g, c).requiresGrad(true);
            Tensor table = Tensor.randn(g, v, c).requiresGrad(true);
            int[] idsArr = new int[b * t];
            for (int i = 0; i < idsArr.length; i++) {
                idsArr[i] = (int) ((seed + 31L * i) % v + v) % v;
            }
            Tensor ids = Tensor.fromArray(idsArr, b * t);
            Tensor e = table.embedding(ids).add(x);                                 // embedding, add
            Tensor n = e.layerNorm(lnW, lnB, 1e-5f);                                // layer norm
            Tensor hcat = Tensor.cat(List.of(n.matmul(w).gelu(), n.tanh()), 1);     // matmul, unary, cat
            Tensor q = hcat.narrow(1, 0, c).reshape(b, t, h, d).transpose(1, 2);
            Tensor k = hcat.narrow(1, c, c).reshape(b, t, h, d).transpose(1, 2);
            Tensor att = Fused.attention(q, k, k.mul(0.5f), null, true, 0.25f);     // attention
            Tensor y = att.transpose(1, 2).reshape(b * t, c);
            Tensor logits = y.matmul(table.transpose(0, 1));                        // transposed matmul
            Tensor loss = logits.crossEntropy(ids)                                  // cross-entropy
                    .add(logits.logSoftmax(-1).gatherLogProbs(ids).mean().neg())    // log-softmax, gather
                    .add(logits.softmax(-1).max(1, false).sum().mul(1e-3f))         // softmax, reduce
                    .add(Tensor.where(y.gt(0f), y, y.mul(0.1f)).square().mean())    // where, compare
                    .add(logits.sum(0, false).var(0, true, false).mul(1e-4f));                    // sum over dim, var
            loss.backward();
            for (Tensor r : new Tensor[] {loss, logits, att, n, hcat, logits.argmax(1, false).to(DType.F32),
                    x.grad(), w.grad(), lnW.grad(), lnB.grad(), table.grad()}) {
                out.add(r.toFloatArray());
            }
            // an empty reduction and an empty matmul: outputs of zeros that nobody else writes
            out.add(Tensor.zeros(3, 0).sum(1, false).toFloatArray());
            out.add(Tensor.zeros(3, 0).matmul(Tensor.zeros(0, 1500)).toFloatArray());
        }
        return out;
    }

    @Test
    void poisonedOutputsGiveTheSameBitsAsAnUnpoisonedRun() {
        long seed = TestSeeds.seed("UninitializedOutputsTest");
        List<float[]> clean = run(seed);
        boolean was = CpuArrayCache.poison(true);
        List<float[]> poisoned;
        try {
            poisoned = run(seed);
        } finally {
            CpuArrayCache.poison(was);
        }
        assertEquals(clean.size(), poisoned.size());
        for (int i = 0; i < clean.size(); i++) {
            float[] a = clean.get(i), p = poisoned.get(i);
            assertEquals(a.length, p.length, "output " + i);
            for (int j = 0; j < a.length; j++) {
                assertFalse(Float.isNaN(a[j]), "output " + i + " element " + j + " is NaN without poison");
                assertEquals(Float.floatToRawIntBits(a[j]), Float.floatToRawIntBits(p[j]),
                        "output " + i + " element " + j + ": an op read what it had not written");
            }
        }
    }
}
