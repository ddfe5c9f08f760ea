package dev.ebpf4j.objects;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.Variable;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.loader.ArenaLayout;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/**
 * BPF arena (loader_arena.bpf.c): the arena map is mapped into this process before the programs load, the
 * {@code __arena} variables start with their initial values at the place libbpf puts them, and a syscall program
 * allocates an arena page, writes through it, and user space reads the same bytes through {@link BpfMap#memory()}.
 */
@KernelTest
class ObjectArenaKernelTest {
    private static final byte[] NO_CONTEXT = new byte[0];

    @Test
    void aProgramAllocatesAnArenaPageAndUserSpaceReadsWhatItWrote() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_arena"))) {
            BpfMap arena = obj.map("arena");
            assertEquals(MapType.ARENA, arena.type());
            assertEquals(MapFlags.MMAPABLE, arena.flags() & MapFlags.MMAPABLE);
            MemorySegment mem = arena.memory();
            assertSame(mem, arena.memory(), "an arena is mapped once");
            assertEquals(16L * PageSize.get(), mem.byteSize());

            Variable counter = obj.variable("counter");
            assertEquals(5, counter.getInt(), "the initial value was copied into the arena");
            long dataOffset = ArenaLayout.fullRangeOffsets() ? mem.byteSize() - PageSize.get() : 0;
            assertEquals(mem.address() + dataOffset + obj.spec().variable("counter").offset(),
                    counter.segment().address(), "__arena variables lie where libbpf puts them");
            MemorySegment pattern = obj.variable("pattern").segment();
            assertEquals(1 + 2 + 3 + 4, pattern.getAtIndex(JAVA_LONG, 0) + pattern.getAtIndex(JAVA_LONG, 1)
                    + pattern.getAtIndex(JAVA_LONG, 2) + pattern.getAtIndex(JAVA_LONG, 3));

            assertEquals(0, obj.program("arena_alloc").testRun(TestRun.withContext(NO_CONTEXT)).returnValue());
            assertEquals(6, counter.getInt(), "the program incremented the arena variable");
            long page = obj.variable("page_addr").getLong();
            assertTrue(page >= mem.address() && page < mem.address() + mem.byteSize(),
                    "the page the kernel allocated lies in our mapping: 0x" + Long.toHexString(page) + " vs 0x"
                            + Long.toHexString(mem.address()));
            assertEquals(0, (page - mem.address()) % PageSize.get());
            long at = page - mem.address();
            assertEquals(0x1234567890L, mem.get(JAVA_LONG, at), "written by the program, read through memory()");
            assertEquals(10, mem.get(JAVA_LONG, at + 8), "the sum of the __arena pattern");
            assertEquals(page, obj.variable("page").getLong(), "an arena pointer kept in the arena");

            mem.set(JAVA_LONG, at + 16, 77);   // user space writes, the kernel's view is the same memory
            assertEquals(0, obj.program("arena_free").testRun(TestRun.withContext(NO_CONTEXT)).returnValue());
            assertEquals(0, obj.variable("page_addr").getLong());
            assertEquals(0, obj.program("arena_alloc").testRun(TestRun.withContext(NO_CONTEXT)).returnValue());
            assertEquals(7, counter.getInt());
            assertEquals(2, obj.variable("runs").getLong());
        }
    }

    @Test
    void arenaVariablesCanBeGivenInitialValues() {
        ObjectSpec spec = Corpus.spec("loader_arena").withVariable("counter", 41);
        assertEquals(41, Corpus.asInt(spec.initialValue("counter")));
        try (BpfObject obj = BpfObject.load(spec)) {
            assertEquals(41, obj.variable("counter").getInt());
            obj.program("arena_alloc").testRun(TestRun.withContext(NO_CONTEXT));
            assertEquals(42, obj.variable("counter").getInt());
            obj.variable("counter").setInt(100);
            obj.program("arena_alloc").testRun(TestRun.withContext(NO_CONTEXT));
            assertEquals(101, obj.variable("counter").getInt(), "user-space writes reach the program");
        }
    }

    @Test
    void anArenaTooSmallForItsVariablesIsRefused() {
        ObjectSpec spec = Corpus.spec("loader_arena").withMaxEntries("arena", 0);
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.load(spec).close());
        assertTrue(e.getMessage().startsWith("object 'loader_arena.bpf.o': "), e.getMessage());
        assertTrue(e.getMessage().contains("arena"), e.getMessage());
    }
}
