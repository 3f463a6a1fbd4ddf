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
 * FORMAT.md's tolerances, on the fused kernels and on the composed reference path.
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
        return files().stream().flatMap(f -> Stream.of(Backend.values()).map(b -> Arguments.of(f.getFileName().toString(), b)));
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
    void allThirtyPublicCasesArePresent() throws Exception {
        assertEquals(30, files().size(), "expected the 30 public cases in the test resources");
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("cases")
    void caseReproducesReference(String file, Backend backend) throws Exception {
        List<GoldenCase> cs = GoldenReader.read(dir().resolve(file));
        for (GoldenCase c : cs) {
            GoldenRunner.Result r = GoldenRunner.evaluate(c, backend);
            assertTrue(r.passed(), r.line());
        }
    }
}
