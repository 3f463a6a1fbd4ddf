package dev.surge.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maze routing on a {@link Grid}: A* from a set of source nodes (a net's tree so far) to one target node, with a cost
 * per planar edge and a cost per via; and nets grown as trees, pin by pin in the order of Prim's minimum spanning
 * tree (the next pin is the one nearest to the tree), each connection an A* search from the whole tree. Not
 * thread-safe: one instance per thread.
 */
final class Maze {
    private final Grid grid;
    private final double[] g;
    private final int[] parent;
    private final int[] stamp;
    private int generation;
    private final int[] heap;
    private final double[] key;
    private final int[] pos;
    private int size;

    Maze(Grid grid) {
        this.grid = grid;
        int n = grid.nodeCount();
        g = new double[n];
        parent = new int[n];
        stamp = new int[n];
        heap = new int[n];
        key = new double[n];
        pos = new int[n];
    }

    /** Edge costs for a search: planar edge e costs {@code edge(e)} (≥ 1), a via {@code via()} (≥ 1). */
    interface Costs {
        double edge(int e);

        double via();
    }

    /**
     * Routes a net as a tree and returns its paths (each a node sequence from the tree to a pin), or an empty list
     * for a net with one pin node.
     */
    List<int[]> routeNet(Net net, Costs costs) {
        List<Integer> pins = net.pins();
        List<int[]> paths = new ArrayList<>();
        if (pins.size() < 2) {
            return paths;
        }
        boolean[] inTree = new boolean[grid.nodeCount()];
        List<Integer> tree = new ArrayList<>();
        tree.add(pins.get(0));
        inTree[pins.get(0)] = true;
        boolean[] done = new boolean[pins.size()];
        done[0] = true;
        for (int k = 1; k < pins.size(); k++) {
            // Prim's order: the unconnected pin nearest to the tree
            int best = -1;
            int bestD = Integer.MAX_VALUE;
            for (int p = 1; p < pins.size(); p++) {
                if (done[p]) {
                    continue;
                }
                int d = Integer.MAX_VALUE;
                for (int t : tree) {
                    d = Math.min(d, distance(t, pins.get(p)));
                }
                if (d < bestD || (d == bestD && p < best)) {
                    bestD = d;
                    best = p;
                }
            }
            done[best] = true;
            int target = pins.get(best);
            if (inTree[target]) {
                continue;
            }
            int[] path = search(tree, target, costs);
            paths.add(path);
            for (int v : path) {
                if (!inTree[v]) {
                    inTree[v] = true;
                    tree.add(v);
                }
            }
        }
        return paths;
    }

    /** Manhattan distance in tiles plus the layer difference. */
    int distance(int a, int b) {
        return Math.abs(grid.nodeX(a) - grid.nodeX(b)) + Math.abs(grid.nodeY(a) - grid.nodeY(b))
                + Math.abs(grid.nodeLayer(a) - grid.nodeLayer(b));
    }

    /** A* from any of {@code sources} to {@code target}; the path from a source to the target. */
    int[] search(List<Integer> sources, int target, Costs costs) {
        generation++;
        size = 0;
        int tx = grid.nodeX(target);
        int ty = grid.nodeY(target);
        int tl = grid.nodeLayer(target);
        double via = costs.via();
        for (int s : sources) {
            visit(s, 0, -1, h(s, tx, ty, tl, via));
        }
        int xs = grid.xs();
        int ys = grid.ys();
        while (size > 0) {
            int u = pop();
            if (u == target) {
                break;
            }
            double gu = g[u];
            int x = grid.nodeX(u);
            int y = grid.nodeY(u);
            int l = grid.nodeLayer(u);
            if (grid.horizontal(l)) {
                if (x > 0) {
                    relax(u, gu + costs.edge(grid.horizontalEdge(x - 1, y, l)), grid.node(x - 1, y, l), tx, ty, tl, via);
                }
                if (x + 1 < xs) {
                    relax(u, gu + costs.edge(grid.horizontalEdge(x, y, l)), grid.node(x + 1, y, l), tx, ty, tl, via);
                }
            }
            if (grid.vertical(l)) {
                if (y > 0) {
                    relax(u, gu + costs.edge(grid.verticalEdge(x, y - 1, l)), grid.node(x, y - 1, l), tx, ty, tl, via);
                }
                if (y + 1 < ys) {
                    relax(u, gu + costs.edge(grid.verticalEdge(x, y, l)), grid.node(x, y + 1, l), tx, ty, tl, via);
                }
            }
            if (l > 0) {
                relax(u, gu + via, grid.node(x, y, l - 1), tx, ty, tl, via);
            }
            if (l + 1 < grid.layers()) {
                relax(u, gu + via, grid.node(x, y, l + 1), tx, ty, tl, via);
            }
        }
        if (stamp[target] != generation) {
            throw new IllegalStateException("no path to node " + target + " (a layer direction missing?)");
        }
        int len = 0;
        for (int v = target; v != -1; v = parent[v]) {
            len++;
        }
        int[] path = new int[len];
        for (int v = target, i = len - 1; v != -1; v = parent[v], i--) {
            path[i] = v;
        }
        return path;
    }

    private double h(int n, int tx, int ty, int tl, double via) {
        return Math.abs(grid.nodeX(n) - tx) + Math.abs(grid.nodeY(n) - ty)
                + Math.abs(grid.nodeLayer(n) - tl) * Math.min(1, via);
    }

    private void relax(int u, double gv, int v, int tx, int ty, int tl, double via) {
        if (stamp[v] != generation) {
            visit(v, gv, u, gv + h(v, tx, ty, tl, via));
        } else if (gv < g[v] && pos[v] >= 0) {
            g[v] = gv;
            parent[v] = u;
            key[v] = gv + h(v, tx, ty, tl, via);
            up(pos[v]);
        }
    }

    private void visit(int v, double gv, int from, double f) {
        stamp[v] = generation;
        g[v] = gv;
        parent[v] = from;
        key[v] = f;
        heap[size] = v;
        pos[v] = size;
        size++;
        up(size - 1);
    }

    /** Ties on f go to the larger g (deeper first), then the smaller node number, so searches are deterministic. */
    private boolean less(int a, int b) {
        if (key[a] != key[b]) {
            return key[a] < key[b];
        }
        if (g[a] != g[b]) {
            return g[a] > g[b];
        }
        return a < b;
    }

    private int pop() {
        int top = heap[0];
        pos[top] = -1;
        size--;
        if (size > 0) {
            heap[0] = heap[size];
            pos[heap[0]] = 0;
            down(0);
        }
        return top;
    }

    private void up(int i) {
        int v = heap[i];
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!less(v, heap[p])) {
                break;
            }
            heap[i] = heap[p];
            pos[heap[i]] = i;
            i = p;
        }
        heap[i] = v;
        pos[v] = i;
    }

    private void down(int i) {
        int v = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && less(heap[c + 1], heap[c])) {
                c++;
            }
            if (!less(heap[c], v)) {
                break;
            }
            heap[i] = heap[c];
            pos[heap[i]] = i;
            i = c;
        }
        heap[i] = v;
        pos[v] = i;
    }

    /** Splits node paths into maximal straight segments and vias. */
    List<int[]> segments(List<int[]> paths) {
        List<int[]> segs = new ArrayList<>();
        for (int[] p : paths) {
            int start = 0;
            for (int i = 1; i < p.length; i++) {
                boolean last = i == p.length - 1;
                if (!last && direction(p[i - 1], p[i]) == direction(p[i], p[i + 1])
                        && direction(p[i], p[i + 1]) != VIA) {
                    continue;
                }
                segs.add(new int[] {p[start], p[i]});
                start = i;
            }
        }
        return segs;
    }

    private static final int VIA = 2;

    private int direction(int a, int b) {
        if (grid.nodeLayer(a) != grid.nodeLayer(b)) {
            return VIA;
        }
        return grid.nodeY(a) == grid.nodeY(b) ? 0 : 1;
    }

    /** The planar edges a path uses, in order (vias left out). */
    int[] edges(int[] path) {
        int[] e = new int[path.length];
        int n = 0;
        for (int i = 1; i < path.length; i++) {
            int k = grid.edgeBetween(path[i - 1], path[i]);
            if (k >= 0) {
                e[n++] = k;
            }
        }
        return Arrays.copyOf(e, n);
    }
}
