package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.UnaryOp;

/**
 * Inner rows of the CPU elementwise kernels: one strided row per call, the op switch outside the
 * loop so each loop body is a single expression the JIT can unroll and vectorise.
 */
final class CpuElementwise {
    private CpuElementwise() {}

    static final float GELU_C = 0.7978845608028654f; // √(2/π)
    static final float GELU_K = 0.044715f;

    /** tanh through exp: faster than StrictMath.tanh and exact to float rounding. */
    static float tanh(float x) {
        if (x > 15f) {
            return 1f;
        }
        if (x < -15f) {
            return -1f;
        }
        float e = (float) Math.exp(2.0 * x);
        return (e - 1f) / (e + 1f);
    }

    static float sigmoid(float x) {
        return x >= 0 ? 1f / (1f + (float) Math.exp(-x)) : (float) (Math.exp(x) / (1.0 + Math.exp(x)));
    }

    static float gelu(float x) {
        return 0.5f * x * (1f + tanh(GELU_C * (x + GELU_K * x * x * x)));
    }

    static float geluGrad(float x) {
        float u = GELU_C * (x + GELU_K * x * x * x);
        float t = tanh(u);
        return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * GELU_C * (1f + 3f * GELU_K * x * x);
    }

    static float apply(UnaryOp op, float x, float a, float b) {
        switch (op) {
            case NEG: return -x;
            case EXP: return (float) Math.exp(x);
            case LOG: return (float) Math.log(x);
            case SQRT: return (float) Math.sqrt(x);
            case RSQRT: return (float) (1.0 / Math.sqrt(x));
            case ABS: return Math.abs(x);
            case SIGN: return Math.signum(x);
            case TANH: return tanh(x);
            case SIGMOID: return sigmoid(x);
            case RELU: return x > 0 ? x : 0f;
            case GELU: return gelu(x);
            case SILU: return x * sigmoid(x);
            case POW: return a == 2f ? x * x : (float) Math.pow(x, a);
            case CLAMP: return Float.isNaN(x) ? x : Math.min(Math.max(x, a), b);
            case AFFINE: return a * x + b;
            case RECIPROCAL: return 1f / x;
            case INSIDE: return x >= a && x <= b ? 1f : 0f;
            case GELU_GRAD: return geluGrad(x);
            case SILU_GRAD: {
                float s = sigmoid(x);
                return s * (1f + x * (1f - s));
            }
            case NONFINITE: return Float.isFinite(x) ? 0f : 1f;
            default: throw new IllegalArgumentException("unary: unknown op " + op);
        }
    }

    static void unaryRow(UnaryOp op, float a, float b, float[] x, int xo, int xs, float[] o, int oo, int n) {
        if (op == UnaryOp.AFFINE && xs == 1) {
            for (int k = 0; k < n; k++) {
                o[oo + k] = a * x[xo + k] + b;
            }
            return;
        }
        for (int k = 0, p = xo; k < n; k++, p += xs) {
            o[oo + k] = apply(op, x[p], a, b);
        }
    }

    static float apply(BinaryOp op, float x, float y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case POW: return (float) Math.pow(x, y);
            case MAX: return Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.max(x, y);
            case MIN: return Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.min(x, y);
            case EQ: return x == y ? 1f : 0f;
            case NE: return x != y ? 1f : 0f;
            case LT: return x < y ? 1f : 0f;
            case LE: return x <= y ? 1f : 0f;
            case GT: return x > y ? 1f : 0f;
            case GE: return x >= y ? 1f : 0f;
            default: throw new IllegalArgumentException("binary: unknown op " + op);
        }
    }

    static void binaryRow(BinaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] o, int oo, int n) {
        if (xs == 1 && ys == 1) {
            switch (op) {
                case ADD:
                    for (int k = 0; k < n; k++) {
                        o[oo + k] = x[xo + k] + y[yo + k];
                    }
                    return;
                case SUB:
                    for (int k = 0; k < n; k++) {
                        o[oo + k] = x[xo + k] - y[yo + k];
                    }
                    return;
                case MUL:
                    for (int k = 0; k < n; k++) {
                        o[oo + k] = x[xo + k] * y[yo + k];
                    }
                    return;
                case DIV:
                    for (int k = 0; k < n; k++) {
                        o[oo + k] = x[xo + k] / y[yo + k];
                    }
                    return;
                default:
                    break;
            }
        } else if (xs == 1 && ys == 0) { // row op scalar (bias-like broadcast)
            float c = y[yo];
            switch (op) {
                case ADD:
                    for (int k = 0; k < n; k++) {
                        o[oo + k] = x[xo + k] + c;
                    }
                    return;
                case MUL:
                    for (int k = 0; k < n; k++) {
                        o[oo + k] = x[xo + k] * c;
                    }
                    return;
                default:
                    break;
            }
        }
        for (int k = 0, p = xo, q = yo; k < n; k++, p += xs, q += ys) {
            o[oo + k] = apply(op, x[p], y[q]);
        }
    }

    static void binaryRowInt(BinaryOp op, int[] x, int xo, int xs, int[] y, int yo, int ys, int[] o, int oo, int n) {
        for (int k = 0, p = xo, q = yo; k < n; k++, p += xs, q += ys) {
            int a = x[p], b = y[q];
            int r;
            switch (op) {
                case ADD: r = a + b; break;
                case SUB: r = a - b; break;
                case MUL: r = a * b; break;
                case MAX: r = Math.max(a, b); break;
                case MIN: r = Math.min(a, b); break;
                default: throw new IllegalArgumentException("binary: op " + op + " has no I32 form");
            }
            o[oo + k] = r;
        }
    }
}
