package dev.surge.routing;

import java.util.List;

/**
 * A global-routing problem: the grid, the nets, and the coordinate system of the file (a pin at {@code (px, py)}
 * lies in tile {@code ((px − llx)/tileW, (py − lly)/tileH)}; route files use tile centres).
 */
public record Problem(String name, Grid grid, List<Net> nets, int llx, int lly, int tileW, int tileH) {
    public Problem {
        nets = List.copyOf(nets);
    }

    /** The x coordinate of tile column x's centre in the file's units. */
    public int centreX(int x) {
        return llx + tileW * x + tileW / 2;
    }

    public int centreY(int y) {
        return lly + tileH * y + tileH / 2;
    }
}
