package dev.plumbline.tensor;

import dev.plumbline.tensor.autograd.NoGrad;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Shape ops: values against index arithmetic on host arrays, storage sharing (a write through a
 * view shows in the base), copy-only-when-needed, and gradients through every view.
 */
class ViewsTest {

    @Test
    void reshapeViewFlattenKeepOrder() {
        Ref r = Ref.fresh();
        double[] a = r.normal(24);
        Tensor t = Ref.tensor(a, 2, 3, 4);
        r.assertClose(t.reshape(6, -1).toFloatArray(), a, 0, 0, "reshape");
        assertArrayEquals(new int[] {6, 4}, t.reshape(6, -1).shape());
        assertArrayEquals(new int[] {2, 12}, t.flatten(1, 2).shape());
        assertArrayEquals(new int[] {24}, t.flatten().shape());
        assertSame(t.storage(), t.view(4, 6).storage());
        r.gradCheck("reshape", in -> in[0].reshape(4, 6).mul(in[0].reshape(4, 6)), Ref.leaves(r.randn(2, 3, 4)));
    }

    @Test
    void permuteAndTransposeMatchIndexArithmetic() {
        Ref r = Ref.fresh();
        double[] a = r.normal(24);
        int[] s = {2, 3, 4};
        Tensor p = Ref.tensor(a, s).permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        r.assertClose(p.toFloatArray(), Ref.permute(a, s, 2, 0, 1), 0, 0, "permute");
        r.assertClose(Ref.tensor(a, s).transpose(0, 2).toFloatArray(), Ref.permute(a, s, 2, 1, 0), 0, 0, "transpose");
        r.assertClose(Ref.tensor(a, s).mT().toFloatArray(), Ref.permute(a, s, 0, 2, 1), 0, 0, "mT");
        r.gradCheck("permute", in -> in[0].permute(2, 0, 1).exp(), Ref.leaves(r.randn(2, 3, 4)));
    }

