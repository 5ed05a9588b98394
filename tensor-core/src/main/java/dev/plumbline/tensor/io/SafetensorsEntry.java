// One named tensor of a safetensors file, held as a Java array.
package dev.plumbline.tensor.io;

import dev.plumbline.tensor.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors file: its name, Plumbline dtype, shape and row-major data.
 *
 * <p>Exactly one of {@code floats} and {@code ints} is non-null:
 * <ul>
 *   <li>{@code dtype == F32} or {@code BF16}: {@code floats} holds the values. On load, F32 and
 *       F16 become {@code F32} (Plumbline has no F16), BF16 stays {@code BF16} with each value
 *       widened exactly to float. On write, {@code BF16} entries are rounded to nearest-even.</li>
 *   <li>{@code dtype == I32}: {@code ints} holds the values. On load, I32 and I64 (when every value
 *       fits in an int) become {@code I32}.</li>
 * </ul>
 * {@code storedDtype} is the dtype string as found in the file ({@code "F16"}, {@code "I64"}, ...);
 * the writer ignores it and stores {@code dtype}.
 *
 * <pre>{@code
 * var e = SafetensorsEntry.f32("h.0.ln_1.weight", new int[] {768}, gamma);
 * float[] data = e.floats();
 * }</pre>
 *
 * <p>The arrays are not copied; equality compares contents.
 *
 * @param name        tensor name (any string except {@code "__metadata__"})
 * @param dtype       F32, BF16 or I32
 * @param shape       dimensions, each {@code >= 0}; {@code []} is a scalar
 * @param floats      values for F32/BF16, else null
 * @param ints        values for I32, else null
 * @param storedDtype the dtype string in the file
 */
public record SafetensorsEntry(String name, DType dtype, int[] shape, float[] floats, int[] ints,
                               String storedDtype) {

    /** Checks that the data matches dtype and shape. */
    public SafetensorsEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(storedDtype, "storedDtype");
        if (name.equals("__metadata__")) {
            throw new IllegalArgumentException("\"__metadata__\" is reserved and cannot name a tensor");
        }
        long numel = numel(shape, name);
        boolean isFloat = dtype == DType.F32 || dtype == DType.BF16;
        if (isFloat ? (floats == null || ints != null) : (ints == null || floats != null)) {
            throw new IllegalArgumentException("tensor '" + name + "': dtype " + dtype
                    + " needs " + (isFloat ? "float[]" : "int[]") + " data and nothing else");
        }
        long len = isFloat ? floats.length : ints.length;
        if (len != numel) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " has " + numel + " elements but the data has " + len);
        }
    }

    /** An F32 entry. */
    public static SafetensorsEntry f32(String name, int[] shape, float[] data) {
        return new SafetensorsEntry(name, DType.F32, shape, data, null, "F32");
    }

    /** A BF16 entry: the writer rounds {@code data} to bfloat16, nearest-even. */
    public static SafetensorsEntry bf16(String name, int[] shape, float[] data) {
        return new SafetensorsEntry(name, DType.BF16, shape, data, null, "BF16");
    }

    /** An I32 entry. */
    public static SafetensorsEntry i32(String name, int[] shape, int[] data) {
        return new SafetensorsEntry(name, DType.I32, shape, null, data, "I32");
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long numel() {
        return numel(shape, name);
    }

    private static long numel(int[] shape, String name) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in "
                        + Arrays.toString(shape));
            }
            if (d == 0) {
                return 0;
            }
        }
        try {
            long n = 1;
            for (int d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " has more than 2^63 elements", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsEntry e && name.equals(e.name) && dtype == e.dtype
                && Arrays.equals(shape, e.shape) && Arrays.equals(floats, e.floats)
                && Arrays.equals(ints, e.ints) && storedDtype.equals(e.storedDtype);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(floats),
                Arrays.hashCode(ints), storedDtype);
    }

    @Override
    public String toString() {
        return "SafetensorsEntry[" + name + ", " + dtype + " (stored " + storedDtype + "), "
                + Arrays.toString(shape) + "]";
    }
}
