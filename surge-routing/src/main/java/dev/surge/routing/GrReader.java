package dev.surge.routing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code .gr} files (the ISPD 2007/2008 global-routing contest format; see
 * {@code ../shared/routing/README.md}). Every error is an {@link IllegalArgumentException} whose message starts with
 * {@code FILE:LINE:} and names what is wrong.
 */
public final class GrReader {
    /** Limits that keep a hostile file from allocating without bound. */
    static final int MAX_SIDE = 10_000;
    static final int MAX_LAYERS = 16;
    static final long MAX_NODES = 50_000_000L;
    static final int MAX_NETS = 5_000_000;
    static final int MAX_PINS = 100_000;

    private GrReader() {
    }

    public static Problem read(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.gr$", "");
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString(), name);
        }
    }

    public static Problem parse(String text, String name) {
        try {
            return read(new BufferedReader(new StringReader(text)), name, name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Problem read(Reader in, String where, String name) throws IOException {
        Lines l = new Lines(new BufferedReader(in), where);
        String[] t = l.next("the 'grid X Y L' line");
        l.expect(t.length == 4 && t[0].equals("grid"), "expected 'grid X Y L'");
        int xs = l.integer(t[1], "grid X", 2, MAX_SIDE);
        int ys = l.integer(t[2], "grid Y", 2, MAX_SIDE);
        int layers = l.integer(t[3], "grid L", 1, MAX_LAYERS);
        l.expect((long) xs * ys * layers <= MAX_NODES, "a grid of " + xs + " × " + ys + " × " + layers
                + " tiles is larger than " + MAX_NODES);
        int[] vcap = l.perLayer("vertical capacity", layers);
        int[] hcap = l.perLayer("horizontal capacity", layers);
        int[] width = l.perLayer("minimum width", layers);
        int[] spacing = l.perLayer("minimum spacing", layers);
        l.perLayer("via spacing", layers);
        t = l.next("the 'llx lly tileW tileH' line");
        l.expect(t.length == 4, "expected 'llx lly tileWidth tileHeight'");
        int llx = l.integer(t[0], "llx", Integer.MIN_VALUE / 4, Integer.MAX_VALUE / 4);
        int lly = l.integer(t[1], "lly", Integer.MIN_VALUE / 4, Integer.MAX_VALUE / 4);
        int tw = l.integer(t[2], "tile width", 1, Integer.MAX_VALUE / (2 * MAX_SIDE));
        int th = l.integer(t[3], "tile height", 1, Integer.MAX_VALUE / (2 * MAX_SIDE));
        boolean[] hor = new boolean[layers];
        boolean[] ver = new boolean[layers];
        int[] pitch = new int[layers];
        for (int k = 0; k < layers; k++) {
            hor[k] = hcap[k] > 0;
            ver[k] = vcap[k] > 0;
            pitch[k] = width[k] + spacing[k];
            l.expect(pitch[k] > 0 || !(hor[k] || ver[k]), "layer " + (k + 1)
                    + " has capacity but minimum width + spacing 0");
        }
        Grid probe = new Grid(xs, ys, layers, hor, ver, new int[layers * (ys * (xs - 1) + (ys - 1) * xs)]);
        int[] tracks = new int[probe.edgeCount()];
        for (int k = 0; k < layers; k++) {
            for (int y = 0; y < ys; y++) {
                for (int x = 0; x + 1 < xs; x++) {
                    tracks[probe.horizontalEdge(x, y, k)] = hor[k] ? hcap[k] / pitch[k] : 0;
                }
            }
            for (int y = 0; y + 1 < ys; y++) {
                for (int x = 0; x < xs; x++) {
                    tracks[probe.verticalEdge(x, y, k)] = ver[k] ? vcap[k] / pitch[k] : 0;
                }
            }
        }
        t = l.next("the 'num net N' line");
        l.expect(t.length == 3 && t[0].equals("num") && t[1].equals("net"), "expected 'num net N'");
        int count = l.integer(t[2], "num net", 0, MAX_NETS);
        List<Net> nets = new ArrayList<>(Math.min(count, 1 << 16));
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            t = l.next("net " + (i + 1) + " of " + count);
            l.expect(t.length == 4, "expected 'name id numPins minWidth' for net " + (i + 1));
            String netName = t[0];
            String netId = t[1];
            int pins = l.integer(t[2], "numPins of net " + netName, 1, MAX_PINS);
            l.expect(ids.add(netName + " " + t[1]), "net " + netName + " " + t[1] + " appears twice");
            Set<Integer> nodes = new LinkedHashSet<>();
            for (int p = 0; p < pins; p++) {
                t = l.next("pin " + (p + 1) + " of net " + netName);
                l.expect(t.length == 3, "expected 'px py layer' for pin " + (p + 1) + " of net " + netName);
                long px = l.longValue(t[0], "pin x");
                long py = l.longValue(t[1], "pin y");
                int layer = l.integer(t[2], "pin layer", Integer.MIN_VALUE, Integer.MAX_VALUE);
                long tx = Math.floorDiv(px - llx, (long) tw);
                long ty = Math.floorDiv(py - lly, (long) th);
                l.expect(tx >= 0 && tx < xs && ty >= 0 && ty < ys && layer >= 1 && layer <= layers, "pin (" + px
                        + ", " + py + ", layer " + layer + ") of net " + netName + " lies outside the " + xs + " × "
                        + ys + " × " + layers + " grid");
                nodes.add(probe.node((int) tx, (int) ty, layer - 1));
            }
            nets.add(new Net(netName, netId, List.copyOf(nodes)));
        }
        t = l.nextOrNull();
        if (t != null) {
            l.expect(t.length == 1, "expected the number of capacity adjustments");
            int k = l.integer(t[0], "capacity adjustments", 0, Integer.MAX_VALUE);
            for (int i = 0; i < k; i++) {
                t = l.next("capacity adjustment " + (i + 1) + " of " + k);
                l.expect(t.length == 7, "expected 'x1 y1 l1 x2 y2 l2 capacity'");
                int x1 = l.integer(t[0], "x1", 0, xs - 1);
                int y1 = l.integer(t[1], "y1", 0, ys - 1);
                int l1 = l.integer(t[2], "l1", 1, layers);
                int x2 = l.integer(t[3], "x2", 0, xs - 1);
                int y2 = l.integer(t[4], "y2", 0, ys - 1);
                int l2 = l.integer(t[5], "l2", 1, layers);
                int cap = l.integer(t[6], "capacity", 0, Integer.MAX_VALUE);
                int e = probe.edgeBetween(probe.node(x1, y1, l1 - 1), probe.node(x2, y2, l2 - 1));
                l.expect(e >= 0, "(" + x1 + "," + y1 + "," + l1 + ")-(" + x2 + "," + y2 + "," + l2
                        + ") is not an edge between neighbouring tiles of one layer");
                int pitchK = pitch[l1 - 1];
                tracks[e] = pitchK > 0 ? cap / pitchK : 0;
            }
            l.expect(l.nextOrNull() == null, "unexpected text after the capacity adjustments");
        }
        return new Problem(name, new Grid(xs, ys, layers, hor, ver, tracks), nets, llx, lly, tw, th);
    }

    /** Non-blank lines split on white space, with their numbers for messages. */
    private static final class Lines {
        private final BufferedReader in;
        private final String where;
        private int number;

        Lines(BufferedReader in, String where) {
            this.in = in;
            this.where = where;
        }

        String[] nextOrNull() throws IOException {
            String s;
            while ((s = in.readLine()) != null) {
                number++;
                if (s.length() > 100_000) {
                    throw new IllegalArgumentException(where + ":" + number + ": line longer than 100000 characters");
                }
                s = s.strip();
                if (!s.isEmpty()) {
                    return s.split("\\s+");
                }
            }
            return null;
        }

        String[] next(String what) throws IOException {
            String[] t = nextOrNull();
            if (t == null) {
                throw new IllegalArgumentException(where + ":" + (number + 1) + ": the file ends before " + what);
            }
            return t;
        }

        void expect(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(where + ":" + number + ": " + message);
            }
        }

        int integer(String s, String what, int min, int max) {
            long v = longValue(s, what);
            expect(v >= min && v <= max, what + " must be in [" + min + ", " + max + "], not " + s);
            return (int) v;
        }

        long longValue(String s, String what) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ":" + number + ": " + what + " is not an integer: '"
                        + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'");
            }
        }

        int[] perLayer(String label, int layers) throws IOException {
            String[] t = next("the '" + label + "' line");
            String[] words = label.split(" ");
            expect(t.length == words.length + layers && t[0].equals(words[0]) && t[1].equals(words[1]),
                    "expected '" + label + "' and " + layers + " values");
            int[] v = new int[layers];
            for (int k = 0; k < layers; k++) {
                v[k] = integer(t[words.length + k], label, 0, Integer.MAX_VALUE);
            }
            return v;
        }
    }
}
