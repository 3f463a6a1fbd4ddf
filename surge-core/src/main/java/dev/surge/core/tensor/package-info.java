/**
 * Float32 tensors ({@link dev.surge.core.tensor.Tensor}, row-major heap arrays), GEMM through OpenBLAS with a
 * pure-Java fallback ({@link dev.surge.core.tensor.Blas}), the event-driven kernels over spike lists
 * ({@link dev.surge.core.tensor.SpikeRows}, {@code VectorKernels}), the per-chunk array {@link
 * dev.surge.core.tensor.Arena}, and counter-based random numbers ({@link dev.surge.core.tensor.RandomStream}).
 *
 * <p>May import: the JDK (and {@code jdk.incubator.vector} from the SIMD kernels only) and OpenBLAS. Nothing else
 * of Surge: every other package stands on this one.
 */
package dev.surge.core.tensor;
