package dev.surge.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Sequential A* (the baseline): nets in file order, each grown as a tree by A* searches (see {@link Maze}); an edge
 * costs 1, plus {@link #FULL_PENALTY} when it already carries as many nets as it has tracks; a via costs 1. No net
 * is ever rerouted.
 */
public final class AStarRouter implements Router {
    /** The extra cost of an edge that is already full. */
    public static final double FULL_PENALTY = 4;

    @Override
    public String name() {
        return "astar";
    }

    @Override
    public List<NetRoute> route(Problem p) {
        Grid g = p.grid();
        Maze maze = new Maze(g);
        int[] demand = new int[g.edgeCount()];
        Maze.Costs costs = new Maze.Costs() {
            @Override
            public double edge(int e) {
                return 1 + (demand[e] >= g.tracks(e) ? FULL_PENALTY : 0);
            }

            @Override
            public double via() {
                return 1;
            }
        };
        List<NetRoute> out = new ArrayList<>();
        for (Net net : p.nets()) {
            List<int[]> paths = maze.routeNet(net, costs);
            for (int[] path : paths) {
                for (int e : maze.edges(path)) {
                    demand[e]++;
                }
            }
            if (net.pins().size() > 1) {
                out.add(new NetRoute(net, maze.segments(paths)));
            }
        }
        return out;
    }
}
