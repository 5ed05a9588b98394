package dev.plumbline.tensor.backend;

/** Elementwise functions of two broadcast inputs; comparisons give F32 masks of 0 and 1. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN,
    EQ, NE, LT, LE, GT, GE
}
