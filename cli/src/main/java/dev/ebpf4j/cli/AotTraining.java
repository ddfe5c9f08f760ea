package dev.ebpf4j.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The training run behind the {@code ./ebpf4j} launcher's JDK AOT cache ({@code -XX:AOTCacheOutput}, JEP 483/514/515):
 * the launcher runs it once per build and starts every later command with {@code -XX:AOTCache}, so that the classes
 * these paths use (picocli's model, the FFM linker's, the loader's, the BTF parser's) come loaded and linked from
 * the cache, with the method profiles this run gathered. It runs a few listing commands, and {@code execsnoop} until
 * it prints its first event (the start-up that benchmark pair 7 measures); without privileges those commands fail
 * early, which still trains the parsing of the tool object and of the kernel's BTF. All output is discarded.
 *
 * <pre>{@code
 * java -XX:AOTCacheOutput=cli/target/ebpf4j-cli.aot -cp cli/target/ebpf4j-cli.jar dev.ebpf4j.cli.AotTraining
 * }</pre>
 */
public final class AotTraining {
    private static final long EXECSNOOP_SECONDS = 10;
    private static final List<String> EXEC_TRIGGERS = List.of("/bin/true", "/usr/bin/true");

    private AotTraining() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        for (String[] command : List.of(
                new String[] {"version"},
                new String[] {"help"},
                new String[] {"map", "list"},
                new String[] {"-j", "prog", "list"},
                new String[] {"link", "list"},
                new String[] {"btf", "list"},
                new String[] {"feature", "list_builtins", "prog_types"})) {
            Main.run(command, new ByteArrayInputStream(new byte[0]), nowhere, nowhere);
        }
        execsnoopUntilTheFirstEvent(nowhere);
        System.exit(0);
    }

    /**
     * Runs execsnoop on a thread, starting a process every 20 ms until it has printed one event or failed, and says
     * on stderr (the launcher's .ebpf4j-aot.log) how it went.
     */
    private static void execsnoopUntilTheFirstEvent(PrintStream err) throws InterruptedException {
        ClosesAfterLines sink = new ClosesAfterLines(2);  // the header, then one event
        PrintStream out = new PrintStream(sink, true);
        int[] status = {-1};
        Thread tool = new Thread(() -> status[0] = Main.run(new String[] {"execsnoop"},
                new ByteArrayInputStream(new byte[0]), out, err), "aot-training-execsnoop");
        tool.setDaemon(true);
        tool.start();
        String trigger = EXEC_TRIGGERS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXECSNOOP_SECONDS);
        while (tool.isAlive() && System.nanoTime() < deadline) {
            tool.join(20);
            if (trigger != null && tool.isAlive()) {
                try {
                    new ProcessBuilder(trigger).start().waitFor();
                } catch (IOException e) {
                    trigger = null;
                }
            }
        }
        System.err.println(sink.closed() ? "training: execsnoop delivered an event"
                : tool.isAlive() ? "training: execsnoop saw no event in " + EXECSNOOP_SECONDS + " s"
                : "training: execsnoop ended with status " + status[0] + " before an event (no privileges?)");
    }

    /** Standard output that fails, as a closed pipe does, once it has seen {@code lines} line ends. */
    private static final class ClosesAfterLines extends OutputStream {
        private volatile int remaining;

        ClosesAfterLines(int lines) {
            this.remaining = lines;
        }

        @Override
        public void write(int b) throws IOException {
            if (remaining <= 0) throw new IOException("closed: the training run has seen its event");
            if (b == '\n') remaining--;
        }

        boolean closed() {
            return remaining <= 0;
        }

        @Override
        public void flush() throws IOException {
            if (remaining <= 0) throw new IOException("closed: the training run has seen its event");
        }
    }
}
