package dev.plumbline.tensor;

import dev.plumbline.tensor.backend.BackendUnavailableException;
import dev.plumbline.tensor.backend.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Bad input fails with a message that names the op and what was wrong (shapes, dims, dtype, device). */
class ErrorMessagesTest {

    static String message(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    @Test
    void shapeMismatches() {
        assertEquals("matmul: inner dimensions differ: [4, 16] @ [8, 32]",
                message(() -> Tensor.zeros(4, 16).matmul(Tensor.zeros(8, 32))));
        assertEquals("matmul: shapes [2] and [3] do not broadcast (dim 0: 2 vs 3)",
                message(() -> Tensor.zeros(2, 4, 5).matmul(Tensor.zeros(3, 5, 6))));
        assertEquals("add: shapes [2, 3] and [4] do not broadcast (dim 1: 3 vs 4)",
                message(() -> Tensor.zeros(2, 3).add(Tensor.zeros(4))));
        assertEquals("where: shapes [2] and [3] do not broadcast (dim 0: 2 vs 3)",
                message(() -> Tensor.where(Tensor.zeros(2), Tensor.zeros(3), Tensor.zeros(3))));
        assertEquals("reshape: cannot reshape [2, 3] (6 elements) into [4, 2] (8 elements)",
                message(() -> Tensor.zeros(2, 3).reshape(4, 2)));
        assertEquals("expand: cannot expand shape [3] to [2, 4]", message(() -> Tensor.zeros(3).expand(2, 4)));
        assertEquals("cat: shapes [2, 3] and [2, 4] (tensor 1) differ outside dim 0",
                message(() -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 4)), 0)));
        assertEquals("linear: input [2, 5] does not end in weight's in-features 4 (weight [3, 4])",
                message(() -> Tensor.zeros(2, 5).linear(Tensor.zeros(3, 4), null)));
        assertEquals("crossEntropy: targets shape [3] must equal logits shape [2, 5] without its last (class) dim",
                message(() -> Tensor.zeros(2, 5).crossEntropy(Tensor.fromArray(new int[3], 3))));
        assertEquals("attention: keyMask must be (B, Tk) = [1, 4], got [1, 3]",
                message(() -> dev.plumbline.tensor.ops.Fused.attention(Tensor.zeros(1, 1, 4, 2), Tensor.zeros(1, 1, 4, 2),
                        Tensor.zeros(1, 1, 4, 2), Tensor.ones(1, 3), true, 1f)));
        assertEquals("fromArray: 5 values do not fill shape [2, 3] (6 elements)",
                message(() -> Tensor.fromArray(new float[5], 2, 3)));
    }

    @Test
    void dimsOutOfRange() {
        assertEquals("sum: dim 2 out of range for a tensor of rank 2", message(() -> Tensor.zeros(2, 3).sum(2, false)));
        assertEquals("softmax: dim -3 out of range for a tensor of rank 2", message(() -> Tensor.zeros(2, 3).softmax(-3)));
        assertEquals("transpose: dim 5 out of range for a tensor of rank 3",
                message(() -> Tensor.zeros(1, 2, 3).transpose(0, 5)));
        assertEquals("select: index 3 out of range for dim 0 of size 3 (shape [3, 2])",
                message(() -> Tensor.zeros(3, 2).select(0, 3)));
        assertEquals("permute: dim 0 repeated in [0, 0]", message(() -> Tensor.zeros(3, 2).permute(0, 0)));
        assertEquals("sum: dim 1 repeated in [1, -1]", message(() -> Tensor.zeros(3, 2).sum(new int[] {1, -1}, false)));
    }

    @Test
    void wrongDtypes() {
        Tensor ints = Tensor.fromArray(new int[] {1, 2}, 2);
        assertEquals("exp: expects an F32 tensor, got I32 of shape [2] (convert with to(DType.F32))", message(ints::exp));
        assertEquals("matmul: expects floating-point operands, got I32 @ F32",
                message(() -> ints.reshape(1, 2).matmul(Tensor.zeros(2, 2))));
        assertEquals("crossEntropy: targets must be I32 class ids, got F32",
                message(() -> Tensor.zeros(2, 3).crossEntropy(Tensor.zeros(2))));
        assertEquals("cpu: BF16 is a GPU storage type; CPU tensors are F32 or I32",
                message(() -> Tensor.zeros(2).to(DType.BF16)));
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).toIntArray());
        assertEquals("toIntArray: tensor is F32, not I32 (use to(DType.I32) first)", s.getMessage());
        IllegalStateException it = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).item());
        assertEquals("item: tensor of shape [2] has 2 elements, not 1", it.getMessage());
    }

    /** A storage that claims to live on another device, to reach the device checks without a GPU. */
    static final class ForeignStorage extends Storage {
        ForeignStorage(Device d, long n) {
            super(d, DType.F32, n, null);
        }
    }

    @Test
    void deviceMismatchAndMissingBackend() {
        Storage st = new ForeignStorage(Device.opencl(0), 2);
        Tensor foreign = Tensor.view(st, new int[] {2}, new int[] {1}, 0);
        assertEquals("add: tensors are on different devices: cpu [2] and opencl:0 [2]",
                message(() -> Tensor.zeros(2).add(foreign)));
        assertEquals("matmul: tensors are on different devices: cpu [2, 2] and opencl:0 [2, 1]",
                message(() -> Tensor.zeros(2, 2).matmul(foreign.reshape(2, 1))));
        st.free();
        assertEquals("bad device 'tpu:0': expected cpu, cuda[:N], opencl[:N] or best",
                message(() -> Device.parse("tpu:0")));
        assertEquals("bad device 'cuda:x': index after ':' is not a number", message(() -> Device.parse("cuda:x")));
        assertEquals(Device.opencl(1), Device.parse(" OpenCL:1 "));
    }

    @Test
    void unavailableBackendSaysWhy() {
        // tensor-core alone has no GPU provider on its class path
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Tensor.zeros(Device.cuda(0), DType.F32, 2));
        assertEquals("no CUDA backend on the class path: add the dependency dev.plumbline:kernels to use device cuda:0",
                e.getMessage());
    }

    @Test
    void badArguments() {
        assertEquals("clamp: lower bound 1.0 is above upper bound 0.0", message(() -> Tensor.zeros(2).clamp(1, 0)));
        assertEquals("slice: step must be positive, got 0", message(() -> Tensor.zeros(4).slice(0, 0, 4, 0)));
        assertEquals("zeros: negative dimension in shape [2, -1]", message(() -> Tensor.zeros(2, -1)));
        assertEquals("empty: negative dimension in shape [2, -1]",
                message(() -> Tensor.empty(dev.plumbline.tensor.Device.cpu(), dev.plumbline.tensor.DType.F32, 2, -1)));
        assertEquals("bernoulli: probability must be in [0, 1], got 2.0",
                message(() -> Tensor.bernoulli(2, new dev.plumbline.tensor.random.Generator(1), 2)));
        assertEquals("setGrad: gradient shape [3] differs from tensor shape [2]",
                message(() -> Tensor.zeros(2).setGrad(Tensor.zeros(3))));
    }
}
