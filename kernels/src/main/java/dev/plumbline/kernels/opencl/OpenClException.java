package dev.plumbline.kernels.opencl;

/**
 * An OpenCL call failed. The message names the Plumbline op and its shapes, the OpenCL function,
 * the error code by name (e.g. {@code CL_OUT_OF_RESOURCES (-5)}) and, for launches, the kernel.
 *
 * <pre>{@code
 * opencl:0 matmul [4, 16] @ [16, 8]: clEnqueueNDRangeKernel failed with CL_OUT_OF_RESOURCES (-5) in kernel 'matmul'
 * }</pre>
 */
public class OpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    /** With the raw OpenCL error code (0 when the failure is not a driver error code). */
    public OpenClException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The OpenCL error code, e.g. -5 for CL_OUT_OF_RESOURCES. */
    public int code() {
        return code;
    }

    /** Throws when {@code err} is not CL_SUCCESS; {@code where} says which op/kernel was running. */
    static void check(int err, String function, String where) {
        if (err != 0) {
            throw new OpenClException(where + ": " + function + " failed with " + errorName(err), err);
        }
    }

    /** {@code CL_OUT_OF_RESOURCES (-5)} for -5; unknown codes are printed as numbers. */
    public static String errorName(int code) {
        String n;
        switch (code) {
            case 0: n = "CL_SUCCESS"; break;
            case -1: n = "CL_DEVICE_NOT_FOUND"; break;
            case -2: n = "CL_DEVICE_NOT_AVAILABLE"; break;
            case -3: n = "CL_COMPILER_NOT_AVAILABLE"; break;
            case -4: n = "CL_MEM_OBJECT_ALLOCATION_FAILURE"; break;
            case -5: n = "CL_OUT_OF_RESOURCES"; break;
            case -6: n = "CL_OUT_OF_HOST_MEMORY"; break;
            case -7: n = "CL_PROFILING_INFO_NOT_AVAILABLE"; break;
            case -8: n = "CL_MEM_COPY_OVERLAP"; break;
            case -9: n = "CL_IMAGE_FORMAT_MISMATCH"; break;
            case -10: n = "CL_IMAGE_FORMAT_NOT_SUPPORTED"; break;
            case -11: n = "CL_BUILD_PROGRAM_FAILURE"; break;
            case -12: n = "CL_MAP_FAILURE"; break;
            case -13: n = "CL_MISALIGNED_SUB_BUFFER_OFFSET"; break;
            case -14: n = "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST"; break;
            case -15: n = "CL_COMPILE_PROGRAM_FAILURE"; break;
            case -16: n = "CL_LINKER_NOT_AVAILABLE"; break;
            case -17: n = "CL_LINK_PROGRAM_FAILURE"; break;
            case -18: n = "CL_DEVICE_PARTITION_FAILED"; break;
            case -19: n = "CL_KERNEL_ARG_INFO_NOT_AVAILABLE"; break;
            case -30: n = "CL_INVALID_VALUE"; break;
            case -31: n = "CL_INVALID_DEVICE_TYPE"; break;
            case -32: n = "CL_INVALID_PLATFORM"; break;
            case -33: n = "CL_INVALID_DEVICE"; break;
            case -34: n = "CL_INVALID_CONTEXT"; break;
            case -35: n = "CL_INVALID_QUEUE_PROPERTIES"; break;
            case -36: n = "CL_INVALID_COMMAND_QUEUE"; break;
            case -37: n = "CL_INVALID_HOST_PTR"; break;
            case -38: n = "CL_INVALID_MEM_OBJECT"; break;
            case -39: n = "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR"; break;
            case -40: n = "CL_INVALID_IMAGE_SIZE"; break;
            case -41: n = "CL_INVALID_SAMPLER"; break;
            case -42: n = "CL_INVALID_BINARY"; break;
            case -43: n = "CL_INVALID_BUILD_OPTIONS"; break;
            case -44: n = "CL_INVALID_PROGRAM"; break;
            case -45: n = "CL_INVALID_PROGRAM_EXECUTABLE"; break;
            case -46: n = "CL_INVALID_KERNEL_NAME"; break;
            case -47: n = "CL_INVALID_KERNEL_DEFINITION"; break;
            case -48: n = "CL_INVALID_KERNEL"; break;
            case -49: n = "CL_INVALID_ARG_INDEX"; break;
            case -50: n = "CL_INVALID_ARG_VALUE"; break;
            case -51: n = "CL_INVALID_ARG_SIZE"; break;
            case -52: n = "CL_INVALID_KERNEL_ARGS"; break;
            case -53: n = "CL_INVALID_WORK_DIMENSION"; break;
            case -54: n = "CL_INVALID_WORK_GROUP_SIZE"; break;
            case -55: n = "CL_INVALID_WORK_ITEM_SIZE"; break;
            case -56: n = "CL_INVALID_GLOBAL_OFFSET"; break;
            case -57: n = "CL_INVALID_EVENT_WAIT_LIST"; break;
            case -58: n = "CL_INVALID_EVENT"; break;
            case -59: n = "CL_INVALID_OPERATION"; break;
            case -60: n = "CL_INVALID_GL_OBJECT"; break;
            case -61: n = "CL_INVALID_BUFFER_SIZE"; break;
            case -63: n = "CL_INVALID_GLOBAL_WORK_SIZE"; break;
            case -64: n = "CL_INVALID_PROPERTY"; break;
            case -1001: n = "CL_PLATFORM_NOT_FOUND_KHR"; break;
            default: n = "OpenCL error";
        }
        return n + " (" + code + ")";
    }
}
