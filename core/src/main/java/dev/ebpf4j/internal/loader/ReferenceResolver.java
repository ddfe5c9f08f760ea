package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.asm.Instruction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fills in what only the running kernel knows: map fds in map loads ({@code lddw src=1}: imm = fd;
 * {@code lddw src=2}: low half = fd, high half keeps the offset), ksym loads (address, or {@code src=3} with the BTF
 * id and module BTF fd), kfunc calls ({@code src=2}: imm = BTF id, offset = fd_array slot) and poisoned calls to
 * missing weak kfuncs. References stay on the instructions for listings.
 *
 * <pre>{@code
 * List<Instruction> ready = ReferenceResolver.resolve(program.describe(), insns, mapFds, externs);
 * }</pre>
 */
public final class ReferenceResolver {
    private ReferenceResolver() {
    }

    /** The instructions with every reference resolved; unknown references are errors. */
    public static List<Instruction> resolve(String what, List<Instruction> insns, Map<String, Integer> mapFds,
                                            ResolvedExterns externs) {
        return resolve(what, insns, mapFds, Map.of(), externs);
    }

    /**
     * As {@link #resolve(String, List, Map, ResolvedExterns)}; map value loads of the maps in {@code valueOffsets}
     * get that many bytes added to their offset (the arena map: where its {@code __arena} variables were placed).
     */
    public static List<Instruction> resolve(String what, List<Instruction> insns, Map<String, Integer> mapFds,
                                            Map<String, Long> valueOffsets, ResolvedExterns externs) {
        List<Instruction> out = new ArrayList<>(insns.size());
        for (Instruction insn : insns) out.add(resolve(what, insn, mapFds, valueOffsets, externs));
        return out;
    }

    private static Instruction resolve(String what, Instruction insn, Map<String, Integer> mapFds,
                                       Map<String, Long> valueOffsets, ResolvedExterns externs) {
        String ref = insn.reference();
        if (ref == null) return insn;
        if (insn.isWide()) {
            int src = insn.src();
            if (src == RelocationApplier.PSEUDO_MAP_FD || src == RelocationApplier.PSEUDO_MAP_VALUE) {
                Integer fd = mapFds.get(ref);
                if (fd == null) {
                    throw new BpfException(what + ": uses map '" + ref + "', which was not created");
                }
                long extra = src == RelocationApplier.PSEUDO_MAP_VALUE ? valueOffsets.getOrDefault(ref, 0L) : 0;
                long constant = src == RelocationApplier.PSEUDO_MAP_FD ? fd
                        : (insn.constant() + (extra << 32) & 0xffff_ffff_0000_0000L) | Integer.toUnsignedLong(fd);
                return insn.withConstant(constant);
            }
            if (src == RelocationApplier.PSEUDO_FUNC) return insn;
            ResolvedExterns.Target t = externs == null ? null : externs.targets().get(ref);
            if (t == null) throw new BpfException(what + ": loads the address of unknown symbol '" + ref + "'");
            if (!t.found()) return insn.withSrc(0).withConstant(0);
            if (t.btfId() == 0) return insn.withSrc(0).withConstant(t.address());
            return insn.withSrc(RelocationApplier.PSEUDO_BTF_ID)
                    .withConstant((long) t.btfObjFd() << 32 | Integer.toUnsignedLong(t.btfId()));
        }
        if (insn.opcode() == RelocationApplier.CALL && insn.src() == RelocationApplier.PSEUDO_KFUNC_CALL) {
            ResolvedExterns.Target t = externs == null ? null : externs.targets().get(ref);
            if (t == null) throw new BpfException(what + ": calls unknown kernel function '" + ref + "'");
            if (!t.found()) return new Instruction(RelocationApplier.CALL, 0, 0, (short) 0, t.poison(), ref);
            return new Instruction(RelocationApplier.CALL, 0, RelocationApplier.PSEUDO_KFUNC_CALL,
                    (short) t.fdArrayIndex(), t.btfId(), ref);
        }
        return insn;
    }
}
