package dev.plumbline.kernels.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * A CUDA driver call failed. The message names what was running (kernel or driver call) and the
 * CUDA error, e.g. {@code "cuda: kernel pl_softmax: launch failed: CUDA_ERROR_INVALID_VALUE (invalid argument)"}.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a complete message. */
    public CudaException(String message) {
        super(message);
    }

    /** The CUDA error name and its driver description, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY (out of memory)}. */
    static String describe(int result) {
        String[] s = new String[1];
        String text = "";
        try {
            if (JCudaDriver.cuGetErrorString(result, s) == 0 && s[0] != null) {
                text = " (" + s[0] + ")";
            }
        } catch (RuntimeException | LinkageError ignored) {
            // the name alone still says what happened
        }
        return CUresult.stringFor(result) + text;
    }

    /** Throws when {@code result} is not CUDA_SUCCESS; {@code what} names the kernel or call. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuda: " + what + ": " + describe(result));
        }
    }
}
