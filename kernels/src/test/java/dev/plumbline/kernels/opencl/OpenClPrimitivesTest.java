package dev.plumbline.kernels.opencl;

import org.junit.jupiter.api.extension.ExtendWith;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.ReduceOp;
import dev.plumbline.tensor.backend.UnaryOp;
import dev.plumbline.tensor.backend.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.plumbline.kernels.opencl.OpenClTestDevice.assertClose;
import static dev.plumbline.kernels.opencl.OpenClTestDevice.assertExact;
import static dev.plumbline.kernels.opencl.OpenClTestDevice.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every Backend primitive on OpenCL against the CPU reference, on random shapes with odd sizes
 * (not multiples of the work-group size) and non-contiguous inputs (transposed, sliced, broadcast).
 */
@ExtendWith(OclgrindReport.class)
class OpenClPrimitivesTest {
    private Device dev;
    private Backend ocl;
    private final Backend cpu = CpuBackend.INSTANCE;

    @BeforeEach
    void setUp() {
        dev = OpenClTestDevice.require();
        ocl = Tensor.empty(dev, DType.F32, 1).backend();
    }

    private Tensor cpuT(float[] v, int... shape) {
        return Tensor.fromArray(v, shape);
    }

    /** A transposed (non-contiguous) view of a fresh (cols, rows) tensor, on the CPU and on OpenCL. */
    private Tensor[] transposedPair(Random r, int rows, int cols) {
        Tensor c = cpuT(randn(r, rows * cols), cols, rows);
        return new Tensor[] {c.transpose(0, 1), c.to(dev).transpose(0, 1)};
    }

    @Test
    void fillAndCopyOverStridedLayouts() {
        Random r = OpenClTestDevice.random("fillCopy");
        int a = 3 + r.nextInt(40), b = 2 + r.nextInt(50);
        Tensor o = Tensor.zeros(dev, DType.F32, a, b);
        ocl.fill(o.transpose(0, 1).slice(0, 1, b), 2.5);          // strided destination, odd extents
        Tensor c = Tensor.zeros(Device.cpu(), DType.F32, a, b);
        cpu.fill(c.transpose(0, 1).slice(0, 1, b), 2.5);
        assertExact("fill strided", c.toFloatArray(), o.toFloatArray());

        Tensor[] p = transposedPair(r, a, b);
        assertExact("copy transposed", p[0].contiguous().toFloatArray(), p[1].contiguous().toFloatArray());
        // broadcast source (stride 0) into a strided destination
        Tensor row = cpuT(randn(r, b), 1, b);
        Tensor dc = Tensor.zeros(b, a).transpose(0, 1), dd = Tensor.empty(dev, DType.F32, b, a).transpose(0, 1);
        cpu.copy(row.expand(a, b), dc);
        ocl.copy(row.to(dev).expand(a, b), dd);
        assertExact("copy broadcast", dc.toFloatArray(), dd.toFloatArray());
        // F32 <-> I32 conversions, truncation toward zero, NaN/inf like Java casts
        float[] f = {1.7f, -1.7f, 0f, -0.4f, 3e9f, -3e9f, Float.NaN, Float.POSITIVE_INFINITY, 7f};
        assertArrayEquals(cpuT(f, 9).to(DType.I32).toIntArray(), cpuT(f, 9).to(dev).to(DType.I32).toIntArray());
        int[] iv = {5, -3, 0, Integer.MAX_VALUE, Integer.MIN_VALUE};
        assertExact("i32->f32", Tensor.fromArray(iv, 5).to(DType.F32).toFloatArray(),
                Tensor.fromArray(dev, iv, 5).to(DType.F32).toFloatArray());
        Tensor ti = Tensor.full(dev, DType.I32, -7.9, 3, 5);
        assertArrayEquals(Tensor.full(Device.cpu(), DType.I32, -7.9, 3, 5).toIntArray(), ti.toIntArray());
        // rank 6 with a permutation: more dims than merge away
        Tensor big = cpuT(randn(r, 2 * 3 * 2 * 5 * 3 * 2), 2, 3, 2, 5, 3, 2).permute(5, 3, 1, 0, 4, 2);
        Tensor bigD = big.contiguous().to(dev); // reference values
        Tensor viewD = cpuT(big.permute(3, 2, 5, 1, 4, 0).contiguous().toFloatArray(), 2, 3, 2, 5, 3, 2).to(dev)
                .permute(5, 3, 1, 0, 4, 2);
        assertExact("rank-6 permuted copy", bigD.toFloatArray(), viewD.contiguous().toFloatArray());
    }

