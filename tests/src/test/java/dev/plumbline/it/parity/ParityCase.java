package dev.plumbline.it.parity;

import dev.plumbline.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One op checked on every backend: its inputs, the engine call, the float64 definition, and the
 * tolerances {@code atol + rtol·|ref|} for forward values and for input gradients.
 *
 * <pre>{@code
 * new ParityCase("tanh of transposed", List.of(Input.normal(65, 17)),
 *         in -> in[0].mT().tanh(),
 *         x -> Reference64.map(Reference64.permute(x[0], new int[] {65, 17}, 1, 0), Math::tanh),
 *         Tolerance.DEFAULT);
 * }</pre>
 *
 * @param op        the engine op on leaf tensors (on the device under test); views go inside it
 * @param reference the same op in float64 on the leaves' host values (I32 inputs arrive as doubles)
 */
record ParityCase(String name, List<Input> inputs, Function<Tensor[], Tensor> op, Function<double[][], double[]> reference,
                  Tolerance tolerance) {

    /** A leaf input: its shape and how its values are drawn; I32 inputs are ids, not differentiated. */
    record Input(int[] shape, Kind kind, double a, double b) {
        /** How values are drawn. */
        enum Kind { NORMAL, UNIFORM, AWAY_FROM_ZERO, INTS, FIXED }

        static Input normal(int... shape) {
            return new Input(shape, Kind.NORMAL, 0, 1);
        }

        static Input uniform(double lo, double hi, int... shape) {
            return new Input(shape, Kind.UNIFORM, lo, hi);
        }

        /** Normal values at least 0.05 from zero (kinks of relu/abs). */
        static Input awayFromZero(int... shape) {
            return new Input(shape, Kind.AWAY_FROM_ZERO, 0.05, 0);
        }

        /** I32 ids in [0, bound). */
        static Input ints(int bound, int... shape) {
            return new Input(shape, Kind.INTS, bound, 0);
        }

        boolean isInt() {
            return kind == Kind.INTS;
        }

        /** Draws values, exactly representable in F32. */
        double[] draw(SplittableRandom rng) {
            double[] v = new double[Reference64.numel(shape)];
            for (int i = 0; i < v.length; i++) {
                double u1 = 1 - rng.nextDouble(), u2 = rng.nextDouble();
                double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
                v[i] = switch (kind) {
                    case NORMAL -> z;
                    case UNIFORM -> a + (b - a) * u2;
                    case AWAY_FROM_ZERO -> z >= 0 ? z + a : z - a;
                    case INTS -> rng.nextInt((int) a);
                    case FIXED -> 0;
                };
                v[i] = (float) v[i];
            }
            return v;
        }
    }

    /** Per-case tolerances: forward vs reference, gradients vs reference. */
    record Tolerance(double atol, double rtol, double gradAtol, double gradRtol) {
        static final Tolerance DEFAULT = new Tolerance(1e-5, 1e-4, 1e-4, 1e-3);
        /** Long dot products (matmul, attention): F32 accumulation order differs between backends. */
        static final Tolerance ACCUMULATING = new Tolerance(1e-4, 1e-3, 5e-4, 5e-3);
    }

    @Override
    public String toString() {
        return name;
    }
}
