package dev.ebpf4j.objects;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.VariableSpec;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.loader.ArenaLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Arena maps and __arena variables in the spec layer (no kernel): parsing, relocations, placement. */
class ObjectArenaSpecTest {
    @Test
    void theArenaMapAndItsVariablesAreParsed() {
        ObjectSpec spec = Corpus.spec("loader_arena");
        MapSpec arena = spec.map("arena");
        assertEquals(MapType.ARENA, arena.type());
        assertEquals(MapFlags.MMAPABLE, arena.flags());
        assertEquals(16, arena.maxEntries());
        assertEquals(0, arena.keySize());
        assertNull(arena.btf(), "arena maps are created without key/value BTF, as libbpf does");

        VariableSpec counter = spec.variable("counter");
        assertEquals(".addr_space.1", counter.section());
        assertEquals(4, counter.size());
        assertFalse(counter.readOnly());
        assertEquals(5, Corpus.asInt(spec.initialValue("counter")));
        assertEquals(32, spec.variable("pattern").size());
        assertEquals(8, spec.variable("page").size());
        assertEquals(".bss", spec.variable("page_addr").section(), "ordinary globals stay in .bss");
        assertFalse(spec.maps().stream().anyMatch(m -> m.name().equals(".addr_space.1")),
                "arena variables live in the arena, not in a data map of their own");
    }

    @Test
    void loadsOfArenaVariablesPointIntoTheArenaMap() {
        ObjectSpec spec = Corpus.spec("loader_arena");
        List<Instruction> insns = spec.program("arena_alloc").instructions();
        List<Instruction> arenaLoads = insns.stream().filter(i -> "arena".equals(i.reference()) && i.src() == 2).toList();
        assertFalse(arenaLoads.isEmpty());
        long counterAt = spec.variable("counter").offset();
        assertTrue(arenaLoads.stream().anyMatch(i -> i.constant() >>> 32 == counterAt),
                "lddw src=2 of 'counter' at its offset in the arena data: " + arenaLoads);
        assertTrue(insns.stream().anyMatch(i -> "arena".equals(i.reference()) && i.src() == 1),
                "the kfunc's map argument is an ordinary map load");
    }

    @Test
    void variablesGoToTheLastPagesWhereTheKernelAllowsLargeOffsetsElseTheFirst() {
        long page = PageSize.get();
        assertEquals(0, ArenaLayout.dataOffset(16 * page, 44, false));
        assertEquals(15 * page, ArenaLayout.dataOffset(16 * page, 44, true));
        assertEquals(14 * page, ArenaLayout.dataOffset(16 * page, (int) page + 1, true));
        BpfException small = assertThrows(BpfException.class, () -> ArenaLayout.dataOffset(page, (int) page + 1,
                false));
        assertTrue(small.getMessage().contains("too few for the " + (page + 1) + " bytes of __arena variables"),
                small.getMessage());
    }

    @Test
    void clang14BuildsHaveTheArenaButNoArenaVariables() {
        ObjectSpec spec = ObjectSpec.read(Corpus.clang14("loader_arena"));
        assertEquals(MapType.ARENA, spec.map("arena").type());
        assertTrue(spec.variables().stream().noneMatch(v -> v.section().equals(".addr_space.1")));
    }
}
