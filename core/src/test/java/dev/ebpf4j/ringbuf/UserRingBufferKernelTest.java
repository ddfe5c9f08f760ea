package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramFlags;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.readertests.CallbackBtf;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class UserRingBufferKernelTest {
    static final int SLOTS = 256;

    /**
     * A sleepable syscall program that drains the user ring buffer with bpf_user_ringbuf_drain; its callback reads
     * each 16-byte sample (u64 index, u64 value) with bpf_dynptr_read, stores value at results[index] and counts the
     * samples in count[0]. Returns what the drain helper returned.
     */
    static Program drainer(BpfMap ring, BpfMap results, BpfMap count) {
        Asm a = new Asm()
                .ldMapFd(R1, ring.fd())
                .ldFunc(R2, "callback")
                .mov64(R3, 0)
                .mov64(R4, 0)
                .call(HelperFunction.USER_RINGBUF_DRAIN)
                .exit();
        int callbackIndex = a.size();
        // long callback(struct bpf_dynptr *sample, void *ctx)
        a.label("callback")
                .mov64(R3, R1)                       // src dynptr
                .mov64(R1, R10).add64(R1, -16)       // dst: 16 bytes on the stack
                .mov64(R2, 16)
                .mov64(R4, 0)
                .mov64(R5, 0)
                .call(HelperFunction.DYNPTR_READ)
                .jne(R0, 0, "done")
                .ldMapFd(R1, results.fd())
                .mov64(R2, R10).add64(R2, -16)       // key: low 32 bits of the index
                .mov64(R3, R10).add64(R3, -8)        // value
                .mov64(R4, 0)
                .call(HelperFunction.MAP_UPDATE_ELEM)
                .stw(R10, -20, 0)
                .mov64(R2, R10).add64(R2, -20)
                .ldMapFd(R1, count.fd())
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "done")
                .mov64(R1, 1)
                .atomicAdd64(R0, 0, R1)
                .label("done")
                .mov64(R0, 0)
                .exit();
        List<Instruction> insns = a.build();
        return Program.load(ProgramSpec.builder(ProgramType.SYSCALL).name("drain").flags(ProgramFlags.SLEEPABLE)
                .instructions(insns).btf(CallbackBtf.forCallback(insns, callbackIndex)).build());
    }

    static long drain(Program p) {
        // syscall programs reject repeat, data and ctx_out; run once without a context
        return p.testRun(TestRun.withContext(null).repeat(0)).returnValue();
    }

    static long le64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static long valueFor(long index) {
        return index * 7 + 3;
    }

    static MapSpec userRing(String name, int size) {
        return MapSpec.builder(MapType.USER_RINGBUF).name(name).maxEntries(size).build();
    }

    @Test
    void recordsWrittenFromJavaAreDrainedByTheProgram() {
        try (BpfMap ring = BpfMap.create(userRing("urb", 16 * 1024));
             BpfMap results = BpfMap.create(MapSpec.array("results", 8, SLOTS));
             BpfMap count = BpfMap.create(MapSpec.array("count", 8, 1));
             Program p = drainer(ring, results, count);
             UserRingBuffer writer = UserRingBuffer.open(ring)) {
            assertEquals(16 * 1024, writer.capacity());
            assertEquals(16 * 1024, writer.freeBytes());
            for (int i = 0; i < 100; i++) {
                UserRingRecord r = writer.tryReserve(16);
                assertNotNull(r);
                assertEquals(16, r.length());
                r.putLong(0, i).putLong(8, valueFor(i));
                if (i == 50) {
                    // a discarded record in the middle is skipped by the kernel
                    r.discard();
                    r = writer.tryReserve(16);
                    r.putLong(0, i).putLong(8, valueFor(i));
                }
                r.submit();
            }
            assertEquals(16 * 1024 - 101 * 24, writer.freeBytes());
            long drained = drain(p);
            assertTrue(drained >= 100, "drain returned " + drained);
            assertEquals(100, le64(count.lookup(le32(0)).orElseThrow()), "callback ran once per submitted record");
            for (int i = 0; i < 100; i++) {
                assertEquals(valueFor(i), le64(results.lookup(le32(i)).orElseThrow()), "results[" + i + "]");
            }
            assertEquals(0, le64(results.lookup(le32(100)).orElseThrow()));
            assertEquals(16 * 1024, writer.freeBytes(), "the kernel consumed everything");
        }
    }

    @Test
    void aFullRingIsReportedAndUsableAgainAfterADrain() {
        try (BpfMap ring = BpfMap.create(userRing("urbfull", 4096));
             BpfMap results = BpfMap.create(MapSpec.array("results", 8, SLOTS));
             BpfMap count = BpfMap.create(MapSpec.array("count", 8, 1));
             Program p = drainer(ring, results, count);
             UserRingBuffer writer = UserRingBuffer.open(ring)) {
            int written = 0;
            byte[] record = new byte[16];
            ByteBuffer view = ByteBuffer.wrap(record).order(ByteOrder.nativeOrder());
            while (true) {
                view.putLong(0, written).putLong(8, valueFor(written));
                if (!writer.offer(record)) break;
                written++;
            }
            assertEquals(4096 / 24, written, "16-byte records take 24 bytes each");
            assertNull(writer.tryReserve(16), "still full");
            assertNull(writer.reserve(16, Duration.ofMillis(20)), "nothing drains: the wait times out");
            assertTrue(writer.freeBytes() < 24);

            drain(p);
            assertEquals(written, le64(count.lookup(le32(0)).orElseThrow()));
            assertEquals(4096, writer.freeBytes());
            UserRingRecord r = writer.tryReserve(16);
            assertNotNull(r, "room again after the drain");
            r.putLong(0, 200).putLong(8, valueFor(200)).submit();
            drain(p);
            assertEquals(valueFor(200), le64(results.lookup(le32(200)).orElseThrow()));
        }
    }

    @Test
    void aWaitingReserveResumesWhenTheProgramDrains() throws Exception {
        try (BpfMap ring = BpfMap.create(userRing("urbwait", 4096));
             BpfMap results = BpfMap.create(MapSpec.array("results", 8, SLOTS));
             BpfMap count = BpfMap.create(MapSpec.array("count", 8, 1));
             Program p = drainer(ring, results, count);
             UserRingBuffer writer = UserRingBuffer.open(ring)) {
            while (writer.offer(new byte[16])) {
                // fill it up
            }
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                UserRingRecord r = writer.reserve(16, Duration.ofSeconds(30));
                if (r == null) return false;
                r.putLong(0, 201).putLong(8, valueFor(201)).submit();
                return true;
            });
            Thread.sleep(100);
            drain(p);
            assertTrue(waiter.get(30, TimeUnit.SECONDS), "the reservation succeeded after the drain");
            drain(p);
            assertEquals(valueFor(201), le64(results.lookup(le32(201)).orElseThrow()));
        }
    }

    @Test
    void closeWakesAWaitingReserve() throws Exception {
        try (BpfMap ring = BpfMap.create(userRing("urbclose", 4096))) {
            UserRingBuffer writer = UserRingBuffer.open(ring);
            while (writer.offer(new byte[40])) {
                // fill it up
            }
            CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    writer.reserve(16, Duration.ofMinutes(5));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(100);
            writer.close();
            assertInstanceOf(ClosedException.class, waiter.get(10, TimeUnit.SECONDS));
            assertThrows(ClosedException.class, () -> writer.tryReserve(8));
            assertThrows(ClosedException.class, writer::freeBytes);
        }
    }

    @Test
    void misuseIsReportedClearly() {
        try (BpfMap ring = BpfMap.create(userRing("urbmis", 4096));
             BpfMap kernelRing = BpfMap.create(MapSpec.ringBuffer("krb", 4096));
             UserRingBuffer writer = UserRingBuffer.open(ring)) {
            BpfArgumentException tooBig = assertThrows(BpfArgumentException.class, () -> writer.tryReserve(4096));
            assertTrue(tooBig.getMessage().contains("can never fit"), tooBig.getMessage());
            UserRingRecord r = writer.tryReserve(8);
            assertThrows(IllegalStateException.class, () -> writer.tryReserve(8), "one reservation at a time");
            assertThrows(IndexOutOfBoundsException.class, () -> r.putLong(4, 1));
            r.submit();
            assertThrows(IllegalStateException.class, () -> r.putLong(0, 1), "record used after submit");
            assertThrows(IllegalStateException.class, r::submit);
            BpfArgumentException wrongType = assertThrows(BpfArgumentException.class,
                    () -> UserRingBuffer.open(kernelRing));
            assertTrue(wrongType.getMessage().contains("RingBufferReader"), wrongType.getMessage());
        }
    }
}
