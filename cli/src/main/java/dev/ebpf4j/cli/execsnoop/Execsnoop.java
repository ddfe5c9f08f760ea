package dev.ebpf4j.cli.execsnoop;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.cli.tools.CgroupDirectory;
import dev.ebpf4j.cli.tools.ToolObjects;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.ringbuf.RingBufferReader;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ebpf4j execsnoop}: traces execve() system-wide and prints one line per exec, as libbpf-tools' execsnoop.
 * Loads {@code execsnoop.bpf.o} from the CLI jar with the options as {@code .rodata} constants, attaches its two
 * syscall tracepoints, prints the header and then each event from the ring buffer, flushed line by line. Runs until
 * SIGINT or SIGTERM (a shutdown hook stops the loop, which detaches and closes everything) or until standard output
 * is closed (exit status 0, as the C tool).
 *
 * <p>Start-up: the programs read the parent pid through one CO-RE relocation ({@code task_struct} is not ABI), which
 * needs the kernel's BTF; it is parsed on a second thread while the object is read and its maps created.
 *
 * <pre>{@code
 * int status = Execsnoop.run(ExecsnoopOptions.parse(List.of("-t")), System.out, err);
 * }</pre>
 */
public final class Execsnoop {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long STOP_WAIT_SECONDS = 5;

    private Execsnoop() {
    }

    /** Runs until stopped; returns the exit status (0). Failures are thrown as typed exceptions. */
    public static int run(ExecsnoopOptions options, PrintStream out, PrintWriter err) throws IOException {
        if (options.help()) {
            out.print(ExecsnoopOptions.USAGE);
            out.flush();
            return 0;
        }
        ToolObjects.prefetchKernelBtf("task_struct");
        ObjectSpec spec = ToolObjects.read("execsnoop")
                .withVariable("filter_uid", options.uid() < 0 ? 0xffff_ffffL : options.uid())
                .withVariable("include_failed", options.fails())
                .withVariable("max_args", options.maxArgs())
                .withVariable("filter_cgroup", options.cgroup() != null);
        Stopper stopper = new Stopper();
        try (BpfObject obj = BpfObject.load(spec)) {
            if (options.verbose()) obj.notes().forEach(n -> err.println("note: " + n));
            if (options.cgroup() != null) {
                try (Fd cg = CgroupDirectory.open(Path.of(options.cgroup()), "execsnoop -c")) {
                    obj.map("cgroups").update(u32(0), u32(cg.get()));
                }
            }
            long start = System.nanoTime();
            obj.attachAll();
            ExecEventPrinter printer = new ExecEventPrinter(options, out, start);
            printer.printHeader();
            try (RingBufferReader reader = RingBufferReader.open(obj.map("events"), r -> {
                try {
                    printer.print(r);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            })) {
                stopper.armInBackground(reader);
                while (!out.checkError() && !stopper.stopping()) {
                    try {
                        reader.poll(POLL);
                    } catch (ClosedException e) {
                        break;
                    }
                }
            }
        } finally {
            out.flush();
            stopper.finished();
        }
        return 0;
    }

    /**
     * Stops the poll loop on SIGINT and SIGTERM, as the C tool does (its handler also overrides an inherited
     * "ignore", as for background jobs of a non-interactive shell): the handler closes the reader, which wakes a
     * blocked poll; the loop ends and closes the object (links detached, programs and maps closed) and the command
     * exits with status 0. Other ways the JVM shuts down (SIGHUP, System.exit) run a shutdown hook that does the same
     * and waits for the loop to finish closing.
     */
    private static final class Stopper {
        private static final String[] SIGNALS = {"INT", "TERM"};
        private final CountDownLatch finished = new CountDownLatch(1);
        private final List<Signal> installed = new ArrayList<>();
        private final List<SignalHandler> previous = new ArrayList<>();
        private volatile boolean stopping;
        private volatile RingBufferReader reader;
        private Thread hook;
        private Thread arming;

        void arm(RingBufferReader r) {
            reader = r;
            for (String name : SIGNALS) {
                try {
                    Signal signal = new Signal(name);
                    SignalHandler old = Signal.handle(signal, s -> stop());
                    if (old == SignalHandler.SIG_IGN) {
                        // ignored since start-up (a background job): the JVM left it alone; take it over as C does
                        Libc.restoreDefaultSignal(signal.getNumber());
                        Signal.handle(signal, s -> stop());
                    }
                    previous.add(old);
                    installed.add(signal);
                } catch (IllegalArgumentException e) {
                    // the JVM reserves it (e.g. with -Xrs): the shutdown hook covers it
                }
            }
            hook = new Thread(() -> {
                stop();
                try {
                    finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ebpf4j-execsnoop-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** Installs the handlers on another thread, so that polling starts at once (they take tens of ms cold). */
        void armInBackground(RingBufferReader r) {
            arming = new Thread(() -> arm(r), "ebpf4j-execsnoop-signals");
            arming.setDaemon(true);
            arming.start();
        }

        private void stop() {
            stopping = true;
            RingBufferReader r = reader;
            if (r != null) r.close();
        }

        boolean stopping() {
            return stopping;
        }

        void finished() {
            if (arming != null) {
                try {
                    arming.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (int i = 0; i < installed.size(); i++) Signal.handle(installed.get(i), previous.get(i));
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs now and waits for the latch
                }
            }
            finished.countDown();
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }
}
