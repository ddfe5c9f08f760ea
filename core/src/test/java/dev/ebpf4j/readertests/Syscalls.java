package dev.ebpf4j.readertests;

import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Test-side system calls: trigger getppid (the traced syscall), identify and pin the calling thread. */
public final class Syscalls {
    private static final boolean X86 = SyscallNumbers.current().arch().contains("86")
            || SyscallNumbers.current().arch().contains("amd64");
    private static final long GETPPID = X86 ? 110 : 173;
    private static final long SCHED_SETAFFINITY = X86 ? 203 : 122;

    private Syscalls() {
    }

    /** Calls getppid(2) {@code times} times from this thread (each hit fires {@code syscalls/sys_enter_getppid}). */
    public static void getppid(int times) {
        for (int i = 0; i < times; i++) Libc.syscall(GETPPID, 0, 0, 0, 0, 0);
    }

    /** This thread's id. */
    public static int gettid() {
        return (int) Libc.syscall(SyscallNumbers.current().gettid(), 0, 0, 0, 0, 0);
    }

    /** What bpf_get_current_pid_tgid returns in this thread: tgid (process id) high, thread id low. */
    public static long currentPidTgid() {
        return (ProcessHandle.current().pid() << 32) | (gettid() & 0xffffffffL);
    }

    /** Restricts this thread to {@code cpus}. */
    public static void pinTo(BitSet cpus) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(128, 8);
            long[] words = cpus.toLongArray();
            for (int i = 0; i < words.length && i < 16; i++) mask.set(JAVA_LONG, i * 8L, words[i]);
            long r = Libc.syscall(SCHED_SETAFFINITY, 0, 128, mask.address(), 0, 0);
            if (r < 0) throw new IllegalStateException("sched_setaffinity failed, errno " + CallScratch.get().errno());
        }
    }

    /** Restricts this thread to one CPU. */
    public static void pinTo(int cpu) {
        BitSet s = new BitSet();
        s.set(cpu);
        pinTo(s);
    }
}
