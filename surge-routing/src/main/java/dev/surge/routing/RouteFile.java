package dev.surge.routing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Route files as the ISPD 2008 evaluation reads them: per net {@code name id numSegments}, one line
 * {@code (x1,y1,l1)-(x2,y2,l2)} per segment in the pins' coordinates (tile centres, layers 1-based), then {@code !}.
 */
public final class RouteFile {
    private RouteFile() {
    }

    /** Writes the routes to {@code file} through a temporary file and a rename, so a failure leaves no half file. */
    public static void write(Problem p, List<NetRoute> routes, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                write(p, routes, w);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void write(Problem p, List<NetRoute> routes, Writer w) throws IOException {
        Grid g = p.grid();
        StringBuilder sb = new StringBuilder();
        for (NetRoute r : routes) {
            sb.setLength(0);
            sb.append(r.net().name()).append(' ').append(r.net().id()).append(' ').append(r.segments().size())
                    .append('\n');
            for (int[] s : r.segments()) {
                sb.append('(').append(p.centreX(g.nodeX(s[0]))).append(',').append(p.centreY(g.nodeY(s[0])))
                        .append(',').append(g.nodeLayer(s[0]) + 1).append(")-(").append(p.centreX(g.nodeX(s[1])))
                        .append(',').append(p.centreY(g.nodeY(s[1]))).append(',').append(g.nodeLayer(s[1]) + 1)
                        .append(")\n");
            }
            sb.append("!\n");
            w.write(sb.toString());
        }
    }

    /** Reads a route file for problem {@code p}; errors name {@code FILE:LINE}. */
    public static List<NetRoute> read(Problem p, Path file) throws IOException {
        Map<String, Net> nets = new HashMap<>();
        for (Net n : p.nets()) {
            nets.put(n.name() + " " + n.id(), n);
        }
        Grid g = p.grid();
        List<NetRoute> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] t = line.split("\\s+");
                String where = file + ":" + no + ": ";
                if (t.length != 3) {
                    throw new IllegalArgumentException(where + "expected 'name id numSegments'");
                }
                Net net = nets.get(t[0] + " " + t[1]);
                if (net == null) {
                    throw new IllegalArgumentException(where + "net " + t[0] + " " + t[1] + " is not in the problem");
                }
                int count;
                try {
                    count = Integer.parseInt(t[2]);
                } catch (NumberFormatException e) {
                    count = -1;
                }
                if (count < 0) {
                    throw new IllegalArgumentException(where + "numSegments is not a count: '" + t[2] + "'");
                }
                List<int[]> segs = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    String s = r.readLine();
                    no++;
                    if (s == null) {
                        throw new IllegalArgumentException(file + ":" + no + ": the file ends inside net " + t[0]);
                    }
                    segs.add(segment(p, g, s.strip(), file + ":" + no + ": "));
                }
                String bang = r.readLine();
                no++;
                if (bang == null || !bang.strip().equals("!")) {
                    throw new IllegalArgumentException(file + ":" + no + ": expected '!' after the " + count
                            + " segments of net " + t[0]);
                }
                out.add(new NetRoute(net, segs));
            }
        }
        return out;
    }

    private static int[] segment(Problem p, Grid g, String s, String where) {
        int dash = s.indexOf(")-(");
        if (dash < 0 || !s.startsWith("(") || !s.endsWith(")")) {
            throw new IllegalArgumentException(where + "expected '(x1,y1,l1)-(x2,y2,l2)', not '" + cut(s) + "'");
        }
        return new int[] {point(p, g, s.substring(1, dash), where), point(p, g, s.substring(dash + 3,
                s.length() - 1), where)};
    }

    private static int point(Problem p, Grid g, String s, String where) {
        String[] v = s.split(",");
        if (v.length != 3) {
            throw new IllegalArgumentException(where + "expected 'x,y,layer', not '" + cut(s) + "'");
        }
        long x;
        long y;
        long l;
        try {
            x = Long.parseLong(v[0].strip());
            y = Long.parseLong(v[1].strip());
            l = Long.parseLong(v[2].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "not integers: '" + cut(s) + "'");
        }
        long tx = Math.floorDiv(x - p.llx(), (long) p.tileW());
        long ty = Math.floorDiv(y - p.lly(), (long) p.tileH());
        if (tx < 0 || tx >= g.xs() || ty < 0 || ty >= g.ys() || l < 1 || l > g.layers()) {
            throw new IllegalArgumentException(where + "(" + x + "," + y + "," + l + ") lies outside the " + g.xs()
                    + " × " + g.ys() + " × " + g.layers() + " grid");
        }
        return g.node((int) tx, (int) ty, (int) l - 1);
    }

    private static String cut(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
