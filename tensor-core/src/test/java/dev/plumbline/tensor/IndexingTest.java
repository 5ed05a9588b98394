package dev.plumbline.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Embedding lookup and last-dim gather (forward against index arithmetic; scatter-add gradients). */
class IndexingTest {

    @Test
    void embeddingRowsAndRepeatedIdsAccumulate() {
        Ref r = Ref.fresh();
        int v = 6, c = 3;
        double[] table = r.normal(v * c);
        int[] ids = {2, 0, 2, 5, 2, 1}; // id 2 three times: its gradient row is the sum of three
        Tensor out = Ref.tensor(table, v, c).embedding(Tensor.fromArray(ids, 2, 3));
        assertArrayEquals(new int[] {2, 3, c}, out.shape());
        double[] ref = new double[ids.length * c];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(table, ids[i] * c, ref, i * c, c);
        }
        r.assertClose(out.toFloatArray(), ref, 0, 0, "embedding");
        Tensor idt = Tensor.fromArray(ids, 2, 3);
        r.gradCheck("embedding repeated ids", in -> in[0].embedding(idt), Ref.leaves(Ref.tensor(table, v, c)));
        Tensor tab = Ref.tensor(table, v, c).requiresGrad(true);
        tab.embedding(idt).sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 3, 3, 3, 0, 0, 0, 0, 0, 0, 1, 1, 1}, tab.grad().toFloatArray());
    }

    @Test
    void gatherLastDim() {
        Ref r = Ref.fresh();
        double[] x = r.normal(2 * 3 * 7);
        int[] idx = r.ints(2 * 3 * 4, 7);
        idx[1] = idx[0]; // a repeat within a row
        Tensor out = Ref.tensor(x, 2, 3, 7).gather(Tensor.fromArray(idx, 2, 3, 4));
        double[] ref = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            ref[i] = x[(i / 4) * 7 + idx[i]];
        }
        r.assertClose(out.toFloatArray(), ref, 0, 0, "gather");
        Tensor it = Tensor.fromArray(idx, 2, 3, 4);
        r.gradCheck("gather", in -> in[0].gather(it), Ref.leaves(Ref.tensor(x, 2, 3, 7)));
        r.gradCheck("gather of transposed", in -> in[0].mT().gather(Tensor.fromArray(new int[] {0, 2, 2, 1}, 2, 2)),
                Ref.leaves(r.randn(3, 2)));
    }

    @Test
    void outOfRangeIdsAreNamed() {
        Tensor table = Tensor.zeros(4, 2);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> table.embedding(Tensor.fromArray(new int[] {1, 4}, 2)));
        assertEquals("embedding: index 4 out of range [0, 4) at position 1", e.getMessage());
        IndexOutOfBoundsException g = assertThrows(IndexOutOfBoundsException.class,
                () -> table.gather(Tensor.fromArray(new int[] {-1}, 1, 1).expand(4, 1)));
        assertTrue(g.getMessage().startsWith("gather: index -1 out of range [0, 2)"), g.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> table.embedding(Tensor.fromArray(new float[] {1}, 1)));
        assertEquals("embedding: indices must be I32, got F32", f.getMessage());
    }
}
