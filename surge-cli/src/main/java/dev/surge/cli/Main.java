package dev.surge.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code surge} command. */
@Command(name = "surge", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train spiking neural networks with surrogate gradients.",
        subcommands = {TrainCommand.class, EvalCommand.class, GoldenCommand.class, BenchCommand.class,
                EstimatorsCommand.class, CurvesCommand.class, DiagnoseCommand.class, AdjointCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * True when the command runs as its own process ({@link #main}) rather than inside a caller's JVM (tests, or
     * Java code calling {@link #run}): only then may {@code surge train} move to a child JVM with a sized heap.
     */
    static volatile boolean standalone;

    public static void main(String[] args) {
        standalone = true;
        if (ChildJvm.isChild()) {
            ChildJvm.exitWithParent();
        }
        int code;
        try {
            code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        } catch (OutOfMemoryError e) {
            // the memory estimate before training covers the step, not everything (plots, large data sets)
            System.err.println(outOfMemory(e));
            code = 1;
        }
        System.exit(code);
    }

    static String outOfMemory(OutOfMemoryError e) {
        return "surge: out of memory (" + e.getMessage() + ", Java may use " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB); give Java more memory, e.g. SURGE_JAVA_OPTS=-Xmx"
                + Math.max(1, 2 * (Runtime.getRuntime().maxMemory() >> 30) + 1) + "g";
    }

    /** Runs the command line with the given output streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // A user's mistake or an environment problem gets one line, never a stack trace,
            // unless SURGE_DEBUG is set.
            if (System.getenv("SURGE_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            for (Throwable c = ex; c != null; c = c.getCause()) {
                if (c instanceof OutOfMemoryError oom) { // e.g. thrown in a training worker thread and wrapped
                    err.println(outOfMemory(oom));
                    return 1;
                }
            }
            err.println("surge " + cmd.getCommandName() + ": " + message(ex));
            // bad options, bad or missing input files: 2; anything else (a bug, the machine): 1
            return ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof java.io.UncheckedIOException ? 2 : 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("surge: " + ex.getMessage());
            err.println("Try 'surge " + (ex.getCommandLine().getCommandName().equals("surge") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return 2;
        });
        return cl.execute(args);
    }

    /**
     * One line for a failure: file-system errors name the file and what went wrong (the JDK's own messages are often
     * the bare path), other exceptions give their message.
     */
    static String message(Throwable ex) {
        if (ex instanceof java.nio.file.AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (ex instanceof java.nio.file.NoSuchFileException e) {
            return e.getFile() + ": no such file or directory";
        }
        if (ex instanceof java.nio.file.FileAlreadyExistsException e) {
            return e.getFile() + ": already exists";
        }
        if (ex instanceof java.nio.file.FileSystemException e) {
            return e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "file system error");
        }
        if (ex instanceof java.io.UncheckedIOException e && e.getCause() != null) {
            return message(e.getCause());
        }
        return ex.getMessage() != null ? ex.getMessage() : ex.toString();
    }

    /** Version from the jar manifest, or "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"surge " + (v != null ? v : "dev"), "Java " + System.getProperty("java.version"),
                    "BLAS " + dev.surge.core.tensor.Blas.get().name()};
        }
    }
}
