package dev.surge.cli;

import dev.surge.core.nn.Backend;
import dev.surge.io.golden.GoldenCase;
import dev.surge.io.golden.GoldenFormatException;
import dev.surge.io.golden.GoldenReader;
import dev.surge.io.golden.GoldenRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code surge golden FILE...}: evaluates reference gradient cases (shared/golden/FORMAT.md) through the public
 * API. One line per case, {@code PASS name} or {@code FAIL name: what differs, by how much}, then
 * {@code N passed, M failed}. Exit code 0 only if every case passes; 1 if a case fails; 2 if a file is malformed
 * or unsupported (one line naming the file and field; the other files are still evaluated).
 */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Check reference gradient cases (loss, spike counts, gradients, optimizer runs).",
        footer = {"", "Exit status: 0 all passed, 1 some case failed, 2 a file was malformed or unsupported."})
final class GoldenCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Case files (.json) or directories of them.")
    List<Path> files;

    @Option(names = "--backend", defaultValue = "both",
            description = "fused, composed or both (default: ${DEFAULT-VALUE}).")
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Backend> backends;
        try {
            backends = backend.equals("both") ? List.of(Backend.FUSED, Backend.COMPOSED) : List.of(Backend.parse(backend));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--backend must be fused, composed or both, not '" + backend + "'");
        }
        int passed = 0;
        int failed = 0;
        int malformed = 0;
        List<Path> found = expand(files, err);
        if (found.isEmpty()) {
            err.println("ERROR " + files.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "))
                    + ": no .json case files");
            out.println("0 passed, 0 failed, no case files");
            return 2;
        }
        for (Path f : found) {
            List<GoldenCase> cases;
            try {
                cases = GoldenReader.read(f);
            } catch (GoldenFormatException e) {
                err.println("ERROR " + e.getMessage());
                malformed++;
                continue;
            }
            for (GoldenCase c : cases) {
                List<String> problems = new ArrayList<>();
                try {
                    for (Backend b : backends) {
                        GoldenRunner.Result r = GoldenRunner.evaluate(c, b);
                        for (String p : r.failures()) {
                            problems.add((backends.size() > 1 ? b.name().toLowerCase() + ": " : "") + p);
                        }
                    }
                } catch (RuntimeException e) {
                    err.println("ERROR " + f + ": case '" + c.name() + "' is not supported: " + e.getMessage());
                    malformed++;
                    continue;
                }
                if (problems.isEmpty()) {
                    out.println("PASS " + c.name());
                    passed++;
                } else {
                    out.println("FAIL " + c.name() + ": " + String.join("; ", problems));
                    failed++;
                }
            }
        }
        out.println(passed + " passed, " + failed + " failed" + (malformed > 0 ? ", " + malformed
                + " malformed or unsupported" : ""));
        out.flush();
        err.flush();
        return malformed > 0 ? 2 : (failed > 0 ? 1 : 0);
    }

    /** Files as given, directories replaced by their .json files in name order; missing paths reported. */
    private static List<Path> expand(List<Path> given, PrintWriter err) {
        List<Path> r = new ArrayList<>();
        for (Path p : given) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(x -> x.toString().endsWith(".json") && Files.isRegularFile(x)).sorted().forEach(r::add);
                } catch (IOException e) {
                    err.println("ERROR " + p + ": cannot list directory: " + e.getMessage());
                }
            } else {
                r.add(p);
            }
        }
        return r;
    }
}
