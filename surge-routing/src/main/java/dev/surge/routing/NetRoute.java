package dev.surge.routing;

import java.util.List;

/**
 * The route of one net: segments {@code {a, b}} between grid nodes, each a straight wire on one layer (same layer,
 * same x or same y) or a via between adjacent layers of one tile.
 */
public record NetRoute(Net net, List<int[]> segments) {
    public NetRoute {
        segments = List.copyOf(segments);
    }
}
