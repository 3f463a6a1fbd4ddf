/**
 * The surrogate derivatives of the spike, all in one file: {@link dev.surge.core.surrogate.Surrogate} (sealed:
 * sigmoid, fast sigmoid, atan, rectangle, triangle, gaussian, straight-through, custom) with their formulas, names,
 * default scales and {@code parse}.
 *
 * <p>May import: the JDK only.
 */
package dev.surge.core.surrogate;
