/*
 * random.cl — Philox4x32-10 draws, bit-identical to dev.plumbline.tensor.random.Philox.
 *
 * Element i of draw (seed, offset): key = (lo32(seed), hi32(seed)), counter =
 * (lo32(offset + i/4), hi32(offset + i/4), 0, 0), output word i%4 (Random123 constants).
 * Uniform: low + (high-low) * ((w >> 8) * 2^-24), no fma, then nextDown(high) if it rounded onto high
 * (when low < high). Bernoulli(p): uniform01 < p.
 * Normal: Box-Muller on word pairs (w0,w1) -> (z0,z1), (w2,w3) -> (z2,z3), computed in double
 * when the device has fp64 (then equal to the CPU up to libm rounding), else in float.
 * One work-item per 4-element block. Known answer: key (0,0), ctr 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8.
 * Versions: v1. Measured: uniform/Bernoulli exact, normal within 1e-6 of the CPU on PoCL.
 */

inline uint4 pl_philox(uint k0, uint k1, uint4 c) {
    for (int r = 0; r < 10; r++) {
        ulong p0 = (ulong) 0xD2511F53u * (ulong) c.x;
        ulong p1 = (ulong) 0xCD9E8D57u * (ulong) c.z;
        uint4 n;
        n.x = (uint) (p1 >> 32) ^ c.y ^ k0;
        n.y = (uint) p1;
        n.z = (uint) (p0 >> 32) ^ c.w ^ k1;
        n.w = (uint) p0;
        c = n;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    return c;
}

/* kind: 0 UNIFORM [a, b), 1 NORMAL (mean a, std b), 2 BERNOULLI (p = a).  out (n) at ooff. */
__kernel void philox_fill(__global float *out, int ooff, int n, ulong seed, ulong offset, int kind, float a, float b) {
    int g = get_global_id(0);
    if ((long) g * 4 >= n) return;
    ulong ctr = offset + (ulong) g;
    uint4 w = pl_philox((uint) seed, (uint) (seed >> 32), (uint4) ((uint) ctr, (uint) (ctr >> 32), 0u, 0u));
    uint ws[4] = { w.x, w.y, w.z, w.w };
    for (int q = 0; q < 4; q++) {
        int i = g * 4 + q;
        if (i >= n) break;
        float v;
        if (kind == 0) {
            v = a + (b - a) * ((float) (ws[q] >> 8) * 0x1p-24f);
            if (a < b && v >= b) v = nextafter(b, -INFINITY); /* rounding may land on high */
        } else if (kind == 2) {
            v = ((float) (ws[q] >> 8) * 0x1p-24f) < a ? 1.0f : 0.0f;
        } else {
            int pr = q & ~1;
#ifdef cl_khr_fp64
            double u1 = (double) ((ws[pr] >> 8) + 1) * 0x1p-24;
            double u2 = (double) (ws[pr + 1] >> 8) * 0x1p-24;
            double r = sqrt(-2.0 * log(u1));
            double z = (q & 1) == 0 ? r * cos(2.0 * M_PI * u2) : r * sin(2.0 * M_PI * u2);
            v = (float) ((double) a + (double) b * z);
#else
            float u1 = (float) ((ws[pr] >> 8) + 1) * 0x1p-24f;
            float u2 = (float) (ws[pr + 1] >> 8) * 0x1p-24f;
            float r = sqrt(-2.0f * log(u1));
            float z = (q & 1) == 0 ? r * cos(2.0f * M_PI_F * u2) : r * sin(2.0f * M_PI_F * u2);
            v = a + b * z;
#endif
        }
        out[ooff + i] = v;
    }
}
