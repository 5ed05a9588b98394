package dev.plumbline.kernels.opencl;

/**
 * A {@code .cl} program failed to compile; {@link #buildLog()} holds the driver's build log, which
 * is also part of the message.
 *
 * <pre>{@code
 * try { ... } catch (OpenClBuildException e) { System.err.println(e.buildLog()); }
 * }</pre>
 */
public final class OpenClBuildException extends OpenClException {
    private static final long serialVersionUID = 1L;

    private final String program;
    private final String buildLog;

    OpenClBuildException(String program, String device, int code, String buildLog) {
        super("opencl: building program '" + program + "' for " + device + " failed with "
                + OpenClException.errorName(code) + "; build log:\n" + buildLog, code);
        this.program = program;
        this.buildLog = buildLog;
    }

    /** The program (resource family) that failed, e.g. {@code elementwise}. */
    public String program() {
        return program;
    }

    /** The driver's build log. */
    public String buildLog() {
        return buildLog;
    }
}
