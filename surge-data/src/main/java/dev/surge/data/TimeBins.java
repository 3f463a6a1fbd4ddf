package dev.surge.data;

import java.util.Arrays;

/** Binning of event times into time steps, shared by the event-file readers. */
final class TimeBins {
    private TimeBins() {
    }

    /**
     * The time step of an event at time {@code t}: {@code floor(t / maxTime · steps)}, or -1 if {@code t ≥ maxTime}
     * (the event is dropped). {@code t} must be ≥ 0. Rounding can never push an event below {@code maxTime} into
     * step {@code steps}: such an event lands in the last step.
     */
    static int bin(double t, double maxTime, int steps) {
        if (t >= maxTime) {
            return -1;
        }
        int b = (int) Math.floor(t / maxTime * steps);
        return Math.min(b, steps - 1);
    }

    static void checkArgs(int steps, double maxTime) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be ≥ 1: " + steps);
        }
        if (!(maxTime > 0) || Double.isInfinite(maxTime)) {
            throw new IllegalArgumentException("max time must be positive and finite: " + maxTime);
        }
    }

    /** Trims the first {@code n} entries of an event buffer to a new array. */
    static int[] trim(int[] buf, int n) {
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
}
