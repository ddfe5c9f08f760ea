package dev.ebpf4j.bench.startup;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.ringbuf.RingBufferReader;
import dev.ebpf4j.ringbuf.RingRecord;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A minimal execsnoop built on ebpf4j, the stand-in for {@code ebpf4j execsnoop} in start-up pair 7 while the CLI's
 * tool is not on this branch: loads {@code bench_execsnoop.bpf.o} (one tracepoint with a CO-RE read), attaches it,
 * prints a header once attached and then one line per exec ({@code PCOMM PID PPID ARGS}), flushing each line, until
 * SIGINT. Start-up to first event covers what a real tool pays: JVM start, class loading, reading the object, parsing
 * the kernel's BTF for CO-RE, loading, attaching and the first ring buffer poll.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.ebpf4j.bench.startup.MiniExecsnoop \
 *     bench/target/bpf/bench_execsnoop.bpf.o
 * </pre>
 */
public final class MiniExecsnoop {
    private MiniExecsnoop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: MiniExecsnoop OBJECT (bench/target/bpf/bench_execsnoop.bpf.o)");
            System.exit(2);
        }
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8));
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(Path.of(args[0])))) {
            obj.attachAll();
            RingBufferReader reader = RingBufferReader.open(obj.map("events"), r -> print(out, r));
            Runtime.getRuntime().addShutdownHook(new Thread(reader::close, "execsnoop-stop"));
            out.write(String.format("%-16s %-7s %-7s %s%n", "PCOMM", "PID", "PPID", "ARGS"));
            out.flush();
            try {
                while (true) reader.poll(-1);
            } catch (ClosedException stopped) {
                out.flush();
            }
        }
    }

    private static void print(BufferedWriter out, RingRecord r) {
        try {
            out.write(String.format("%-16s %-7d %-7d %s%n", r.getString(8, 16), r.getInt(0), r.getInt(4),
                    r.getString(24, 128)));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
