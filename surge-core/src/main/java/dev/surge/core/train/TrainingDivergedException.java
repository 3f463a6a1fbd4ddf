package dev.surge.core.train;

/** A NaN or infinity appeared in training; the message names the layer and the step. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
