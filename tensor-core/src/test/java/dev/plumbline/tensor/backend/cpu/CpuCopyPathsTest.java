// The CPU copy's special paths against an index-by-index reference: the tiled transpose (odd sizes,
// offset views, tiles that do not divide the shape) and one long contiguous row split across threads
// (copy, fill and an elementwise op over a 1-row loop with an offset).
package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CpuCopyPathsTest {

    @Test
    void aTransposedCopyMatchesTheIndexByIndexReference() {
        Generator g = new Generator(TestSeeds.seed("CpuCopyPathsTest.transpose"));
        for (int[] rc : new int[][] {{70, 45}, {32, 32}, {33, 97}, {128, 40}, {31, 200}}) {
            int r = rc[0], c = rc[1];
            Tensor x = Tensor.randn(g, r + 3, c + 2);
            float[] xa = x.toFloatArray();
            Tensor view = x.narrow(0, 2, r).narrow(1, 1, c);           // offset view of (r, c)
            float[] got = view.transpose(0, 1).contiguous().toFloatArray(); // (c, r)
            for (int i = 0; i < c; i++) {
                for (int j = 0; j < r; j++) {
                    assertEquals(xa[(j + 2) * (c + 2) + (i + 1)], got[i * r + j], r + "x" + c + " at [" + i + ", " + j + "]");
                }
            }
        }
    }

    @Test
    void oneLongRowIsSplitWithoutLosingOrMovingAnElement() {
        int n = 300_007;
        float[] a = new float[n + 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = i * 0.5f - 7;
        }
        Tensor x = Tensor.fromArray(a, a.length).narrow(0, 5, n); // offset 5, contiguous
        float[] copy = x.copyDetached().toFloatArray(); // always copies (contiguous() would return x)
        float[] neg = x.neg().toFloatArray();
        Tensor filled = Tensor.full(3.25f, n);
        float[] fill = filled.toFloatArray();
        for (int i = 0; i < n; i++) {
            assertEquals(a[i + 5], copy[i], "copy " + i);
            assertEquals(-a[i + 5], neg[i], "neg " + i);
            assertEquals(3.25f, fill[i], "fill " + i);
        }
    }
}