    @Test
    void everyUnaryOpMatchesTheCpu() {
        Random r = OpenClTestDevice.random("unary");
        int rows = 1 + r.nextInt(37), cols = 1 + r.nextInt(300);
        Tensor[] p = transposedPair(r, rows, cols);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 20f, -20f};
        Tensor sc = cpuT(special, special.length), sd = sc.to(dev);
        for (UnaryOp op : UnaryOp.values()) {
            float a = op == UnaryOp.POW ? 3f : op == UnaryOp.CLAMP || op == UnaryOp.INSIDE ? -0.5f : 1.5f;
            float b = op == UnaryOp.CLAMP || op == UnaryOp.INSIDE ? 0.7f : -0.25f;
            Tensor x0 = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT ? p[0].abs() : p[0];
            Tensor x1 = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT ? p[1].abs().transpose(0, 1)
                    .contiguous().transpose(0, 1) : p[1];
            Tensor oc = Tensor.zeros(rows, cols), od = Tensor.empty(dev, DType.F32, rows, cols);
            cpu.unary(op, x0, a, b, oc);
            ocl.unary(op, x1, a, b, od);
            assertClose("unary " + op, oc.toFloatArray(), od.toFloatArray(), 1e-6, 2e-6);
            Tensor sco = Tensor.zeros(special.length), sdo = Tensor.empty(dev, DType.F32, special.length);
            cpu.unary(op, sc, a, b, sco);
            ocl.unary(op, sd, a, b, sdo);
            assertClose("unary " + op + " special values", sco.toFloatArray(), sdo.toFloatArray(), 1e-6, 2e-6);
        }
    }

    @Test
    void everyBinaryOpAndWhereWithBroadcasting() {
        Random r = OpenClTestDevice.random("binary");
        int a = 1 + r.nextInt(9), b = 1 + r.nextInt(13), c = 1 + r.nextInt(70);
        float[] xv = randn(r, a * c), yv = randn(r, b * c);
        for (int i = 0; i < yv.length; i += 5) {
            yv[i] = xv[i % xv.length]; // some equal pairs for the comparisons
        }
        Tensor xc = cpuT(xv, a, 1, c), yc = cpuT(yv, c, b).transpose(0, 1); // y non-contiguous (b, c)
        Tensor xd = xc.to(dev), yd = cpuT(yv, c, b).to(dev).transpose(0, 1);
        int[] shape = {a, b, c};
        for (BinaryOp op : BinaryOp.values()) {
            Tensor oc = Tensor.zeros(shape), od = Tensor.empty(dev, DType.F32, shape);
            Tensor x0 = op == BinaryOp.POW ? xc.abs() : xc, x1 = op == BinaryOp.POW ? xd.abs() : xd;
            cpu.binary(op, x0.expand(shape), yc.expand(shape), oc);
            ocl.binary(op, x1.expand(shape), yd.expand(shape), od);
            assertClose("binary " + op, oc.toFloatArray(), od.toFloatArray(), 1e-6, 2e-6);
        }
        int[] iv = new int[a * c], jv = new int[b * c];
        for (int i = 0; i < iv.length; i++) {
            iv[i] = r.nextInt() >> r.nextInt(31);
        }
        for (int i = 0; i < jv.length; i++) {
            jv[i] = r.nextInt() >> r.nextInt(31);
        }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.MAX, BinaryOp.MIN}) {
            Tensor oc = Tensor.zeros(Device.cpu(), DType.I32, shape), od = Tensor.empty(dev, DType.I32, shape);
            cpu.binary(op, Tensor.fromArray(iv, a, 1, c).expand(shape), Tensor.fromArray(jv, b, c).expand(shape), oc);
            ocl.binary(op, Tensor.fromArray(dev, iv, a, 1, c).expand(shape), Tensor.fromArray(dev, jv, b, c).expand(shape), od);
            assertArrayEquals(oc.toIntArray(), od.toIntArray(), "I32 " + op);
        }
        Tensor cond = xc.gt(Tensor.scalar(0.2f));
        Tensor wc = Tensor.where(cond, xc, yc), wd = Tensor.where(cond.to(dev), xd, yd);
        assertExact("where", wc.toFloatArray(), wd.toFloatArray());
    }

    @Test
    void reductionsOverAnyDimsIncludingArgWithTiesAndNaN() {
        Random r = OpenClTestDevice.random("reduce");
        for (int trial = 0; trial < 25; trial++) {
            int rank = 1 + r.nextInt(4);
            int[] shape = new int[rank];
            int n = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = 1 + r.nextInt(trial % 5 == 0 && d == 0 ? 700 : 12); // one long dim now and then
                n *= shape[d];
            }
            float[] v = new float[n];
            boolean ties = r.nextBoolean();
            for (int i = 0; i < n; i++) {
                v[i] = ties ? r.nextInt(4) : (float) r.nextGaussian();
            }
            if (trial % 7 == 3) {
                v[r.nextInt(n)] = Float.NaN;
            }
            // a permuted (non-contiguous) view
            int[] perm = new int[rank];
            for (int d = 0; d < rank; d++) {
                perm[d] = rank - 1 - d;
            }
            Tensor xc = cpuT(v, shape).permute(perm), xd = cpuT(v, shape).to(dev).permute(perm);
            List<Integer> dl = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                if (r.nextBoolean() || (d == rank - 1 && dl.isEmpty())) {
                    dl.add(d);
                }
            }
            int[] dims = dl.stream().mapToInt(Integer::intValue).toArray();
            int[] kept = xc.shape();
            for (int d : dims) {
                kept[d] = 1;
            }
            for (ReduceOp op : ReduceOp.values()) {
                boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
                DType t = arg ? DType.I32 : DType.F32;
                Tensor oc = Tensor.zeros(Device.cpu(), t, kept), od = Tensor.empty(dev, t, kept);
                cpu.reduce(op, xc, dims, oc);
                ocl.reduce(op, xd, dims, od);
                String what = op + " dims " + java.util.Arrays.toString(dims) + " of " + java.util.Arrays.toString(xc.shape());
                if (arg) {
                    assertArrayEquals(oc.toIntArray(), od.toIntArray(), what);
                } else {
                    assertClose(what, oc.toFloatArray(), od.toFloatArray(), 1e-5, 1e-5);
                }
            }
        }
    }

    @Test
    void batchedMatmulWithStridedAndBroadcastOperands() {
        Random r = OpenClTestDevice.random("matmul");
        for (int trial = 0; trial < 8; trial++) {
            int m = 1 + r.nextInt(45), k = 1 + r.nextInt(70), n = 1 + r.nextInt(40), bt = 1 + r.nextInt(3);
            // a: (bt, m, k) as a transposed view of (bt, k, m); b: (k, n) broadcast over the batch
            Tensor ac = cpuT(randn(r, bt * k * m), bt, k, m), bc = cpuT(randn(r, k * n), k, n);
            Tensor ad = ac.to(dev), bd = bc.to(dev);
            Tensor rc = ac.transpose(1, 2).matmul(bc), rd = ad.transpose(1, 2).matmul(bd);
            assertClose("matmul " + m + "x" + k + "x" + n + " batch " + bt, rc.toFloatArray(), rd.toFloatArray(), 1e-4, 1e-4);
            // b transposed, a sliced
            Tensor rc2 = ac.slice(2, 0, m).transpose(1, 2).matmul(bc.mT().contiguous().mT());
            Tensor rd2 = ad.slice(2, 0, m).transpose(1, 2).matmul(bd.mT().contiguous().mT());
            assertClose("matmul transposed b", rc2.toFloatArray(), rd2.toFloatArray(), 1e-4, 1e-4);
        }
    }

    @Test
    void indexingIsExactAndChecksBounds() {
        Random r = OpenClTestDevice.random("indexing");
        int v = 2 + r.nextInt(20), c = 1 + r.nextInt(70), n = 1 + r.nextInt(50);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(v); // duplicates likely
        }
        Tensor tc = cpuT(randn(r, v * c), v, c), td = tc.to(dev);
        Tensor ic = Tensor.fromArray(ids, n), id = Tensor.fromArray(dev, ids, n);
        Tensor sc = Tensor.zeros(n, c), sd = Tensor.empty(dev, DType.F32, n, c);
        cpu.indexSelect(tc, ic, sc);
        ocl.indexSelect(td, id, sd);
        assertExact("indexSelect", sc.toFloatArray(), sd.toFloatArray());
        Tensor src = cpuT(randn(r, n * c), n, c);
        Tensor ac = tc.copy(), ad = td.copy();
        cpu.indexAdd(ac, ic, src);
        ocl.indexAdd(ad, id, src.to(dev));
        assertExact("indexAdd (duplicates, in order)", ac.toFloatArray(), ad.toFloatArray());

        int rows = 1 + r.nextInt(30), kk = 1 + r.nextInt(9);
        int[] g = new int[rows * kk];
        for (int i = 0; i < g.length; i++) {
            g[i] = r.nextInt(v);
        }
        Tensor xc = cpuT(randn(r, rows * v), rows, v), xd = xc.to(dev);
        Tensor gc = Tensor.zeros(rows, kk), gd = Tensor.empty(dev, DType.F32, rows, kk);
        cpu.gather(xc, Tensor.fromArray(g, rows, kk), gc);
        ocl.gather(xd, Tensor.fromArray(dev, g, rows, kk), gd);
        assertExact("gather", gc.toFloatArray(), gd.toFloatArray());
        Tensor s2 = cpuT(randn(r, rows * kk), rows, kk);
        Tensor oc = xc.copy(), od = xd.copy();
        cpu.scatterAdd(oc, Tensor.fromArray(g, rows, kk), s2);
        ocl.scatterAdd(od, Tensor.fromArray(dev, g, rows, kk), s2.to(dev));
        assertExact("scatterAdd", oc.toFloatArray(), od.toFloatArray());

        int[] bad = ids.clone();
        bad[n - 1] = v;
        assertThrows(IndexOutOfBoundsException.class, () -> ocl.indexSelect(td, Tensor.fromArray(dev, bad, n), sd));
    }

    @Test
    void softmaxCrossEntropyLayerNormForwardAndBackward() {
        Random r = OpenClTestDevice.random("fused");
        int rows = 1 + r.nextInt(20), v = 1 + r.nextInt(700);
        float[] xv = randn(r, rows * v);
        for (int i = 0; i < xv.length; i++) {
            xv[i] *= 4;
        }
        Tensor xc = cpuT(xv, rows, v), xd = xc.to(dev), gyc = cpuT(randn(r, rows * v), rows, v), gyd = gyc.to(dev);
        for (boolean log : new boolean[] {false, true}) {
            Tensor yc = Tensor.zeros(rows, v), yd = Tensor.empty(dev, DType.F32, rows, v);
            cpu.softmax(xc, log, yc);
            ocl.softmax(xd, log, yd);
            assertClose("softmax log=" + log, yc.toFloatArray(), yd.toFloatArray(), 1e-6, 1e-5);
            Tensor gc = Tensor.zeros(rows, v), gd = Tensor.empty(dev, DType.F32, rows, v);
            cpu.softmaxBackward(yc, gyc, log, gc);
            ocl.softmaxBackward(yc.to(dev), gyd, log, gd);
            assertClose("softmax backward log=" + log, gc.toFloatArray(), gd.toFloatArray(), 1e-5, 1e-5);
        }
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = i % 3 == 1 ? -100 : r.nextInt(v);
        }
        Tensor lc = Tensor.zeros(rows), ec = Tensor.zeros(rows), ld = Tensor.empty(dev, DType.F32, rows),
                ed = Tensor.empty(dev, DType.F32, rows);
        cpu.crossEntropy(xc, Tensor.fromArray(t, rows), -100, lc, ec);
        ocl.crossEntropy(xd, Tensor.fromArray(dev, t, rows), -100, ld, ed);
        assertClose("crossEntropy loss", lc.toFloatArray(), ld.toFloatArray(), 1e-5, 1e-5);
        assertClose("crossEntropy lse", ec.toFloatArray(), ed.toFloatArray(), 1e-5, 1e-5);
        Tensor glc = cpuT(randn(r, rows), rows);
        Tensor gxc = Tensor.zeros(rows, v), gxd = Tensor.empty(dev, DType.F32, rows, v);
        cpu.crossEntropyBackward(xc, Tensor.fromArray(t, rows), -100, ec, glc, gxc);
        ocl.crossEntropyBackward(xd, Tensor.fromArray(dev, t, rows), -100, ed, glc.to(dev), gxd);
        assertClose("crossEntropy backward", gxc.toFloatArray(), gxd.toFloatArray(), 1e-6, 1e-5);

        int c = 1 + r.nextInt(600);
        Tensor x2 = cpuT(randn(r, rows * c), rows, c), w = cpuT(randn(r, c), c), b = cpuT(randn(r, c), c);
        Tensor gy2 = cpuT(randn(r, rows * c), rows, c);
        for (boolean affine : new boolean[] {true, false}) {
            Tensor oc = Tensor.zeros(rows, c), mc = Tensor.zeros(rows), rc = Tensor.zeros(rows);
            Tensor od = Tensor.empty(dev, DType.F32, rows, c), md = Tensor.empty(dev, DType.F32, rows),
                    rd = Tensor.empty(dev, DType.F32, rows);
            cpu.layerNorm(x2, affine ? w : null, affine ? b : null, 1e-5f, oc, mc, rc);
            ocl.layerNorm(x2.to(dev), affine ? w.to(dev) : null, affine ? b.to(dev) : null, 1e-5f, od, md, rd);
            assertClose("layerNorm out affine=" + affine, oc.toFloatArray(), od.toFloatArray(), 1e-5, 1e-5);
            assertClose("layerNorm rstd", rc.toFloatArray(), rd.toFloatArray(), 1e-6, 1e-5);
            Tensor gxc2 = Tensor.zeros(rows, c), gwc = Tensor.zeros(c), gbc = Tensor.zeros(c);
            Tensor gxd2 = Tensor.empty(dev, DType.F32, rows, c), gwd = Tensor.empty(dev, DType.F32, c),
                    gbd = Tensor.empty(dev, DType.F32, c);
            cpu.layerNormBackward(gy2, x2, affine ? w : null, mc, rc, gxc2, gwc, gbc);
            ocl.layerNormBackward(gy2.to(dev), x2.to(dev), affine ? w.to(dev) : null, md, rd, gxd2, gwd, gbd);
            assertClose("layerNorm gx", gxc2.toFloatArray(), gxd2.toFloatArray(), 1e-5, 1e-4);
            assertClose("layerNorm gw", gwc.toFloatArray(), gwd.toFloatArray(), 1e-5, 1e-4);
            assertClose("layerNorm gb", gbc.toFloatArray(), gbd.toFloatArray(), 1e-5, 1e-5);
        }
    }

    @Test
    void attentionCausalOffsetKeyMaskAndEmptyRows() {
        Random r = OpenClTestDevice.random("attention");
        for (int trial = 0; trial < 4; trial++) {
            int b = 1 + r.nextInt(2), h = 1 + r.nextInt(3), tk = 1 + r.nextInt(19), d = 1 + r.nextInt(40);
            int tq = trial == 3 ? tk + 2 : 1 + r.nextInt(tk); // trial 3: Tq > Tk, first rows see nothing
            boolean causal = trial != 1;
            Tensor q = cpuT(randn(r, b * h * tq * d), b, h, tq, d), k = cpuT(randn(r, b * h * tk * d), b, h, tk, d),
                    v = cpuT(randn(r, b * h * tk * d), b, h, tk, d), go = cpuT(randn(r, b * h * tq * d), b, h, tq, d);
            Tensor mask = null;
            if (trial >= 1) {
                float[] mv = new float[b * tk];
                for (int i = 0; i < mv.length; i++) {
                    mv[i] = r.nextInt(4) == 0 ? 0f : 1f;
                }
                mv[0] = 0f; // with causal: query 0 (when Tq == Tk) sees only key 0, masked → empty row
                mask = cpuT(mv, b, tk);
            }
            float scale = (float) (1 / Math.sqrt(d));
            Tensor oc = Tensor.zeros(b, h, tq, d), lc = Tensor.zeros(b, h, tq);
            Tensor od = Tensor.empty(dev, DType.F32, b, h, tq, d), ld = Tensor.empty(dev, DType.F32, b, h, tq);
            cpu.attention(q, k, v, mask, causal, scale, oc, lc);
            Tensor md = mask == null ? null : mask.to(dev);
            ocl.attention(q.to(dev), k.to(dev), v.to(dev), md, causal, scale, od, ld);
            String what = "attention b" + b + " h" + h + " tq" + tq + " tk" + tk + " d" + d + " causal=" + causal;
            assertClose(what + " out", oc.toFloatArray(), od.toFloatArray(), 1e-5, 1e-4);
            assertClose(what + " lse", lc.toFloatArray(), ld.toFloatArray(), 1e-5, 1e-5);
            Tensor gqc = Tensor.zeros(q.shape()), gkc = Tensor.zeros(k.shape()), gvc = Tensor.zeros(v.shape());
            Tensor gqd = Tensor.empty(dev, DType.F32, q.shape()), gkd = Tensor.empty(dev, DType.F32, k.shape()),
                    gvd = Tensor.empty(dev, DType.F32, v.shape());
            cpu.attentionBackward(q, k, v, mask, causal, scale, oc, lc, go, gqc, gkc, gvc);
            ocl.attentionBackward(q.to(dev), k.to(dev), v.to(dev), md, causal, scale, od, ld, go.to(dev), gqd, gkd, gvd);
            assertClose(what + " gq", gqc.toFloatArray(), gqd.toFloatArray(), 1e-4, 1e-4);
            assertClose(what + " gk", gkc.toFloatArray(), gkd.toFloatArray(), 1e-4, 1e-4);
            assertClose(what + " gv", gvc.toFloatArray(), gvd.toFloatArray(), 1e-4, 1e-4);
        }
    }

    @Test
    void adamwMultiTensorStep() {
        Random r = OpenClTestDevice.random("adamw");
        List<Tensor> pc = new ArrayList<>(), gc = new ArrayList<>(), mc = new ArrayList<>(), vc = new ArrayList<>();
        List<Tensor> pd = new ArrayList<>(), gd = new ArrayList<>(), md = new ArrayList<>(), vd = new ArrayList<>();
        float[] wd = new float[3];
        for (int t = 0; t < 3; t++) {
            int n = 1 + r.nextInt(1000);
            wd[t] = t == 0 ? 0f : 0.1f;
            Tensor p = cpuT(randn(r, n), n), g = cpuT(randn(r, n), n), m = cpuT(randn(r, n), n).mul(0.1f),
                    v = cpuT(randn(r, n), n).abs().mul(0.01f);
            pc.add(p.copy()); gc.add(g); mc.add(m.copy()); vc.add(v.copy());
            pd.add(p.to(dev)); gd.add(g.to(dev)); md.add(m.to(dev)); vd.add(v.to(dev));
        }
        float bc1 = 1 - (float) Math.pow(0.9, 3), bc2 = 1 - (float) Math.pow(0.999, 3);
        cpu.adamw(pc, gc, mc, vc, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, bc1, bc2);
        ocl.adamw(pd, gd, md, vd, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, bc1, bc2);
        for (int t = 0; t < 3; t++) {
            assertClose("adamw p" + t, pc.get(t).toFloatArray(), pd.get(t).toFloatArray(), 1e-6, 1e-6);
            assertClose("adamw m" + t, mc.get(t).toFloatArray(), md.get(t).toFloatArray(), 0, 1e-6);
            assertClose("adamw v" + t, vc.get(t).toFloatArray(), vd.get(t).toFloatArray(), 0, 1e-6);
        }
    }
}
