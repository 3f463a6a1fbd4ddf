package dev.surge.routing;

import java.util.List;

/** A global router: routes every net of a problem. Deterministic: the same problem gives the same routes. */
public interface Router {
    /** A short name (astar, negotiated, ...). */
    String name();

    /** Routes every net with at least two pin nodes; nets with one pin node get no route. */
    List<NetRoute> route(Problem p);

    /** The router named {@code name}: astar or negotiated. */
    static Router of(String name) {
        return switch (name) {
            case "astar" -> new AStarRouter();
            case "negotiated" -> new NegotiatedRouter();
            default -> throw new IllegalArgumentException("unknown routing method '" + name
                    + "'; known: astar, negotiated");
        };
    }
}
