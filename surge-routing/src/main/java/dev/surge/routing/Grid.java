package dev.surge.routing;

/**
 * A routing grid: {@code xs × ys} tiles on {@code layers} layers. Each layer routes in the directions whose base
 * capacity is positive; an edge between neighbouring tiles of a layer has a number of tracks
 * ({@code capacity / (minimum width + minimum spacing)}, after the problem's adjustments). Vias join the same tile on
 * adjacent layers and have no capacity limit (the ISPD 2008 evaluation does not count them as demand).
 *
 * <p>Nodes are numbered {@code (l·ys + y)·xs + x}; planar edges are numbered per layer, the horizontal ones
 * {@code (x,y)–(x+1,y)} first, then the vertical ones {@code (x,y)–(x,y+1)}.
 */
public final class Grid {
    private final int xs;
    private final int ys;
    private final int layers;
    private final boolean[] horizontal;
    private final boolean[] vertical;
    private final int[] tracks;

    Grid(int xs, int ys, int layers, boolean[] horizontal, boolean[] vertical, int[] tracks) {
        this.xs = xs;
        this.ys = ys;
        this.layers = layers;
        this.horizontal = horizontal.clone();
        this.vertical = vertical.clone();
        this.tracks = tracks;
        if (tracks.length != edgeCount()) {
            throw new IllegalArgumentException("tracks for " + tracks.length + " edges, the grid has " + edgeCount());
        }
    }

    public int xs() {
        return xs;
    }

    public int ys() {
        return ys;
    }

    public int layers() {
        return layers;
    }

    /** Whether layer l (0-based) routes horizontally. */
    public boolean horizontal(int l) {
        return horizontal[l];
    }

    /** Whether layer l (0-based) routes vertically. */
    public boolean vertical(int l) {
        return vertical[l];
    }

    public int nodeCount() {
        return xs * ys * layers;
    }

    public int node(int x, int y, int l) {
        return (l * ys + y) * xs + x;
    }

    public int nodeX(int n) {
        return n % xs;
    }

    public int nodeY(int n) {
        return (n / xs) % ys;
    }

    public int nodeLayer(int n) {
        return n / (xs * ys);
    }

    private int perLayer() {
        return ys * (xs - 1) + (ys - 1) * xs;
    }

    public int edgeCount() {
        return layers * perLayer();
    }

    /** The planar edge (x,y,l)–(x+1,y,l). */
    public int horizontalEdge(int x, int y, int l) {
        return l * perLayer() + y * (xs - 1) + x;
    }

    /** The planar edge (x,y,l)–(x,y+1,l). */
    public int verticalEdge(int x, int y, int l) {
        return l * perLayer() + ys * (xs - 1) + y * xs + x;
    }

    /** The planar edge between two neighbouring nodes of one layer, or −1 when they are not neighbours. */
    public int edgeBetween(int a, int b) {
        int la = nodeLayer(a);
        if (la != nodeLayer(b)) {
            return -1;
        }
        int xa = nodeX(a);
        int ya = nodeY(a);
        int xb = nodeX(b);
        int yb = nodeY(b);
        if (ya == yb && Math.abs(xa - xb) == 1) {
            return horizontalEdge(Math.min(xa, xb), ya, la);
        }
        if (xa == xb && Math.abs(ya - yb) == 1) {
            return verticalEdge(xa, Math.min(ya, yb), la);
        }
        return -1;
    }

    /** Tracks of planar edge e. */
    public int tracks(int e) {
        return tracks[e];
    }

    /** A copy of every edge's tracks. */
    public int[] tracks() {
        return tracks.clone();
    }
}
