package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.mem.Addresses;

import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.vm.jit.ClassEmitter.CD_BYTES;
import static dev.ebpf4j.vm.jit.ClassEmitter.CD_EXECUTION;
import static dev.ebpf4j.vm.jit.ClassEmitter.CD_MEMORY;
import static dev.ebpf4j.vm.jit.ClassEmitter.REGION_OR_EMPTY;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Emits the loads and stores ({@code LDX}, {@code ST}, {@code STX} with {@code BPF_MEM}) of one JIT-compiled function
 * whose region is known ahead of time, as calls to {@link RegionAccess} (which HotSpot inlines).
 *
 * <p>The region of an access comes from the verifier ({@link Code#accessRegion}: the region its base pointer
 * addressed on every verified path), or, without a verifier (conformance mode), from the base register being the
 * frame pointer r10. The region's {@code byte[]} is kept in a local for the whole function: the context, stack and
 * packet arrays are parameters of every function, map regions are loaded at entry ({@code Memory.regionOrEmpty}).
 * The region table does not change while a program runs, so the locals stay what the table holds.
 *
 * <p>The verifier's region is a hint, never trusted for memory safety: {@link RegionAccess} checks the address's
 * region tag and takes the generic accessor when it differs, and the JVM's bounds check of the array is the bounds
 * check. Only r10's tag is not checked, because r10 is read-only and always holds a stack address. Other accesses
 * (mixed or unknown regions, ring buffer records, atomics) use the generic {@code Memory} accessors.
 *
 * <pre>{@code
 * MemoryEmitter mem = new MemoryEmitter(c, code, start, end, Locals.FUNCTION);
 * mem.loadRegions();                                // at function entry
 * if (!mem.emit(i)) { ... generic access ... }
 * }</pre>
 */
final class MemoryEmitter {
    private static final ClassDesc CD_REGION_ACCESS = ClassDesc.of("dev.ebpf4j.vm.jit.RegionAccess");
    private static final MethodTypeDesc LOAD = MethodTypeDesc.of(CD_long, CD_BYTES, CD_long, CD_int, CD_EXECUTION,
            CD_int);
    private static final MethodTypeDesc STORE = MethodTypeDesc.of(CD_void, CD_BYTES, CD_long, CD_long, CD_int,
            CD_EXECUTION, CD_int);

    private final CodeBuilder c;
    private final Code code;
    private final Locals locals;
    private final int[] reg;
    /** Region id -> local slot of its array, for the regions this function's accesses are specialised to. */
    private final Map<Integer, Integer> regionSlot = new LinkedHashMap<>();
    /** The map regions among them, whose arrays the function loads at entry. */
    private final Map<Integer, Integer> mapSlot = new LinkedHashMap<>();

    MemoryEmitter(CodeBuilder c, Code code, int start, int end, Locals locals) {
        this.c = c;
        this.code = code;
        this.locals = locals;
        this.reg = locals.reg;
        regionSlot.put(Addresses.CTX, locals.ctxArray);
        regionSlot.put(Addresses.STACK, locals.stackArray);
        regionSlot.put(Addresses.PACKET, locals.packetArray);
        for (int i = start; i < end; i++) {
            int region = region(i);
            if (region > 0 && !regionSlot.containsKey(region)) {
                int slot = locals.firstMapArray + mapSlot.size();
                regionSlot.put(region, slot);
                mapSlot.put(region, slot);
            }
        }
    }

    /**
     * The region instruction {@code i} is specialised to, or 0 for the generic path: the stack for an access through
     * r10 (whatever the hint says), else the verifier's region when it is a memory region.
     */
    private int region(int i) {
        int op = code.opcode[i];
        int cls = op & 7;
        boolean access = cls == LDX && ((op & 0xe0) == MEM || (op & 0xe0) == MEMSX)
                || (cls == ST || cls == STX) && (op & 0xe0) == MEM;
        if (!access) return 0;
        if ((cls == LDX ? code.src[i] : code.dst[i]) == 10) return Addresses.STACK;
        int hint = code.accessRegion[i];
        return hint > 0 && hint < Addresses.FUNCTION ? hint : 0;
    }

    /**
     * Loads the arrays of the map regions the function's accesses use, at function entry. (The context, stack and
     * packet arrays are parameters.) The region table does not change while a program runs, so they stay valid.
     */
    void loadRegions() {
        for (Map.Entry<Integer, Integer> e : mapSlot.entrySet()) {
            c.aload(locals.regions);
            c.loadConstant(e.getKey());
            c.invokestatic(CD_MEMORY, "regionOrEmpty", REGION_OR_EMPTY);
            c.astore(e.getValue());
        }
    }

    /** Emits instruction {@code i} specialised to its region; false when it has none (emit the generic access). */
    boolean emit(int i) {
        int region = region(i);
        if (region == 0) return false;
        int op = code.opcode[i];
        boolean load = (op & 7) == LDX;
        int size = sizeBytes(op & 0x18);
        int base = load ? code.src[i] : code.dst[i];
        c.aload(regionSlot.get(region));
        c.lload(reg[base]);
        if (code.offset[i] != 0) {
            c.loadConstant((long) code.offset[i]);
            c.ladd();
        }
        if (!load) {
            if ((op & 7) == ST) c.loadConstant(code.imm[i]);
            else c.lload(reg[code.src[i]]);
        }
        c.loadConstant(base == 10 ? RegionAccess.ANY : region);
        c.aload(locals.ex);
        c.loadConstant(code.slot[i]);
        String name = (load ? "load" : "store") + size * 8 + ((op & 0xe0) == MEMSX ? "s" : "");
        c.invokestatic(CD_REGION_ACCESS, name, load ? LOAD : STORE);
        if (load) c.lstore(reg[code.dst[i]]);
        return true;
    }
}
