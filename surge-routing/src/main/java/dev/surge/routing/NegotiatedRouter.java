package dev.surge.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Negotiated congestion (PathFinder; the main stage of NTHU-Route 2.0): route every net, then repeatedly rip up the
 * nets that use an overflowing edge and reroute them with edge cost
 * {@code (1 + h_e)·(1 + p·max(0, d_e + 1 − c_e))}: {@code h_e} the history cost, raised by {@link #HISTORY} times the
 * overflow of e after every round, {@code p} the present-congestion factor, multiplied by {@link #GROWTH} every
 * round. Stops at zero overflow or after {@link #ROUNDS} rounds and returns the best round (least total overflow,
 * then least wirelength).
 */
public final class NegotiatedRouter implements Router {
    public static final int ROUNDS = 60;
    public static final double HISTORY = 0.5;
    public static final double PRESENT = 0.5;
    public static final double GROWTH = 1.4;

    @Override
    public String name() {
        return "negotiated";
    }

    @Override
    public List<NetRoute> route(Problem p) {
        Grid g = p.grid();
        Maze maze = new Maze(g);
        int n = p.nets().size();
        int[] demand = new int[g.edgeCount()];
        double[] history = new double[g.edgeCount()];
        double[] present = {PRESENT};
        Maze.Costs costs = new Maze.Costs() {
            @Override
            public double edge(int e) {
                double over = Math.max(0, demand[e] + 1 - g.tracks(e));
                return (1 + history[e]) * (1 + present[0] * over);
            }

            @Override
            public double via() {
                return 1;
            }
        };
        @SuppressWarnings("unchecked")
        List<int[]>[] paths = new List[n];
        int[][] used = new int[n][];
        for (int i = 0; i < n; i++) {
            paths[i] = maze.routeNet(p.nets().get(i), costs);
            used[i] = edgesOf(maze, paths[i]);
            for (int e : used[i]) {
                demand[e]++;
            }
        }
        List<NetRoute> best = snapshot(p, maze, paths);
        long bestOverflow = overflow(g, demand);
        long bestLength = length(paths);
        for (int round = 0; round < ROUNDS && bestOverflow > 0; round++) {
            boolean[] over = new boolean[demand.length];
            for (int e = 0; e < demand.length; e++) {
                int o = demand[e] - g.tracks(e);
                if (o > 0) {
                    over[e] = true;
                    history[e] += HISTORY * o;
                }
            }
            for (int i = 0; i < n; i++) {
                boolean hit = false;
                for (int e : used[i]) {
                    hit |= over[e];
                }
                if (!hit) {
                    continue;
                }
                for (int e : used[i]) {
                    demand[e]--;
                }
                paths[i] = maze.routeNet(p.nets().get(i), costs);
                used[i] = edgesOf(maze, paths[i]);
                for (int e : used[i]) {
                    demand[e]++;
                }
            }
            present[0] *= GROWTH;
            long o = overflow(g, demand);
            long len = length(paths);
            if (o < bestOverflow || (o == bestOverflow && len < bestLength)) {
                bestOverflow = o;
                bestLength = len;
                best = snapshot(p, maze, paths);
            }
        }
        return best;
    }

    private static int[] edgesOf(Maze maze, List<int[]> paths) {
        List<Integer> es = new ArrayList<>();
        for (int[] path : paths) {
            for (int e : maze.edges(path)) {
                es.add(e);
            }
        }
        return es.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<NetRoute> snapshot(Problem p, Maze maze, List<int[]>[] paths) {
        List<NetRoute> out = new ArrayList<>();
        for (int i = 0; i < paths.length; i++) {
            if (p.nets().get(i).pins().size() > 1) {
                out.add(new NetRoute(p.nets().get(i), maze.segments(paths[i])));
            }
        }
        return out;
    }

    private static long overflow(Grid g, int[] demand) {
        long t = 0;
        for (int e = 0; e < demand.length; e++) {
            t += Math.max(0, demand[e] - g.tracks(e));
        }
        return t;
    }

    private static long length(List<int[]>[] paths) {
        long len = 0;
        for (List<int[]> ps : paths) {
            for (int[] p : ps) {
                len += p.length - 1;
            }
        }
        return len;
    }
}
