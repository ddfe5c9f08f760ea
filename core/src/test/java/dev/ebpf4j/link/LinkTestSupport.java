package dev.ebpf4j.link;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.internal.sys.Libc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.ebpf4j.asm.Register.*;

/**
 * Shared pieces of the link tests: a two-slot counter map ([0] = hits, [1] = a recorded value), programs built with
 * {@link Asm} that count hits from one thread, syscall triggers, fd counting and unique pin paths.
 */
final class LinkTestSupport {
    static final int NO_FILTER = -1;
    static final int SYS_GETPID = 39;

    private LinkTestSupport() {
    }

    /** The kernel thread id of the calling (platform) thread, from /proc/thread-self. */
    static int currentTid() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "<pid>/task/<tid>"
            return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@code n} getpid(2) system calls from this thread. */
    static void getpid(int n) {
        for (int i = 0; i < n; i++) Libc.getpid();
    }

    /** The counter map: an array of two u64 slots. */
    static BpfMap counters() {
        return BpfMap.create(MapSpec.array("counters", 8, 2));
    }

    static long slot(BpfMap map, int index) {
        return ByteBuffer.wrap(map.lookup(le32(index)).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /**
     * A program that, for thread {@code tid} only ({@link #NO_FILTER} for every thread), runs {@code body} with the
     * context in r6 and r7 = 0 (body may set r7, or jump to label "out" to skip), then adds 1 to slot 0 and r7 to
     * slot 1 of {@code map}.
     */
    static List<Instruction> counting(BpfMap map, int tid, Consumer<Asm> body) {
        Asm a = new Asm().mov64(R6, R1);
        if (tid != NO_FILTER) {
            a.call(HelperFunction.GET_CURRENT_PID_TGID).mov32(R0, R0).jne(R0, tid, "out");
        }
        a.mov64(R7, 0);
        body.accept(a);
        a.stw(R10, -4, 0).mov64(R2, R10).add64(R2, -4).ldMapFd(R1, map.fd()).call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out").mov64(R1, 1).atomicAdd64(R0, 0, R1)
                .stw(R10, -4, 1).mov64(R2, R10).add64(R2, -4).ldMapFd(R1, map.fd()).call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out").atomicAdd64(R0, 0, R7)
                .label("out").mov64(R0, 0).exit();
        return a.build();
    }

    static Program load(ProgramType type, String name, List<Instruction> insns) {
        return Program.load(ProgramSpec.builder(type).name(name).instructions(insns).build());
    }

    /** A trivial program of {@code type} that returns 0. */
    static Program trivial(ProgramType type) {
        return load(type, "trivial", new Asm().mov64(R0, 0).exit().build());
    }

    /** A fresh, unique path on bpffs (not created). */
    static Path pinPath(String what) {
        dev.ebpf4j.internal.fs.KernelFilesystems.bpffs();
        return Path.of("/sys/fs/bpf", "ebpf4j-test-" + what + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }


    /** Waits (polling) until {@code condition} holds or {@code limit} passes; returns whether it held. */
    static boolean eventually(Duration limit, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return true;
            if (System.nanoTime() > end) return false;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Spins the CPU for about {@code millis} (for sampling tests). */
    static long spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) x += i ^ x;
        }
        return x;
    }
}
