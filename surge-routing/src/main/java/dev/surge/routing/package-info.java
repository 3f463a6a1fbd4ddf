/**
 * Global routing in the ISPD 2007/2008 contest format: {@link GrReader} (the {@code .gr} problem files),
 * {@link Grid} (tiles, layers, edge tracks), {@link RouteFile} (route files, written and read), {@link Evaluator}
 * (total and max overflow and wirelength by the ISPD 2008 rules), and the routers over {@link Router}: sequential
 * A* ({@link AStarRouter}) and negotiated congestion with rip-up and reroute ({@link NegotiatedRouter}), each net
 * decomposed into 2-pin connections by a minimum spanning tree and grown as a tree ({@link Maze}).
 *
 * <p>May import: {@code java.*} only.
 */
package dev.surge.routing;
