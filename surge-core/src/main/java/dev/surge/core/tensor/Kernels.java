package dev.surge.core.tensor;

import java.util.Locale;

/**
 * How products with spike tensors are computed. {@code AUTO} (the default) measures each spike operand's density
 * and adds weight rows of the active inputs (event-driven) below a crossover density, else runs a dense GEMM;
 * {@code DENSE} and {@code EVENT} force one path (for tests and benchmarks). Set with the system property
 * {@code surge.products=auto|dense|event} or {@link #setProducts}.
 */
public final class Kernels {
    /** The product path policy. */
    public enum Products { AUTO, DENSE, EVENT }

    /**
     * Density of a 0/1 input below which a linear layer with {@code outputs} outputs runs its input product and
     * weight gradient event-driven. Measured with {@code surge-bench}'s {@code LinearBench} (forward and weight
     * gradient, ms per op, 1 thread, 2026-11-30, OpenBLAS through off-heap operands; see docs/PERFORMANCE.md):
     * <ul>
     *   <li>{@code [3200, 700] → 256}: dense OpenBLAS 28–31 at any density; SIMD event-driven 8.8 / 15 / 27 / 38 at
     *       5 / 10 / 20 / 30%; scalar event-driven 10 / 20 / 43 / 69 at 2 / 5 / 10 / 20% (earlier run);</li>
     *   <li>{@code [1600, 784] → 1000}: dense 55–58, SIMD event-driven 28 / 40 / 45 / 63 at 10 / 20 / 25 / 30%;</li>
     *   <li>{@code [3200, 256] → 20}: dense 1.4–1.6, SIMD event-driven 1.8–7.6 (a narrow product: dense wins).</li>
     * </ul>
     * Hence 20% for layers with 64 to 511 outputs and 25% from 512 outputs with the SIMD kernels, 7% with the scalar
     * ones, and always dense below 64 outputs.
     * With the pure-Java GEMM (several times slower than OpenBLAS) the event path pays up to higher densities; 25%
     * there is a conservative guess, not a measurement.
     */
    public static double linearCrossover(int outputs) {
        if (outputs < 64) {
            return 0;
        }
        if (!Blas.get().name().equals("openblas")) {
            return 0.25;
        }
        if (!SpikeRows.VECTOR) {
            return 0.07;
        }
        return outputs >= 512 ? 0.25 : 0.2;
    }

    /**
     * Fraction of active neurons below which the recurrent product of a step is event-driven: 5% with the scalar
     * adds (measured when the fused kernel was written), 20% with the SIMD kernels (the crossover measured for a
     * linear layer of the same width, 256; not measured for the per-step recurrent product itself).
     */
    public static double recurrentCrossover() {
        return SpikeRows.VECTOR ? 0.2 : 0.05;
    }

    private static volatile Products products = parse(System.getProperty("surge.products", "auto"));

    private Kernels() {
    }

    static Products parse(String s) {
        try {
            return Products.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("surge.products must be auto, dense or event, not '" + s + "'");
        }
    }

    public static Products products() {
        return products;
    }

    public static void setProducts(Products p) {
        products = java.util.Objects.requireNonNull(p);
    }

    /** The density up to which a product is event-driven under the current policy, given the AUTO crossover. */
    public static double eventMaxDensity(double autoCrossover) {
        return switch (products) {
            case AUTO -> autoCrossover;
            case DENSE -> -1;
            case EVENT -> 1.0;
        };
    }

    /** Whether every element of {@code a} is finite (SIMD when available). */
    public static boolean allFinite(float[] a) {
        if (SpikeRows.VECTOR) {
            return VectorKernels.allFinite(a);
        }
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The sum of a spike tensor's elements: exact, and equal to {@link Tensor#sum()}, for values that are 0/1 spikes
     * (or small counts), in any order of addition; SIMD when available.
     */
    public static double spikeSum(float[] a) {
        if (SpikeRows.VECTOR) {
            return VectorKernels.spikeSum(a);
        }
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }
}
