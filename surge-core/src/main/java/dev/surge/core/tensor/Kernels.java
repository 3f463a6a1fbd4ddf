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
     * Density of a 0/1 input below which a linear layer's input product and weight gradient are event-driven.
     * Measured with {@code surge-bench}'s {@code LinearBench} on {@code [3200, 700] → 256} with OpenBLAS (see
     * docs/PERFORMANCE.md): event-driven 10 / 20 / 43 ms against dense 29 ms at 2 / 5 / 10% density, so the
     * crossover is near 7%. With the pure-Java GEMM, several times slower, the event path pays up to higher
     * densities; 25% is a conservative guess there, not a measurement.
     */
    public static final double LINEAR_EVENT_MAX_DENSITY = Blas.get().name().equals("openblas") ? 0.07 : 0.25;

    /** Fraction of active neurons below which the recurrent product of a step is event-driven. */
    public static final double RECURRENT_EVENT_MAX_DENSITY = 0.05;

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
}
