package dev.plumbline.kernels.opencl;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;

import java.nio.IntBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwjgl.opencl.CL10.*;

/**
 * The Oclgrind run is only worth something if a bad kernel makes {@link OclgrindReport} fail: this
 * test (run only on Oclgrind) launches a kernel that writes one element past its buffer and a kernel
 * with a data race on local memory, and asserts that the report names both. Oclgrind does not perform
 * the invalid write, so nothing is corrupted.
 */
class OclgrindDetectsInvalidAccessTest {
    private static final String SOURCE = ""
            + "__kernel void past_end(__global float *out, int n) { out[get_global_id(0)] = 1.0f; }\n"
            + "__kernel void racy(__global float *out) {\n"
            + "    __local volatile float s[4];\n"
            + "    int t = get_local_id(0);\n"
            + "    s[t] = (float) t;\n"                    // no barrier: item t reads what item t+1 writes
            + "    out[t] = s[(t + 1) % 4];\n"
            + "}\n";

    @Test
    void aWritePastTheBufferAndALocalRaceAreReported() throws Exception {
        Assumptions.assumeTrue(OclgrindReport.active(), "runs only in the opencl-oclgrind execution");
        OpenClTestDevice.require();
        OpenClDevices.Info info = OpenClDevices.list().get(0);
        Path log = Path.of(System.getProperty(OclgrindReport.LOG_PROPERTY));
        OclgrindReport.newReport(log); // skip what earlier tests left (they failed on their own)
        try (MemoryStack st = MemoryStack.stackPush()) {
            IntBuffer err = st.mallocInt(1);
            PointerBuffer props = st.mallocPointer(3).put(CL_CONTEXT_PLATFORM).put(info.platform()).put(0).flip();
            long ctx = clCreateContext(props, info.device(), null, 0, err);
            assertEquals(CL_SUCCESS, err.get(0), "clCreateContext");
            long queue = clCreateCommandQueue(ctx, info.device(), 0, err);
            long prog = clCreateProgramWithSource(ctx, SOURCE, err);
            assertEquals(CL_SUCCESS, clBuildProgram(prog, info.device(), "", null, 0), "clBuildProgram");
            long buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 4L * 4, err);
            long pastEnd = clCreateKernel(prog, "past_end", err);
            clSetKernelArg1p(pastEnd, 0, buf);
            clSetKernelArg1i(pastEnd, 1, 4);
            PointerBuffer gws = st.mallocPointer(1).put(0, 5);   // 5 items, 4 floats: item 4 writes past the end
            PointerBuffer lws = st.mallocPointer(1).put(0, 1);
            assertEquals(CL_SUCCESS, clEnqueueNDRangeKernel(queue, pastEnd, 1, null, gws, lws, null, null));
            assertEquals(CL_SUCCESS, clFinish(queue));
            String invalid = OclgrindReport.newReport(log);
            assertTrue(invalid.contains("Invalid write") && invalid.contains("past_end"),
                    "Oclgrind's report of the write past the end:\n" + invalid);

            long racy = clCreateKernel(prog, "racy", err);
            clSetKernelArg1p(racy, 0, buf);
            gws.put(0, 4);
            lws.put(0, 4);
            assertEquals(CL_SUCCESS, clEnqueueNDRangeKernel(queue, racy, 1, null, gws, lws, null, null));
            assertEquals(CL_SUCCESS, clFinish(queue));
            String race = OclgrindReport.newReport(log);
            assertTrue(race.toLowerCase().contains("race") && race.contains("racy"),
                    "Oclgrind's report of the local-memory race:\n" + race);

            clReleaseKernel(pastEnd);
            clReleaseKernel(racy);
            clReleaseMemObject(buf);
            clReleaseProgram(prog);
            clReleaseCommandQueue(queue);
            clReleaseContext(ctx);
        }
    }
}
