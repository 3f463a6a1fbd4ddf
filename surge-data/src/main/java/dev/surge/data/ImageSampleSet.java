package dev.surge.data;

import dev.surge.core.data.SampleSet;
import java.util.SplittableRandom;

/** Grey-scale images (bytes 0..255, scaled to [0,1]) encoded into spike sequences when written into a batch. */
public final class ImageSampleSet implements SampleSet {
    private final byte[][] pixels;
    private final int[] labels;
    private final int classes;
    private final int width;
    private final int steps;
    private final Encoder encoder;

    public ImageSampleSet(byte[][] pixels, int[] labels, int classes, int width, int steps, Encoder encoder) {
        if (pixels.length != labels.length) {
            throw new IllegalArgumentException(pixels.length + " images but " + labels.length + " labels");
        }
        int req = encoder.requiredSteps(pixels.length == 0 ? 0 : pixels[0].length / width);
        if (req > 0 && req != steps) {
            throw new IllegalArgumentException("encoding " + encoder.name() + " scans the " + req
                    + " image rows, so it needs --time-steps " + req + " (got " + steps + ")");
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("time steps must be positive, got " + steps);
        }
        this.pixels = pixels;
        this.labels = labels;
        this.classes = classes;
        this.width = width;
        this.steps = steps;
        this.encoder = encoder;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int inputs() {
        return encoder.inputs(pixels.length == 0 ? width * width : pixels[0].length, width);
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    public Encoder encoder() {
        return encoder;
    }

    /** The raw image of a sample, scaled to [0, 1]. */
    public float[] image(int index) {
        byte[] p = pixels[index];
        float[] x = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            x[i] = (p[i] & 0xff) / 255f;
        }
        return x;
    }

    @Override
    public void write(int index, float[] x, int slot, int batch, SplittableRandom rng) {
        encoder.encode(image(index), steps, x, slot, batch, rng);
    }

    /** The samples at the given indices (sharing pixel arrays). */
    public ImageSampleSet subset(int[] indices) {
        byte[][] p = new byte[indices.length][];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            p[i] = pixels[indices[i]];
            l[i] = labels[indices[i]];
        }
        return new ImageSampleSet(p, l, classes, width, steps, encoder);
    }
}
