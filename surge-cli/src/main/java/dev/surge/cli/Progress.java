package dev.surge.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A per-epoch progress bar with loss, accuracy, spike rate and ETA on a terminal; silent otherwise (epoch lines suffice). */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private double lossSum;
    private double accSum;
    private double rateSum;
    private int n;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(boolean interactive, PrintWriter err, String task, int batches) {
        if (!interactive) {
            return new Progress(null);
        }
        ProgressBar b = new ProgressBarBuilder().setTaskName(task).setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" batches", 1).continuousUpdate().clearDisplayOnFinish()
                .build();
        return new Progress(b);
    }

    void update(int batch, int batches, double loss, double accuracy, double rate) {
        lossSum += loss;
        accSum += accuracy;
        rateSum += Double.isNaN(rate) ? 0 : rate;
        n++;
        if (bar != null) {
            bar.stepTo(batch);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f acc %.1f%% rate %.3f", lossSum / n,
                    100 * accSum / n, rateSum / n));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
