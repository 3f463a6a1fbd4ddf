package dev.surge.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader, the evaluator on hand-computed cases, route files round-tripped, and both routers. */
class RoutingTest {
    /** 3 × 2 tiles of 10, layer 1 horizontal (2 tracks), layer 2 vertical (1 track); the edge (0,0)-(1,0) on layer 1 cut to 1. */
    static final String SMALL = """
            grid 3 2 2
            vertical capacity 0 1
            horizontal capacity 2 0
            minimum width 1 1
            minimum spacing 0 0
            via spacing 0 0
            0 0 10 10
            num net 2
            A 0 2 1
            5 5 1
            25 5 1
            B 1 2 1
            5 5 1
            25 15 1
            1
            0 0 1   1 0 1   1
            """;

    @Test
    void readsTheGridNetsAndAdjustments() {
        Problem p = GrReader.parse(SMALL, "small");
        Grid g = p.grid();
        assertEquals(3, g.xs());
        assertEquals(2, g.layers());
        assertTrue(g.horizontal(0) && !g.vertical(0) && g.vertical(1) && !g.horizontal(1));
        assertEquals(1, g.tracks(g.horizontalEdge(0, 0, 0)), "adjusted");
        assertEquals(2, g.tracks(g.horizontalEdge(1, 0, 0)));
        assertEquals(1, g.tracks(g.verticalEdge(2, 0, 1)));
        assertEquals(List.of(g.node(0, 0, 0), g.node(2, 1, 0)), p.nets().get(1).pins());
    }

    @Test
    void scoresHandComputedRoutes() {
        Problem p = GrReader.parse(SMALL, "small");
        Grid g = p.grid();
        Net a = p.nets().get(0);
        Net b = p.nets().get(1);
        // A: (0,0,1)-(2,0,1): 2 edges. B: (0,0,1)-(2,0,1), via up, (2,0,2)-(2,1,2), via down: 2 + 1 + 1 + 1 = 5
        List<NetRoute> routes = List.of(
                new NetRoute(a, List.<int[]>of(new int[] {g.node(0, 0, 0), g.node(2, 0, 0)})),
                new NetRoute(b, List.of(new int[] {g.node(0, 0, 0), g.node(2, 0, 0)},
                        new int[] {g.node(2, 0, 0), g.node(2, 0, 1)}, new int[] {g.node(2, 0, 1), g.node(2, 1, 1)},
                        new int[] {g.node(2, 1, 1), g.node(2, 1, 0)})));
        Score s = Evaluator.score(p, routes);
        assertEquals(7, s.wirelength());
        // edge (0,0)-(1,0) carries 2 nets on 1 track: overflow 1; (1,0)-(2,0) 2 on 2: 0
        assertEquals(1, s.totalOverflow());
        assertEquals(1, s.maxOverflow());
        // B without its last via is not connected
        NetRoute cut = new NetRoute(b, routes.get(1).segments().subList(0, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.score(p, List.of(routes.get(0), cut)));
        assertTrue(e.getMessage().contains("net B is not connected"), e.getMessage());
        // a diagonal segment
        NetRoute diag = new NetRoute(a, List.<int[]>of(new int[] {g.node(0, 0, 0), g.node(2, 1, 0)}));
        assertThrows(IllegalArgumentException.class, () -> Evaluator.score(p, List.of(diag, routes.get(1))));
    }

    @Test
    void malformedFilesNameTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrReader.parse(SMALL.replace("25 15 1", "95 15 1"), "bad"));
        assertTrue(e.getMessage().startsWith("bad:14: pin (95, 15, layer 1) of net B lies outside"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrReader.parse("grid 3 x 2\n", "bad"));
        assertTrue(e.getMessage().startsWith("bad:1: grid Y is not an integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrReader.parse(SMALL.substring(0, 120), "bad"));
        assertTrue(e.getMessage().contains("the file ends before"), e.getMessage());
    }

    @Test
    void routersConnectEveryNetAndNegotiationRemovesOverflow(@TempDir Path dir) throws Exception {
        // the first ten problems of ../shared/routing/hard-8x8-cap5, copied into the test resources
        Path set = Path.of(RoutingTest.class.getResource("/hard-8x8-cap5/test_benchmark_1.gr").toURI()).getParent();
        long astar = 0;
        long negotiated = 0;
        for (int k = 1; k <= 10; k++) {
            Problem p = GrReader.read(set.resolve("test_benchmark_" + k + ".gr"));
            Score a = Evaluator.score(p, new AStarRouter().route(p));
            List<NetRoute> nr = new NegotiatedRouter().route(p);
            Score n = Evaluator.score(p, nr);
            astar += a.totalOverflow();
            negotiated += n.totalOverflow();
            assertTrue(n.totalOverflow() <= a.totalOverflow(), "problem " + k);
            Path f = dir.resolve(k + ".route");
            RouteFile.write(p, nr, f);
            Score back = Evaluator.score(p, RouteFile.read(p, f));
            assertEquals(n.totalOverflow(), back.totalOverflow());
            assertEquals(n.wirelength(), back.wirelength());
        }
        assertTrue(astar > 0, "the first ten hard problems overflow under A*");
        assertEquals(0, negotiated);
    }
}
