package dev.surge.routing;

/**
 * A routing's score by the ISPD 2008 rules.
 *
 * @param totalOverflow the sum over planar edges of {@code max(0, demand − tracks)}
 * @param maxOverflow   the largest edge overflow
 * @param wirelength    tile-to-tile edges used plus one per layer a via crosses
 * @param demand        per planar edge, the number of times a net uses it
 */
public record Score(long totalOverflow, int maxOverflow, long wirelength, int[] demand) {
}
