package dev.plumbline.tensor.backend;

/** Reductions over a set of dims; ARGMAX/ARGMIN write I32 indices (first occurrence wins). */
public enum ReduceOp {
    SUM, MAX, MIN, ARGMAX, ARGMIN
}
