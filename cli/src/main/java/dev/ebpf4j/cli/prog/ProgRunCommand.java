package dev.ebpf4j.cli.prog;

import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.output.Hex;
import dev.ebpf4j.cli.output.JsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code prog run PROG data_in FILE [data_out FILE [data_size_out L]] [ctx_in FILE [ctx_out FILE [ctx_size_out M]]]
 * [repeat N]}: runs the program on test input ({@code BPF_PROG_TEST_RUN}) and prints bpftool's
 * {@code Return value: 2, duration (average): 25ns}. FILE {@code -} is standard input for data_in/ctx_in and
 * standard output (a hex dump, or a JSON byte array) for data_out/ctx_out.
 *
 * <p>{@code prog run [--vm] OBJ [program NAME] data_in FILE ...}: when the first word is an ELF file, the program
 * NAME (optional when the object has one) is loaded from that object on its own (the object's other programs are
 * not loaded, its maps are created without pinning) and run the same way. With {@code --vm} it runs in ebpf4j's
 * userspace VM instead of the kernel, printing the same fields, so the two can be compared.
 *
 * <pre>{@code
 * ebpf4j prog run pinned /sys/fs/bpf/xdp data_in packet.bin data_out out.bin repeat 1000
 * ebpf4j prog run xdp.bpf.o program xdp_pass data_in packet.bin data_out -
 * ebpf4j prog run --vm xdp.bpf.o program xdp_pass data_in packet.bin data_out -
 * }</pre>
 */
@Command(name = "run", description = "Run a program on test input.")
public final class ProgRunCommand extends CliCommand {
    private static final int DEFAULT_OUT_SIZE = 32 * 1024;
    private static final List<String> KEYWORDS = List.of("data_in", "data_out", "data_size_out", "ctx_in", "ctx_out",
            "ctx_size_out", "repeat");

    @Option(names = "--vm", description = "Run in ebpf4j's userspace VM (programs from an object file only).")
    boolean vm;

    @Override
    protected int run(Session session, Words words) {
        ProgramSource source = ProgramSource.parse(words, vm);
        String dataIn = null;
        String dataOut = null;
        String ctxIn = null;
        String ctxOut = null;
        long dataSizeOut = 0;
        long ctxSizeOut = 0;
        long repeat = 1;
        while (!words.atEnd()) {
            String keyword = keyword(words.next("argument"));
            switch (keyword) {
                case "data_in" -> dataIn = words.next("data_in FILE");
                case "data_out" -> dataOut = words.next("data_out FILE");
                case "ctx_in" -> ctxIn = words.next("ctx_in FILE");
                case "ctx_out" -> ctxOut = words.next("ctx_out FILE");
                case "data_size_out" -> dataSizeOut = words.number("output data size");
                case "ctx_size_out" -> ctxSizeOut = words.number("output context size");
                default -> repeat = words.number("repeat number");
            }
            if ("-".equals(dataIn) && "-".equals(ctxIn)) {
                throw new UsageException("cannot use standard input for both data_in and ctx_in");
            }
        }
        if (dataSizeOut > Integer.MAX_VALUE || ctxSizeOut > Integer.MAX_VALUE || repeat > Integer.MAX_VALUE) {
            throw new UsageException("sizes and repeat must be below 2^31");
        }
        byte[] data = read(session, dataIn);
        byte[] ctx = read(session, ctxIn);
        TestRun run = new TestRun(data, data == null ? 0 : (dataSizeOut == 0 ? DEFAULT_OUT_SIZE : (int) dataSizeOut),
                ctx, ctx == null ? 0 : (ctxSizeOut == 0 ? DEFAULT_OUT_SIZE : (int) ctxSizeOut), (int) repeat, 0, 0, 0);
        TestRunResult result = source.testRun(run);
        JsonWriter w = session.json() ? session.jsonWriter() : null;
        if (w != null) w.startObject();
        List<IOException> failures = new ArrayList<>();
        if (result.dataOut() != null && result.dataOut().length != 0) {
            write(session, result.dataOut(), dataOut, "data_out", failures);
        }
        if (result.ctxOut().length != 0) {
            write(session, result.ctxOut(), ctxOut, "ctx_out", failures);
        }
        if (w != null) {
            w.uintField("retval", result.returnValue()).uintField("duration", result.durationNs()).endObject();
        } else {
            session.out().print("Return value: " + result.returnValue() + ", duration"
                    + (repeat > 1 ? " (average)" : "") + ": " + result.durationNs() + "ns\n");
        }
        if (!failures.isEmpty()) throw new UncheckedIOException(failures.get(0));
        return 0;
    }

    /** The keyword {@code word} abbreviates; ambiguous or unknown words are usage errors, as in bpftool. */
    private static String keyword(String word) {
        List<String> matches = new ArrayList<>();
        for (String k : KEYWORDS) {
            if (k.equals(word)) return k;
            if (Words.isPrefix(word, k)) matches.add(k);
        }
        if (matches.size() == 1) return matches.get(0);
        if (matches.size() > 1) {
            throw new UsageException("ambiguous prefix: '" + word + "' could be '" + String.join("' or '", matches) + "'");
        }
        throw new UsageException("expected no more arguments, 'data_in', 'data_out', 'data_size_out', 'ctx_in', "
                + "'ctx_out', 'ctx_size_out' or 'repeat', got: '" + word + "'?");
    }

    private static byte[] read(Session session, String file) {
        if (file == null) return null;
        try {
            return file.equals("-") ? session.in().readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(new IOException("failed to open " + file + ": no such file", e));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("failed to read " + file + ": " + e.getMessage(), e));
        }
    }

    private static void write(Session session, byte[] bytes, String file, String jsonKey, List<IOException> failures) {
        if (file == null) return;
        if (file.equals("-")) {
            if (session.json()) session.jsonWriter().name(jsonKey).decimalBytes(bytes);
            else session.out().print(Hex.dump(bytes));
            return;
        }
        try {
            Files.write(Path.of(file), bytes);
        } catch (IOException e) {
            failures.add(new IOException("failed to write " + jsonKey + " to " + file + ": " + e.getMessage(), e));
        }
    }
}
