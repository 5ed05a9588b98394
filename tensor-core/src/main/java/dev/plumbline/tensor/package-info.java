/**
 * Plumbline tensors: n-dimensional arrays on a {@link dev.plumbline.tensor.Device} with eager ops and
 * reverse-mode automatic differentiation.
 */
package dev.plumbline.tensor;
