package dev.surge.data;

import dev.surge.core.data.SampleSet;
import java.util.SplittableRandom;

/**
 * A sample set generated in-process as spike events ({@link Race}, {@link Evidence}, {@link Pattern}): its dense
 * input is exactly its events, each adding 1 at its (step, input).
 */
abstract class GeneratedEvents implements SampleSet {

    @Override
    public final boolean eventBased() {
        return true;
    }

    @Override
    public final void write(int index, float[] x, int slot, int batch, SplittableRandom rng) {
        int in = inputs();
        writeEvents(index, (t, i) -> x[(t * batch + slot) * in + i] += 1f, rng);
    }
}
