package dev.ebpf4j.vm.runtime;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.VmMap;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.code.Reject;
import dev.ebpf4j.vm.maps.MapBase;
import dev.ebpf4j.vm.mem.Addresses;

import java.util.Optional;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Resolves a program's {@code lddw} pseudo instructions against its {@link VmMaps}, the VM's equivalent of the
 * kernel replacing map fds with map pointers: a map (by {@link Instruction#reference() reference} name first, else by
 * pseudo fd or index) becomes its handle, a map value ({@code BPF_PSEUDO_MAP_VALUE}) the address of the value, a
 * function ({@code BPF_PSEUDO_FUNC}) a function pointer.
 *
 * <pre>{@code
 * MapLinker.link(code, maps);   // throws Reject naming the instruction when a map is missing
 * }</pre>
 */
public final class MapLinker {
    private MapLinker() {
    }

    public static void link(Code code, VmMaps maps) {
        for (int i = 0; i < code.length; i++) {
            if (code.opcode[i] != (LD | DW | IMM)) continue;
            Instruction in = code.instructions.get(i);
            switch (code.pseudo[i]) {
                case PSEUDO_MAP_FD, PSEUDO_MAP_IDX -> {
                    MapBase m = find(code, i, in, maps, (int) in.constant());
                    code.mapIndex[i] = m.index();
                    code.imm[i] = m.handle();
                }
                case PSEUDO_MAP_VALUE, PSEUDO_MAP_IDX_VALUE -> {
                    MapBase m = find(code, i, in, maps, (int) in.constant());
                    long off = in.constant() >>> 32;
                    if (m.memory() == null || m.spec().type().isRingBuffer() || off >= m.spec().valueSize()) {
                        throw new Reject(code.slot[i], "invalid access to map value pointer: map '" + m.name()
                                + "' (" + m.type() + ") has no direct value at offset " + off);
                    }
                    code.mapIndex[i] = m.index();
                    code.imm[i] = Addresses.of(m.region(), (int) off);
                }
                case PSEUDO_FUNC -> code.imm[i] = Addresses.of(Addresses.FUNCTION, code.target[i]);
                default -> { }
            }
        }
    }

    private static MapBase find(Code code, int i, Instruction in, VmMaps maps, int fdOrIndex) {
        Optional<VmMap> m;
        String what;
        if (in.reference() != null && !in.reference().isEmpty()) {
            m = maps.find(in.reference());
            what = "map '" + in.reference() + "'";
        } else if (code.pseudo[i] == PSEUDO_MAP_IDX || code.pseudo[i] == PSEUDO_MAP_IDX_VALUE) {
            m = fdOrIndex >= 0 && fdOrIndex < maps.all().size() ? Optional.of(maps.all().get(fdOrIndex))
                    : Optional.empty();
            what = "map index " + fdOrIndex;
        } else {
            m = maps.byFd(fdOrIndex);
            what = "fd " + fdOrIndex;
        }
        return (MapBase) m.orElseThrow(() -> new Reject(code.slot[i], what + " is not pointing to a valid map of "
                + "this VmMaps; maps: " + maps.all().stream().map(VmMap::name).toList()));
    }
}
