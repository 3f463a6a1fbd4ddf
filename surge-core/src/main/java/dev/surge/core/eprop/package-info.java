/**
 * Online learning rules that do not propagate errors back through time: {@link dev.surge.core.eprop.EProp}
 * (eligibility propagation, with symmetric or random feedback), a {@link dev.surge.core.train.LearningRule} that the
 * trainer runs as it runs BPTT.
 *
 * <p>May import: {@code tensor}, {@code autograd}, {@code surrogate}, {@code neuron}, {@code nn}, {@code loss} and
 * {@code train}; nothing outside {@code surge-core}.
 */
package dev.surge.core.eprop;
