package dev.plumbline.tensor;

import dev.plumbline.tensor.autograd.GradCheck;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @Test
    void readmeExample() {
        Tensor w = Tensor.randn(new Generator(42), 3, 2).requiresGrad(true);
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor loss = x.matmul(w).tanh().pow(2).mean();
        loss.backward();
        assertArrayEquals(new int[] {3, 2}, w.grad().shape());
        System.out.println(loss + "\n" + w.grad());
        GradCheck.check(in -> in[1].matmul(in[0]).tanh().pow(2).mean(), w, x);
    }
}
