package dev.ebpf4j.perf;

import dev.ebpf4j.ClosedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.readertests.Syscalls;
import dev.ebpf4j.readertests.TestTracepoint;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class TracePipeKernelTest {

    /** A getppid tracepoint program that, for this thread, calls bpf_trace_printk(format, size, 42). */
    static Program printk(String format) {
        byte[] fmt = (format + "\0").getBytes(StandardCharsets.US_ASCII);
        int padded = (fmt.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN).put(fmt);
        Asm a = new Asm()
                .call(HelperFunction.GET_CURRENT_PID_TGID)
                .lddw(R1, Syscalls.currentPidTgid())
                .jne(R0, R1, "out");
        for (int i = 0; i < padded; i += 8) a.lddw(R1, b.getLong(i)).stxdw(R10, -padded + i, R1);
        a.mov64(R1, R10).add64(R1, -padded)
                .mov64(R2, fmt.length)
                .mov64(R3, 42)
                .call(HelperFunction.TRACE_PRINTK)
                .label("out")
                .mov64(R0, 0)
                .exit();
        return Program.load(ProgramSpec.builder(ProgramType.TRACEPOINT).name("printk").instructions(a.build()).build());
    }

    @Test
    void aPrivateInstanceSeesTheProgramsPrintk() {
        String marker = "ebpf4j-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        try (TracePipe pipe = TracePipe.openInstance();
             Program p = printk(marker + " %d\n");
             TestTracepoint tp = TestTracepoint.getppid(p)) {
            assertTrue(pipe.path().toString().contains("/instances/ebpf4j-"), pipe.path().toString());
            Syscalls.getppid(1);
            TraceEvent e = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                TraceEvent next = pipe.poll(Duration.ofMillis(200));
                if (next != null && next.message().startsWith(marker)) {
                    e = next;
                    break;
                }
            }
            assertNotNull(e, "the line with the marker arrived");
            assertEquals(marker + " 42", e.message());
            assertEquals("bpf_trace_printk", e.event());
            assertEquals(Syscalls.gettid(), e.pid());
            assertTrue(e.cpu() >= 0, e.line());
            assertTrue(e.timestampNanos() > 0, e.line());
            assertFalse(e.task().isEmpty(), e.line());
        }
    }

    @Test
    void closingRemovesThePrivateInstance() {
        TracePipe pipe = TracePipe.openInstance();
        java.nio.file.Path dir = pipe.path().getParent();
        assertTrue(Files.isDirectory(dir));
        pipe.close();
        assertFalse(Files.exists(dir), "instance removed");
        assertThrows(ClosedException.class, () -> pipe.poll(Duration.ZERO));
        pipe.close();
    }

    @Test
    void pollTimesOutAndCloseFromAnotherThreadUnblocksIt() throws Exception {
        TracePipe pipe = TracePipe.openInstance();
        assertNull(pipe.poll(Duration.ofMillis(30)), "nothing printed into a fresh instance");
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                pipe.poll(Duration.ofMinutes(5));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(100);
        pipe.close();
        assertInstanceOf(ClosedException.class, outcome.get(10, TimeUnit.SECONDS));
    }
}
