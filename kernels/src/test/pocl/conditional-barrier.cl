/* minimal: a uniform branch (kernel argument) with a work-group reduction (barriers) in each arm,
   after a loop that some work-items skip. */
__kernel void softmax_fwd(__global const float *x, int xo, __global float *out, int oo, int v, int logm) {
    __local float ssum[WG];
    int t = get_local_id(0);
    float s = 0;
    if (logm) {
        for (int j = t; j < v; j += WG) s += x[j];
        ssum[t] = s;
        barrier(CLK_LOCAL_MEM_FENCE);
        if (t == 0) out[get_group_id(0)] = ssum[0];
    } else {
        for (int j = t; j < v; j += WG) s += 2 * x[j];
        ssum[t] = s;
        barrier(CLK_LOCAL_MEM_FENCE);
        if (t == 0) out[get_group_id(0)] = ssum[0];
    }
}
