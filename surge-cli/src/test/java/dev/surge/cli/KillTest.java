package dev.surge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kill test ({@code scripts/kill_test.sh}): {@code surge train} killed with {@code kill -9} at random moments 25
 * times, before its first checkpoint too, and resumed each time, ends with the weights of an uninterrupted run bit
 * for bit. Minutes long, so only with {@code mvn -B verify -Pkill}.
 */
@Tag("kill")
class KillTest {
    @Test
    void aRunKilledAtRandomMomentsAndResumedEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        Path script = Path.of("..", "scripts", "kill_test.sh").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), Integer.getInteger("surge.kills", 25)
                .toString(), Long.getLong("surge.killSeed", 1L).toString()).redirectErrorStream(true);
        pb.environment().put("SURGE_CP", System.getProperty("java.class.path"));
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.MINUTES), "the kill test did not finish in 30 minutes");
        System.out.print(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("kill test: 1 passed, 0 failed"), out);
    }
}
