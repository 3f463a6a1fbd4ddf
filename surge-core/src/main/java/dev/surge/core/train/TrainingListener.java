package dev.surge.core.train;

/**
 * Hears what {@link Training#fit} does: epoch starts, every batch, and every finished epoch with its report. The
 * command line draws its progress bar and writes its metrics and checkpoints from these calls; a Java user can
 * log, plot or checkpoint the same way. All methods do nothing by default.
 */
public interface TrainingListener {
    /** Epoch {@code epoch} (from 1) of {@code epochs} starts, with {@code batches} batches. */
    default void epochStarted(int epoch, int epochs, int batches) {
    }

    /** After every training batch; {@code rate} is spikes per neuron per step over the spiking layers. */
    default void batchDone(int batch, int batches, double loss, double accuracy, double rate) {
    }

    /** After an epoch's training and validation. */
    default void epochDone(EpochReport report) {
    }

    /**
     * One finished epoch.
     *
     * @param epoch        the epoch, from 1
     * @param lr           the learning rate it trained with
     * @param train        loss, accuracy, spike rates and synaptic operations over its training batches
     * @param validation   the same on the validation set, or null without one
     * @param epochSeconds time spent training it (validation excluded)
     * @param trainSeconds training time of the run so far, earlier sessions of a resumed run included
     */
    record EpochReport(int epoch, float lr, Trainer.Stats train, Trainer.Stats validation, double epochSeconds,
                       double trainSeconds) {
    }
}
