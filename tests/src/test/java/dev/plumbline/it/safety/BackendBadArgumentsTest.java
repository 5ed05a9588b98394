package dev.plumbline.it.safety;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.Backends;
import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.ReduceOp;
import dev.plumbline.tensor.backend.UnaryOp;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link Backend} primitive, on every backend this machine has (CPU, OpenCL, CUDA), fed wrong
 * shapes, dtypes, layouts, offsets and sizes straight through the backend SPI — past the op layer's
 * own checks — must throw an {@link IllegalArgumentException} naming the device, the op and the
 * argument, never crash the JVM or write past a buffer; afterwards the backend still computes
 * correctly and the tensors it refused are unchanged. (A GPU kernel given such arguments would read
 * or write outside its buffer: on PoCL that is the JVM's own memory.)
 */
class BackendBadArgumentsTest {

    private static List<Device> devices() {
        List<Device> out = new ArrayList<>(List.of(Device.cpu()));
        for (Backends.Availability a : Backends.probeAll()) {
            if (a.available() && a.type() != Device.Type.CPU) {
                out.add(a.type() == Device.Type.OPENCL ? Device.opencl(0) : Device.cuda(0));
            }
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> everyPrimitiveRefusesBadArgumentsWithAClearError() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Device d : devices()) {
            for (Map.Entry<String, Executable> c : cases(d).entrySet()) {
                String name = c.getKey();
                tests.add(DynamicTest.dynamicTest(d + " " + name, () -> {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.getValue(), name);
                    String m = e.getMessage();
                    String op = name.substring(0, name.indexOf(':'));
                    assertTrue(m.startsWith(d + " ") && m.contains(op), "names device and op '" + op + "': " + m);
                }));
            }
            tests.add(DynamicTest.dynamicTest(d + " still computes afterwards", () -> {
                Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).to(d);
                assertArrayEquals(new float[] {14, 32, 32, 77}, a.matmul(a.mT()).toFloatArray(), 1e-5f);
                assertArrayEquals(new float[] {6, 15}, a.sum(1, false).toFloatArray(), 1e-5f);
            }));
        }
        return tests;
    }

    private static Tensor f(Device d, int... shape) {
        return Tensor.empty(d, DType.F32, shape);
    }

    private static Tensor i(Device d, int... shape) {
        return Tensor.empty(d, DType.I32, shape);
    }

    /** A view of t's storage with a hand-made layout (Tensor.view trusts its caller). */
    private static Tensor view(Tensor t, int[] shape, int[] strides, int offset) {
        return Tensor.view(t.storage(), shape, strides, offset);
    }

    /** "op: what is wrong" → a call that must be refused. */
    private static Map<String, Executable> cases(Device d) {
        Backend b = Tensor.empty(d, DType.F32, 1).backend();
        Map<String, Executable> m = new LinkedHashMap<>();
        Tensor x48 = f(d, 4, 8), o48 = f(d, 4, 8), small = f(d, 2, 3), ids = Tensor.fromArray(new int[] {0, 1, 2}, 3).to(d);
        Tensor buf = f(d, 10);
        Tensor pastEnd = view(buf, new int[] {4, 4}, new int[] {4, 1}, 0);          // 16 elements of 10
        Tensor offPast = view(buf, new int[] {3}, new int[] {1}, 8);                 // elements 8..10 of 10
        Tensor negative = view(buf, new int[] {3}, new int[] {1}, -1);
        Tensor wideStride = view(buf, new int[] {2, 5}, new int[] {6, 1}, 0);        // reaches element 10

        m.put("download: view past its storage", () -> b.downloadFloats(pastEnd));
        m.put("download: offset past its storage", () -> b.downloadFloats(offPast));
        m.put("download: ints of a float tensor", () -> b.downloadInts(x48));
        m.put("fill: negative offset", () -> b.fill(negative, 1));
        m.put("fill: strides past its storage", () -> b.fill(wideStride, 1));
        m.put("copy: shapes differ", () -> b.copy(x48, small));
        m.put("copy: out past its storage", () -> b.copy(f(d, 4, 4), pastEnd));
        m.put("unary: out smaller than x", () -> b.unary(UnaryOp.EXP, x48, 0, 0, small));
        m.put("unary: I32 x", () -> b.unary(UnaryOp.EXP, i(d, 4, 8), 0, 0, o48));
        m.put("binary: y not broadcast", () -> b.binary(BinaryOp.ADD, x48, f(d, 1, 8), o48));
        m.put("binary: I32 out of floats", () -> b.binary(BinaryOp.ADD, x48, x48, i(d, 4, 8)));
        m.put("binary: x past its storage", () -> b.binary(BinaryOp.ADD, pastEnd, f(d, 4, 4), f(d, 4, 4)));
        m.put("where: cond of another shape", () -> b.where(small, x48, x48, o48));
        m.put("reduce: out of the wrong shape", () -> b.reduce(ReduceOp.SUM, x48, new int[] {1}, f(d, 2, 1)));
        m.put("reduce: dims out of range", () -> b.reduce(ReduceOp.SUM, x48, new int[] {2}, f(d, 4, 1)));
        m.put("reduce: dims unsorted", () -> b.reduce(ReduceOp.SUM, x48, new int[] {1, 0}, f(d, 1, 1)));
        m.put("reduce: F32 out for ARGMAX", () -> b.reduce(ReduceOp.ARGMAX, x48, new int[] {1}, f(d, 4, 1)));
        m.put("reduce: out at an offset", () -> b.reduce(ReduceOp.SUM, x48, new int[] {1}, f(d, 5, 1).narrow(0, 1, 4)));
        m.put("matmul: inner dims differ", () -> b.matmul(f(d, 4, 8), f(d, 7, 3), f(d, 4, 3)));
        m.put("matmul: out too small", () -> b.matmul(f(d, 4, 8), f(d, 8, 3), f(d, 2, 3)));
        m.put("matmul: ranks differ", () -> b.matmul(f(d, 2, 4, 8), f(d, 8, 3), f(d, 2, 4, 3)));
        m.put("matmul: batch dims differ", () -> b.matmul(f(d, 3, 4, 8), f(d, 2, 8, 3), f(d, 2, 4, 3)));
        m.put("matmul: a past its storage", () -> b.matmul(pastEnd, f(d, 4, 2), f(d, 4, 2)));
        m.put("embedding: out has too few rows", () -> b.indexSelect(x48, ids, f(d, 2, 8)));
        m.put("embedding: float indices", () -> b.indexSelect(x48, f(d, 3), f(d, 3, 8)));
        m.put("embedding: table not 2-D", () -> b.indexSelect(f(d, 32), ids, f(d, 3, 8)));
        m.put("indexAdd: src of the wrong width", () -> b.indexAdd(x48, ids, f(d, 3, 7)));
        m.put("gather: out of the wrong shape", () -> b.gather(x48, i(d, 4, 2), f(d, 4, 3)));
        m.put("gather: idx with other rows", () -> b.gather(x48, i(d, 3, 2), f(d, 3, 2)));
        m.put("scatterAdd: src of the wrong shape", () -> b.scatterAdd(x48, i(d, 4, 2), f(d, 4, 3)));
        m.put("random: non-contiguous out", () -> b.random(x48.transpose(0, 1), RandomKind.UNIFORM, 1, 0, 0, 1));
        m.put("random: I32 out", () -> b.random(i(d, 5), RandomKind.UNIFORM, 1, 0, 0, 1));
        m.put("softmax: out of another shape", () -> b.softmax(x48, false, small));
        m.put("softmax: strided x", () -> b.softmax(x48.transpose(0, 1), false, f(d, 8, 4)));
        m.put("logSoftmax: x past its storage", () -> b.softmax(pastEnd, true, f(d, 4, 4)));
        m.put("softmax backward: gy of another shape", () -> b.softmaxBackward(x48, small, false, o48));
        m.put("crossEntropy: targets of another length", () -> b.crossEntropy(x48, i(d, 3), 0, f(d, 4), f(d, 4)));
        m.put("crossEntropy: float targets", () -> b.crossEntropy(x48, f(d, 4), 0, f(d, 4), f(d, 4)));
        m.put("crossEntropy: lse too short", () -> b.crossEntropy(x48, i(d, 4), 0, f(d, 4), f(d, 2)));
        m.put("crossEntropy backward: gLogits too small", () -> b.crossEntropyBackward(x48, i(d, 4), 0, f(d, 4), f(d, 4), small));
        m.put("layerNorm: weight of the wrong width", () -> b.layerNorm(x48, f(d, 7), null, 1e-5f, o48, f(d, 4), f(d, 4)));
        m.put("layerNorm: mean too short", () -> b.layerNorm(x48, null, null, 1e-5f, o48, f(d, 3), f(d, 4)));
        m.put("layerNorm backward: gWeight of the wrong width", () -> b.layerNormBackward(x48, x48, null, f(d, 4), f(d, 4), o48, f(d, 9), null));
        Tensor q = f(d, 1, 2, 3, 4), k = f(d, 1, 2, 5, 4);
        m.put("attention: v of another length", () -> b.attention(q, k, f(d, 1, 2, 4, 4), null, true, 0.5f, f(d, 1, 2, 3, 4), f(d, 1, 2, 3)));
        m.put("attention: head dims differ", () -> b.attention(q, f(d, 1, 2, 5, 8), f(d, 1, 2, 5, 8), null, true, 0.5f, f(d, 1, 2, 3, 4), f(d, 1, 2, 3)));
        m.put("attention: keyMask of the wrong length", () -> b.attention(q, k, k, f(d, 1, 4), false, 0.5f, f(d, 1, 2, 3, 4), f(d, 1, 2, 3)));
        m.put("attention: lse too short", () -> b.attention(q, k, k, null, false, 0.5f, f(d, 1, 2, 3, 4), f(d, 1, 2, 2)));
        m.put("attention backward: gk of the wrong shape", () -> b.attentionBackward(q, k, k, null, true, 0.5f, f(d, 1, 2, 3, 4), f(d, 1, 2, 3), f(d, 1, 2, 3, 4), f(d, 1, 2, 3, 4), q, k));
        m.put("adamw: lists of different lengths", () -> b.adamw(List.of(x48), List.of(), List.of(x48), List.of(x48), 1e-3f, 0.9f, 0.999f, 1e-8f, new float[] {0}, 1, 1));
        m.put("adamw: grad of another shape", () -> b.adamw(List.of(x48), List.of(small), List.of(f(d, 4, 8)), List.of(f(d, 4, 8)), 1e-3f, 0.9f, 0.999f, 1e-8f, new float[] {0}, 1, 1));
        return m;
    }

    @TestFactory
    List<DynamicTest> aRefusedCallWritesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Device d : devices()) {
            tests.add(DynamicTest.dynamicTest(d + " out unchanged after a refused matmul and softmax", () -> {
                Tensor out = Tensor.full(d, DType.F32, 7.0, 2, 3);
                Backend b = out.backend();
                Assertions.assertThrows(IllegalArgumentException.class, () -> b.matmul(f(d, 4, 8), f(d, 8, 3), out));
                Assertions.assertThrows(IllegalArgumentException.class, () -> b.softmax(f(d, 4, 8), false, out));
                assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, out.toFloatArray());
            }));
        }
        return tests;
    }
}
