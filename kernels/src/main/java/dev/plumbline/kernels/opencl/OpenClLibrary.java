package dev.plumbline.kernels.opencl;

import org.lwjgl.opencl.CL;
import org.lwjgl.system.Configuration;
import org.lwjgl.system.Library;
import org.lwjgl.system.SharedLibrary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds and loads the OpenCL ICD loader library before LWJGL does.
 *
 * <p>LWJGL 3.4.3 looks for the unversioned {@code libOpenCL.so}, which many systems lack (the
 * {@code ocl-icd-libopencl1} package installs only {@code libOpenCL.so.1}). This class honours a
 * user-set {@code org.lwjgl.opencl.libname}; otherwise it searches {@code LD_LIBRARY_PATH}, the
 * standard library directories and {@code ldconfig -p} for {@code libOpenCL.so*}, sets
 * {@link Configuration#OPENCL_LIBRARY_NAME} to what it found and creates LWJGL's {@link CL}. Failures
 * come back as a plain sentence, never as a raw {@link UnsatisfiedLinkError}.
 *
 * <pre>{@code
 * String why = OpenClLibrary.ensureLoaded();   // null when OpenCL is usable
 * if (why != null) System.err.println(why);    // e.g. "no OpenCL library found: searched ..."
 * }</pre>
 */
public final class OpenClLibrary {
    private OpenClLibrary() {}

    /** The system property (LWJGL's) that names the OpenCL library. */
    public static final String LIBNAME_PROPERTY = "org.lwjgl.opencl.libname";

    /** Directories searched, in order, after {@code LD_LIBRARY_PATH}. */
    static final List<String> STANDARD_DIRS = List.of(
            "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
            "/lib64", "/usr/local/lib", "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
            "/opt/rocm/lib", "/opt/intel/opencl/lib64");

    private static String loadedPath;
    private static String failure;

    /**
     * Makes LWJGL's OpenCL bindings usable, once per JVM.
     *
     * @return null when loaded, else why not (which names were tried, what failed)
     */
    public static synchronized String ensureLoaded() {
        if (loadedPath != null) {
            return null;
        }
        if (failure != null) {
            return failure;
        }
        String user = System.getProperty(LIBNAME_PROPERTY);
        String path = user != null && !user.isBlank() ? user : locate(searchDirs());
        if (path == null) {
            failure = "no OpenCL library found: searched LD_LIBRARY_PATH, " + STANDARD_DIRS + " and ldconfig for "
                    + "libOpenCL.so*; install an OpenCL ICD loader and a driver (e.g. apt-get install "
                    + "ocl-icd-libopencl1 pocl-opencl-icd) or set -D" + LIBNAME_PROPERTY + "=/path/to/libOpenCL.so.1";
            return failure;
        }
        String why = tryLoad(path);
        if (why != null) {
            failure = why + (user != null ? " (named by -D" + LIBNAME_PROPERTY + ")" : "");
            return failure;
        }
        try {
            Configuration.OPENCL_EXPLICIT_INIT.set(true);
            Configuration.OPENCL_LIBRARY_NAME.set(path);
            CL.create(path);
            loadedPath = path;
            return null;
        } catch (IllegalStateException alreadyCreated) { // someone else created CL first
            loadedPath = path;
            return null;
        } catch (RuntimeException | LinkageError e) {
            failure = "the OpenCL library " + path + " was found but LWJGL could not bind it: " + e;
            return failure;
        }
    }

    /** The library path that was loaded, or null. */
    public static synchronized String loadedPath() {
        return loadedPath;
    }

    /**
     * Tries to open {@code nameOrPath} as the OpenCL library without touching LWJGL's global state.
     *
     * @return null when it loads and exports {@code clGetPlatformIDs}, else a plain reason
     */
    public static String tryLoad(String nameOrPath) {
        try (SharedLibrary lib = Library.loadNative(CL.class, "org.lwjgl.opencl", nameOrPath)) {
            if (lib.getFunctionAddress("clGetPlatformIDs") == 0) {
                return "the library " + nameOrPath + " (" + lib.getPath() + ") loaded but has no clGetPlatformIDs: "
                        + "it is not an OpenCL ICD loader";
            }
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "the OpenCL library " + nameOrPath + " could not be loaded: " + firstLine(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return "the OpenCL library " + nameOrPath + " could not be loaded (LWJGL native support failed: "
                    + firstLine(String.valueOf(e)) + ")";
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** LD_LIBRARY_PATH entries, then {@link #STANDARD_DIRS}. */
    static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        for (String d : STANDARD_DIRS) {
            dirs.add(Path.of(d));
        }
        return dirs;
    }

    /**
     * The first {@code libOpenCL.so}, {@code libOpenCL.so.1} or other {@code libOpenCL.so.*} in
     * {@code dirs} (unversioned name preferred within a directory), else the first found by
     * {@code ldconfig -p}, else null.
     */
    static String locate(List<Path> dirs) {
        for (Path dir : dirs) {
            String f = inDir(dir);
            if (f != null) {
                return f;
            }
        }
        return fromLdconfig();
    }

    private static String inDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        for (String n : new String[] {"libOpenCL.so", "libOpenCL.so.1"}) {
            Path p = dir.resolve(n);
            if (Files.isReadable(p)) {
                return p.toString();
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "libOpenCL.so.*")) {
            for (Path p : ds) {
                if (Files.isReadable(p)) {
                    return p.toString();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static String fromLdconfig() {
        for (String exe : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"}) {
            if (exe.startsWith("/") && !Files.isExecutable(Path.of(exe))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                String found = null;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        // "	libOpenCL.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libOpenCL.so.1"
                        int arrow = line.indexOf("=>");
                        if (found == null && line.trim().startsWith("libOpenCL.so") && arrow > 0) {
                            found = line.substring(arrow + 2).trim();
                        }
                    }
                }
                p.waitFor(5, TimeUnit.SECONDS);
                return found;
            } catch (IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