    @Test
    void sliceNarrowSelectWithSteps() {
        Ref r = Ref.fresh();
        double[] a = r.normal(35);
        Tensor t = Ref.tensor(a, 5, 7);
        // rows 1..4 step 2, cols -5..-1 (2..5)
        Tensor s = t.slice(0, 1, 5, 2).slice(1, -5, -1);
        assertArrayEquals(new int[] {2, 4}, s.shape());
        double[] e = new double[8];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                e[i * 4 + j] = a[(1 + 2 * i) * 7 + 2 + j];
            }
        }
        r.assertClose(s.toFloatArray(), e, 0, 0, "slice");
        double[] col = new double[5];
        for (int i = 0; i < 5; i++) {
            col[i] = a[i * 7 + 6];
        }
        r.assertClose(t.select(1, -1).toFloatArray(), col, 0, 0, "select");
        r.assertClose(t.narrow(0, 3, 2).toFloatArray(), java.util.Arrays.copyOfRange(a, 21, 35), 0, 0, "narrow");
        assertArrayEquals(new int[] {0, 7}, t.slice(0, 4, 2).shape(), "empty slice");
        r.gradCheck("slice step", in -> in[0].slice(0, 1, 5, 2).slice(1, -5, -1).tanh(), Ref.leaves(r.randn(5, 7)));
        r.gradCheck("select", in -> in[0].select(1, 2).mul(in[0].select(0, 0).narrow(0, 0, 4)),
                Ref.leaves(r.randn(4, 5)));
        r.gradCheck("narrow", in -> in[0].narrow(1, 1, 2).pow(2f), Ref.leaves(r.randn(3, 4)));
    }

    @Test
    void expandSqueezeUnsqueeze() {
        Ref r = Ref.fresh();
        double[] a = r.normal(3);
        Tensor e = Ref.tensor(a, 3, 1).expand(2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, e.shape());
        assertEquals(0, e.strides()[0]);
        assertEquals(0, e.strides()[2]);
        double[] ref = new double[24];
        for (int i = 0; i < 24; i++) {
            ref[i] = a[(i / 4) % 3];
        }
        r.assertClose(e.toFloatArray(), ref, 0, 0, "expand");
        assertArrayEquals(new int[] {3, 4}, Ref.tensor(a, 3, 1).expand(-1, 4).shape());
        Tensor u = Ref.tensor(a, 3).unsqueeze(0).unsqueeze(-1);
        assertArrayEquals(new int[] {1, 3, 1}, u.shape());
        assertArrayEquals(new int[] {3}, u.squeeze().shape());
        assertArrayEquals(new int[] {3, 1}, u.squeeze(0).shape());
        assertArrayEquals(new int[] {1, 3, 1}, u.squeeze(1).shape(), "squeeze of a non-1 dim is a no-op");
        r.gradCheck("expand", in -> in[0].expand(2, 3, 4).mul(in[1]), Ref.leaves(r.randn(3, 1), r.randn(2, 3, 4)));
        r.gradCheck("unsqueeze/squeeze", in -> in[0].unsqueeze(1).mul(in[1]).squeeze(0),
                Ref.leaves(r.randn(1, 3), r.randn(1, 2, 3)));
    }

    @Test
    void catStackSplitChunk() {
        Ref r = Ref.fresh();
        double[] a = r.normal(6), b = r.normal(4);
        Tensor c = Tensor.cat(List.of(Ref.tensor(a, 2, 3), Ref.tensor(b, 2, 2)), 1);
        double[] e = {a[0], a[1], a[2], b[0], b[1], a[3], a[4], a[5], b[2], b[3]};
        r.assertClose(c.toFloatArray(), e, 0, 0, "cat");
        Tensor s = Tensor.stack(List.of(Ref.tensor(a, 2, 3), Ref.tensor(a, 2, 3).neg()), 1);
        assertArrayEquals(new int[] {2, 2, 3}, s.shape());
        r.assertClose(s.select(1, 1).toFloatArray(), Ref.map(a, x -> -x), 0, 0, "stack");
        List<Tensor> parts = Ref.tensor(r.normal(14), 2, 7).split(3, 1);
        assertEquals(3, parts.size());
        assertArrayEquals(new int[] {2, 1}, parts.get(2).shape());
        List<Tensor> chunks = Ref.tensor(r.normal(10), 10).chunk(3, 0);
        assertEquals(List.of(4, 4, 2), chunks.stream().map(t -> t.size(0)).toList());
        r.gradCheck("cat", in -> Tensor.cat(List.of(in[0], in[1].mT(), in[0]), 0).tanh(),
                Ref.leaves(r.randn(2, 3), r.randn(3, 1)));
        r.gradCheck("stack", in -> Tensor.stack(List.of(in[0], in[1], in[0].mul(in[1])), 0),
                Ref.leaves(r.randn(2, 3), r.randn(2, 3)));
        r.gradCheck("split", in -> {
            List<Tensor> p = in[0].split(2, 1);
            return p.get(0).mul(p.get(1)).add(p.get(2).sum());
        }, Ref.leaves(r.randn(3, 5)));
    }

    @Test
    void viewsShareStorageWithTheBase() {
        Tensor base = Tensor.zeros(3, 4);
        try (NoGrad ng = NoGrad.enter()) {
            base.select(0, 1).fill_(7f);                 // row 1
            base.slice(1, 0, 4, 2).add_(Tensor.ones(3, 2)); // columns 0 and 2
            base.transpose(0, 1).select(0, 3).copy_(Tensor.fromArray(new float[] {-1, -2, -3}, 3)); // column 3
        }
        assertArrayEquals(new float[] {
                1, 0, 1, -1,
                8, 7, 8, -2,
                1, 0, 1, -3}, base.toFloatArray());
        Tensor v = base.reshape(12);
        assertSame(base.storage(), v.storage());
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor t = Tensor.arange(12).reshape(3, 4);
        assertSame(t, t.contiguous());
        assertTrue(t.unsqueeze(1).isContiguous());
        Tensor u = t.unsqueeze(1);
        assertSame(u, u.contiguous());
        Tensor tt = t.transpose(0, 1);
        assertFalse(tt.isContiguous());
        Tensor c = tt.contiguous();
        assertNotSame(tt.storage(), c.storage());
        assertTrue(c.isContiguous());
        assertArrayEquals(tt.toFloatArray(), c.toFloatArray());
        // a reshape of a transposed tensor must copy; of a contiguous one it must not
        assertNotSame(t.storage(), tt.reshape(12).storage());
        assertSame(t.storage(), t.reshape(2, 6).storage());
        // a row slice of a contiguous tensor is still contiguous (offset only)
        Tensor rows = t.slice(0, 1, 3);
        assertSame(rows, rows.contiguous());
        assertEquals(4, rows.offset());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tt.view(12));
        assertTrue(e.getMessage().contains("view: shape [12] is incompatible"), e.getMessage());
        assertTrue(e.getMessage().contains("use reshape()"), e.getMessage());
    }
}
