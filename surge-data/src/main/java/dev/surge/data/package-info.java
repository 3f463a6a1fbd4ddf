/**
 * Datasets and encoders: Randman (generated), IDX (MNIST, Fashion-MNIST) with lookup and verified download, SHD and
 * SSC (HDF5), N-MNIST, and the rate, latency and delta encoders of images. Each reader validates its file and
 * reports problems as {@link dev.surge.data.DataFormatException} naming the file and field.
 *
 * <p>May import: {@code surge-core} ({@code data}, {@code tensor}), jhdf and the JDK. Nothing of {@code surge-io} or the CLI.
 */
package dev.surge.data;
