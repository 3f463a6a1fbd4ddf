package dev.surge.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM running the {@code surge} command with this JVM's options and class path and a heap of its own:
 * {@code surge train} and {@code surge bench} size the heap from the memory estimate, since a JVM's default heap (a
 * quarter of the machine's memory) lets the collector run late and grows the process far beyond what a step keeps
 * live. The child exits when its parent dies (even of {@code kill -9}), and the parent destroys the child when it is
 * asked to stop.
 */
final class ChildJvm {
    /** System property that marks a child JVM (it never forks again). */
    static final String CHILD_PROPERTY = "surge.child";

    private ChildJvm() {
    }

    /** Whether this JVM is such a child. */
    static boolean isChild() {
        return Boolean.getBoolean(CHILD_PROPERTY);
    }

    /** Whether this JVM's options already set its heap; then children get those options as they are. */
    static boolean heapSetByUser() {
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a minimum heap (-Xms) above a child's -Xmx would stop the child from starting
            if (a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize") || a.startsWith("-XX:MaxRAM")
                    || a.startsWith("-Xms") || a.startsWith("-XX:InitialHeapSize")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The command line of a child running {@code surge args...}: this JVM's binary and options (less debugger
     * agents, whose fixed port would make the child fail), {@code -Xmx} when {@code heapBytes > 0}, the class path
     * and the main class.
     */
    static List<String> command(long heapBytes, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:") && !a.startsWith("-agentpath:") && !a.startsWith("-D" + CHILD_PROPERTY)) {
                cmd.add(a);
            }
        }
        if (heapBytes > 0) {
            cmd.add("-Xmx" + (heapBytes >> 20) + "m");
        }
        cmd.add("-D" + CHILD_PROPERTY + "=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** A process builder for {@code cmd} that does not pass JDK_JAVA_OPTIONS twice. */
    static ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JDK_JAVA_OPTIONS"); // already among the input arguments copied above
        return pb;
    }

    /**
     * Runs {@code cmd} with this process's standard streams and returns its exit status; a shutdown of this JVM
     * (SIGTERM, SIGINT) destroys the child first.
     */
    static int runInherited(List<String> cmd) throws java.io.IOException, InterruptedException {
        Process p = builder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        Thread errors = new Thread(() -> copyErrors(p.getErrorStream()), "surge-child-stderr");
        errors.setDaemon(true);
        errors.start();
        Thread stop = new Thread(() -> {
            p.destroy();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "surge-child-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        int rc = p.waitFor();
        errors.join(10_000);
        try {
            Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        return rc;
    }

    /**
     * Copies the child's standard error to ours as it comes (progress bars redraw within a line), less the JVM's
     * notice of the incubator module at start-up, which this JVM has already printed.
     */
    static void copyErrors(java.io.InputStream in) {
        byte[] notice = "WARNING: Using incubator modules: jdk.incubator.vector".getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        try (in) {
            byte[] head = in.readNBytes(notice.length);
            if (java.util.Arrays.equals(head, notice)) {
                int c = in.read();
                if (c != '\n' && c >= 0) {
                    System.err.write(c);
                }
            } else {
                System.err.write(head);
            }
            System.err.flush();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                System.err.write(buf, 0, n);
                System.err.flush();
            }
        } catch (java.io.IOException e) {
            // the child is gone; its exit status tells the rest
        }
    }

    /** In a child: exit (status 143, as for SIGTERM) as soon as the parent process is gone. */
    static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime()
                .halt(143)));
    }
}
