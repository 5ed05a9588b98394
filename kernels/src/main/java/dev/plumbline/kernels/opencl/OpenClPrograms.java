package dev.plumbline.kernels.opencl;

import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.lwjgl.opencl.CL10.*;

/**
 * Compiles the {@code .cl} resources at run time, once per context and build-option set, and caches
 * programs and kernel objects. Every program is {@code common.cl} followed by one family file
 * ({@code elementwise.cl}, {@code reduce.cl}, ...). A build failure raises
 * {@link OpenClBuildException} with the driver's build log.
 *
 * <pre>{@code
 * long k = programs.kernel("elementwise", "", "unary");   // built on first use
 * }</pre>
 */
final class OpenClPrograms {
    private static final String RESOURCE_DIR = "/dev/plumbline/kernels/opencl/";

    private final long context;
    private final long device;
    private final String deviceName;
    private final String baseOptions;
    private final Map<String, Long> programs = new HashMap<>();
    private final Map<String, Long> kernels = new HashMap<>();

    OpenClPrograms(long context, long device, String deviceName, String baseOptions) {
        this.context = context;
        this.device = device;
        this.deviceName = deviceName;
        this.baseOptions = baseOptions;
    }

    /** The kernel {@code name} of program {@code family} built with extra {@code options}. */
    synchronized long kernel(String family, String options, String name) {
        String key = family + "|" + options + "|" + name;
        Long k = kernels.get(key);
        if (k != null) {
            return k;
        }
        long program = program(family, options);
        try (MemoryStack st = MemoryStack.stackPush()) {
            IntBuffer err = st.mallocInt(1);
            long kernel = clCreateKernel(program, name, err);
            OpenClException.check(err.get(0), "clCreateKernel", "opencl: kernel '" + name + "' of " + family + ".cl");
            kernels.put(key, kernel);
            return kernel;
        }
    }

    private long program(String family, String options) {
        String key = family + "|" + options;
        Long p = programs.get(key);
        if (p == null) {
            p = build(family, resource("common.cl") + "\n" + resource(family + ".cl"), options);
            programs.put(key, p);
        }
        return p;
    }

    /** Builds {@code source} for this context's device; throws with the build log on failure. */
    long build(String name, String source, String options) {
        try (MemoryStack st = MemoryStack.stackPush()) {
            IntBuffer err = st.mallocInt(1);
            long program = clCreateProgramWithSource(context, source, err);
            OpenClException.check(err.get(0), "clCreateProgramWithSource", "opencl: program '" + name + "'");
            String opts = (baseOptions + " " + options).trim();
            int e = clBuildProgram(program, device, opts, null, 0);
            if (e != CL_SUCCESS) {
                String log = buildLog(program);
                clReleaseProgram(program);
                throw new OpenClBuildException(name, deviceName, e, log.isBlank() ? "(driver gave no log)" : log);
            }
            return program;
        }
    }

    private String buildLog(long program) {
        try (MemoryStack st = MemoryStack.stackPush()) {
            PointerBuffer size = st.mallocPointer(1);
            if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size) != CL_SUCCESS) {
                return "(build log unavailable)";
            }
            ByteBuffer b = MemoryUtil.memAlloc((int) Math.max(1, size.get(0)));
            try {
                clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, b, null);
                return OpenClDevices.cString(b).trim();
            } finally {
                MemoryUtil.memFree(b);
            }
        }
    }

    static String resource(String file) {
        try (InputStream in = OpenClPrograms.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("opencl: kernel source " + RESOURCE_DIR + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("opencl: cannot read kernel source " + file + ": " + e, e);
        }
    }
}
