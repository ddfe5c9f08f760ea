package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Register;
import dev.ebpf4j.internal.PageSize;

/**
 * Where an object's {@code __arena} variables lie in its arena, as libbpf places them: at the end of the arena
 * (leaving the low pages to {@code bpf_arena_alloc_pages}) when the kernel accepts map value offsets of any size in
 * {@code lddw} (probed once per process: older verifiers refuse offsets of 512 MiB and more with "direct value
 * offset of ... is not allowed"), else at its start.
 *
 * <pre>{@code
 * long off = ArenaLayout.dataOffset(arenaPages * pageSize, data.size(), ArenaLayout.fullRangeOffsets());
 * }</pre>
 */
public final class ArenaLayout {
    private static volatile Boolean fullRange;

    private ArenaLayout() {
    }

    /**
     * The byte offset of the variables in an arena of {@code arenaBytes}: {@code arenaBytes} minus the variables'
     * size rounded up to whole pages when {@code atEnd}, else 0. Fails when the variables do not fit.
     */
    public static long dataOffset(long arenaBytes, int dataSize, boolean atEnd) {
        long page = PageSize.get();
        long pages = (dataSize + page - 1) / page * page;
        if (pages > arenaBytes) {
            throw new BpfException("the arena map holds " + arenaBytes + " bytes (max_entries pages), too few for the "
                    + dataSize + " bytes of __arena variables; raise its max_entries");
        }
        return atEnd ? arenaBytes - pages : 0;
    }

    /** Whether this kernel's verifier accepts map value offsets beyond 512 MiB in {@code lddw} (probed once). */
    public static boolean fullRangeOffsets() {
        Boolean r = fullRange;
        if (r == null) {
            synchronized (ArenaLayout.class) {
                r = fullRange;
                if (r == null) fullRange = r = probe();
            }
        }
        return r;
    }

    private static boolean probe() {
        try (BpfMap map = BpfMap.create(MapSpec.array("ebpf4j_arena_pb", 1, 1))) {
            ProgramSpec spec = ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("ebpf4j_arena_pb")
                    .instructions(new Asm().ldMapValue(Register.R1, map.fd(), 1 << 30).exit().build()).build();
            try (Program p = Program.load(spec)) {
                return false;   // cannot happen: the offset is far outside the 1-byte value
            } catch (VerifierException e) {
                return !e.log().contains("direct value offset of");
            }
        } catch (BpfException e) {
            return false;
        }
    }
}
