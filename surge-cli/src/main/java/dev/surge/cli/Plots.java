package dev.surge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.surge.core.autograd.Tape;
import dev.surge.core.data.SampleSet;
import dev.surge.core.nn.Backend;
import dev.surge.core.nn.Network;
import dev.surge.core.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of a run: learning curves, a spike raster of one test sample, and the output membrane traces. */
final class Plots {
    private Plots() {
    }

    static void drawAll(RunDirectory run, Network net, SampleSet test, Backend backend, List<ObjectNode> history)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (!history.isEmpty()) {
            // a run with target spike trains has no meaningful accuracy: its loss is the curve
            run.writeBytes("learning_curves.png", png(stack(test.targetOutputs() > 0
                    ? List.of(curves(history, "loss", "val_loss", "loss"))
                    : List.of(curves(history, "loss", "val_loss", "loss"),
                    curves(history, "accuracy", "val_accuracy", "accuracy")))));
        }
        if (test.size() == 0) {
            return;
        }
        int steps = test.steps();
        float[] x = new float[steps * test.inputs()];
        test.write(0, x, 0, 1, new SplittableRandom(0));
        Tape tape = new Tape();
        Network.Pass pass = net.forward(tape.constant(Tensor.of(x, steps, 1, test.inputs())), backend);
        List<XYChart> rasters = new ArrayList<>();
        rasters.add(raster("input (sample 0, class " + test.label(0) + ")", x, steps, test.inputs()));
        for (int l = 0; l < net.layers().size(); l++) {
            if (net.layers().get(l).spiking()) {
                Tensor o = pass.outputs().get(l).value();
                rasters.add(raster("layer " + l + " spikes", o.data(), steps, o.dim(2)));
            }
        }
        run.writeBytes("raster.png", png(stack(rasters)));
        if (test.targetOutputs() > 0) {
            int c = test.targetOutputs();
            float[] y = new float[steps * c];
            test.writeTarget(0, y, 0, 1);
            run.writeBytes("pattern.png", png(stack(List.of(raster("target", y, steps, c),
                    raster("output (test sample 0)", pass.output().value().data(), steps, c)))));
        }
        Tensor out = pass.output().value();
        XYChart mem = new XYChartBuilder().width(900).height(380)
                .title("output layer " + (net.layers().get(net.layers().size() - 1).spiking() ? "spikes" : "membrane")
                        + " (sample 0, class " + test.label(0) + ")").xAxisTitle("time step").yAxisTitle("value").build();
        mem.getStyler().setMarkerSize(0);
        double[] ts = new double[steps];
        for (int t = 0; t < steps; t++) {
            ts[t] = t;
        }
        for (int k = 0; k < out.dim(2); k++) {
            double[] ys = new double[steps];
            for (int t = 0; t < steps; t++) {
                ys[t] = out.data()[t * out.dim(2) + k];
            }
            mem.addSeries("class " + k, ts, ys).setMarker(SeriesMarkers.NONE);
        }
        run.writeBytes("membrane.png", png(BitmapEncoder.getBufferedImage(mem)));
    }

    private static XYChart curves(List<ObjectNode> history, String train, String val, String what) {
        XYChart c = new XYChartBuilder().width(900).height(320).title(what + " per epoch").xAxisTitle("epoch")
                .yAxisTitle(what).build();
        double[] e = new double[history.size()];
        double[] a = new double[history.size()];
        double[] b = new double[history.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = history.get(i).path("epoch").asDouble();
            a[i] = history.get(i).path(train).asDouble();
            b[i] = history.get(i).path(val).asDouble();
        }
        c.addSeries("train", e, a);
        c.addSeries("validation", e, b);
        return c;
    }

    private static XYChart raster(String title, float[] data, int steps, int n) {
        XYChart c = new XYChartBuilder().width(900).height(260).title(title).xAxisTitle("time step")
                .yAxisTitle("neuron").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setMarkerSize(3);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax((double) steps);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                if (data[t * n + i] != 0f) {
                    xs.add((double) t);
                    ys.add((double) i);
                }
            }
        }
        if (xs.isEmpty()) {
            xs.add(0.0);
            ys.add(-1.0);
        }
        c.addSeries("spikes", xs, ys).setMarkerColor(Color.BLACK);
        return c;
    }

    static BufferedImage stack(List<XYChart> charts) {
        List<BufferedImage> imgs = new ArrayList<>();
        int w = 0;
        int h = 0;
        for (XYChart c : charts) {
            BufferedImage i = BitmapEncoder.getBufferedImage(c);
            imgs.add(i);
            w = Math.max(w, i.getWidth());
            h += i.getHeight();
        }
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int y = 0;
        for (BufferedImage i : imgs) {
            g.drawImage(i, 0, y, null);
            y += i.getHeight();
        }
        g.dispose();
        return all;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        return bos.toByteArray();
    }
}
