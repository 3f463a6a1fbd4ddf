package dev.surge.io.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.core.nn.Backend;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reference case from {@code shared/golden/cases} (copied into the test resources) reproduces within
 * FORMAT.md's tolerances, on the fused kernels and on the composed reference path, with the batch in one piece and
 * split over two threads as the trainer splits it. The surefire executions repeat this with the Java GEMM and with
 * every spike product forced dense, then event-driven. Stochastic cases check the exact expected loss and gradient
 * (enumeration over every spike pattern), which does not depend on the backend or the split.
 */
class GoldenCasesTest {

    static Path dir() throws URISyntaxException {
        return Path.of(GoldenCasesTest.class.getResource("/golden").toURI());
    }

    static List<Path> files() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        return files().stream().flatMap(f -> Stream.of(Backend.values()).flatMap(b -> Stream.of(1, 2)
                .map(threads -> Arguments.of(f.getFileName().toString(), b, threads))));
    }

    @Test
    void blasBackendIsTheOneRequested() {
        String want = System.getProperty("surge.blas", "auto");
        String got = dev.surge.core.tensor.Blas.get().name();
        if (!want.equals("auto")) {
            assertEquals(want, got, "surge.blas=" + want + " must select that backend");
        }
        System.out.println("golden cases run with BLAS backend " + got + ", spike products "
                + dev.surge.core.tensor.Kernels.products());
    }

    @Test
    void allThirtyFivePublicCasesArePresent() throws Exception {
        assertEquals(35, files().size(), "expected the 35 public cases in the test resources");
        assertEquals(5, files().stream().filter(f -> f.getFileName().toString().startsWith("stochastic_")).count(),
                "expected the 5 stochastic cases");
    }

    @ParameterizedTest(name = "{0} [{1}, {2} threads]")
    @MethodSource("cases")
    void caseReproducesReference(String file, Backend backend, int threads) throws Exception {
        List<GoldenCase> cs = GoldenReader.read(dir().resolve(file));
        for (GoldenCase c : cs) {
            GoldenRunner.Result r = GoldenRunner.evaluate(c, backend, threads);
            assertTrue(r.passed(), r.line());
        }
    }
}
