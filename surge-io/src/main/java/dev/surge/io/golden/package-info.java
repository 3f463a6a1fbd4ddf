/**
 * The golden reference cases (reader, evaluator) and model files, which share one layer vocabulary
 * ({@link dev.surge.io.golden.GoldenReader#LAYER_TYPES}); {@link dev.surge.io.golden.ModelJson} writes it back.
 *
 * <p>May import: {@code surge-core}, {@code dev.surge.io}, Jackson.
 */
package dev.surge.io.golden;
