package dev.plumbline.tensor;

import dev.plumbline.tensor.backend.Backends;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a tensor's storage lives: the CPU, a CUDA device or an OpenCL device.
 *
 * <pre>{@code
 * Device d = Device.best();            // CUDA, else an OpenCL GPU, else the CPU
 * Device c = Device.parse("opencl:0"); // what --device and PLUMBLINE_DEVICE accept
 * }</pre>
 */
public final class Device {
    /** Kind of device; each kind is served by one backend. */
    public enum Type { CPU, CUDA, OPENCL }

    private static final Device CPU = new Device(Type.CPU, 0);

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
        this.type = type;
        this.index = index;
    }

    /** The CPU. */
    public static Device cpu() {
        return CPU;
    }

    /** CUDA device {@code index}. */
    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    /** OpenCL device {@code index} in the order {@code Backends.describe()} lists them. */
    public static Device opencl(int index) {
        return new Device(Type.OPENCL, index);
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:1}, {@code opencl}, {@code opencl:0} or {@code best}.
     *
     * @throws IllegalArgumentException naming the text when it is none of these
     */
    public static Device parse(String text) {
        Objects.requireNonNull(text, "device");
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("best") || s.equals("auto")) {
            return best();
        }
        String name = s;
        int index = 0;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            name = s.substring(0, colon);
            try {
                index = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device '" + text + "': index after ':' is not a number");
            }
        }
        switch (name) {
            case "cpu": return CPU;
            case "cuda": case "gpu": return cuda(index);
            case "opencl": case "ocl": return opencl(index);
            default:
                throw new IllegalArgumentException("bad device '" + text
                        + "': expected cpu, cuda[:N], opencl[:N] or best");
        }
    }

    /**
     * The device named by the environment variable {@code PLUMBLINE_DEVICE} (or the system property
     * {@code plumbline.device}) if set, else {@link #best()}.
     */
    public static Device fromEnvironment() {
        String s = System.getProperty("plumbline.device", System.getenv("PLUMBLINE_DEVICE"));
        return s == null || s.isBlank() ? best() : parse(s);
    }

    /** CUDA device 0 if a CUDA backend starts, else the first OpenCL GPU, else the CPU. */
    public static Device best() {
        return Backends.best();
    }

    /** The kind of device. */
    public Type type() {
        return type;
    }

    /** Index among devices of the same type. */
    public int index() {
        return index;
    }

    /** Whether this is the CPU. */
    public boolean isCpu() {
        return type == Type.CPU;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device && ((Device) o).type == type && ((Device) o).index == index;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + index;
    }

    /** {@code cpu}, {@code cuda:0}, {@code opencl:1}. */
    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : type.name().toLowerCase(Locale.ROOT) + ":" + index;
    }
}
