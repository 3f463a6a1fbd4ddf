package dev.surge.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores routes by the ISPD 2008 rules (see {@code ../shared/routing/README.md}) after checking them: every net of
 * the problem routed once, every segment a straight wire on one layer or a via between adjacent layers, every pin of
 * a net connected by its segments. A failed check is an {@link IllegalArgumentException} naming the net.
 */
public final class Evaluator {
    private Evaluator() {
    }

    public static Score score(Problem p, List<NetRoute> routes) {
        Grid g = p.grid();
        Map<String, NetRoute> byNet = new HashMap<>();
        for (NetRoute r : routes) {
            String key = r.net().name() + " " + r.net().id();
            if (byNet.put(key, r) != null) {
                throw new IllegalArgumentException("net " + r.net().name() + " is routed twice");
            }
        }
        int[] demand = new int[g.edgeCount()];
        long wirelength = 0;
        for (Net net : p.nets()) {
            NetRoute r = byNet.remove(net.name() + " " + net.id());
            if (r == null) {
                if (net.pins().size() > 1) {
                    throw new IllegalArgumentException("net " + net.name() + " has no route");
                }
                continue;
            }
            Dsu dsu = new Dsu();
            for (int[] s : r.segments()) {
                int a = s[0];
                int b = s[1];
                int ax = g.nodeX(a);
                int ay = g.nodeY(a);
                int al = g.nodeLayer(a);
                int bx = g.nodeX(b);
                int by = g.nodeY(b);
                int bl = g.nodeLayer(b);
                if (al != bl) {
                    if (ax != bx || ay != by || Math.abs(al - bl) != 1) {
                        throw new IllegalArgumentException("net " + net.name() + ": segment " + describe(p, a, b)
                                + " is neither a wire on one layer nor a via between adjacent layers");
                    }
                    wirelength += 1;
                    dsu.union(a, b);
                    continue;
                }
                if (ax != bx && ay != by) {
                    throw new IllegalArgumentException("net " + net.name() + ": segment " + describe(p, a, b)
                            + " is not straight");
                }
                int steps = Math.abs(ax - bx) + Math.abs(ay - by);
                int dx = Integer.signum(bx - ax);
                int dy = Integer.signum(by - ay);
                int prev = a;
                for (int k = 1; k <= steps; k++) {
                    int next = g.node(ax + dx * k, ay + dy * k, al);
                    demand[g.edgeBetween(prev, next)]++;
                    dsu.union(prev, next);
                    prev = next;
                }
                wirelength += steps;
                dsu.find(a);
            }
            List<Integer> pins = net.pins();
            for (int i = 1; i < pins.size(); i++) {
                if (dsu.find(pins.get(i)) != dsu.find(pins.get(0))) {
                    throw new IllegalArgumentException("net " + net.name() + " is not connected: pin "
                            + describe(p, pins.get(i)) + " is not joined to pin " + describe(p, pins.get(0)));
                }
            }
        }
        if (!byNet.isEmpty()) {
            NetRoute extra = byNet.values().iterator().next();
            throw new IllegalArgumentException("net " + extra.net().name() + " " + extra.net().id()
                    + " is not in the problem");
        }
        long total = 0;
        int max = 0;
        for (int e = 0; e < demand.length; e++) {
            int o = Math.max(0, demand[e] - g.tracks(e));
            total += o;
            max = Math.max(max, o);
        }
        return new Score(total, max, wirelength, demand);
    }

    static String describe(Problem p, int node) {
        Grid g = p.grid();
        return "(" + p.centreX(g.nodeX(node)) + "," + p.centreY(g.nodeY(node)) + "," + (g.nodeLayer(node) + 1) + ")";
    }

    static String describe(Problem p, int a, int b) {
        return describe(p, a) + "-" + describe(p, b);
    }

    /** Union-find over node numbers, allocated sparsely. */
    private static final class Dsu {
        private final Map<Integer, Integer> parent = new HashMap<>();

        int find(int x) {
            int r = x;
            while (true) {
                Integer p = parent.get(r);
                if (p == null) {
                    parent.put(r, r);
                    break;
                }
                if (p == r) {
                    break;
                }
                r = p;
            }
            while (x != r) { // path compression
                int next = parent.get(x);
                parent.put(x, r);
                x = next;
            }
            return r;
        }

        void union(int a, int b) {
            int ra = find(a);
            int rb = find(b);
            if (ra != rb) {
                parent.put(ra, rb);
            }
        }
    }
}
