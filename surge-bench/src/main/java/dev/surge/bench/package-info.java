/**
 * JMH micro-benchmarks of the kernels: GEMM backends, the fused LIF layer, dense against event-driven products.
 *
 * <p>May import: {@code surge-core}, JMH.
 */
package dev.surge.bench;
