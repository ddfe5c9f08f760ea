package dev.ebpf4j.vm.interp;

import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.mem.Memory;
import dev.ebpf4j.vm.runtime.Alu;
import dev.ebpf4j.vm.runtime.Engine;
import dev.ebpf4j.vm.runtime.Execution;
import dev.ebpf4j.vm.runtime.LegacyPacketLoads;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Executes {@link Code} one instruction at a time: a switch over the opcode byte, registers in a {@code long[]},
 * bpf-to-bpf calls on an explicit frame stack (so no program can overflow the JVM stack), an exact instruction budget,
 * and every memory access through {@link Memory}'s bounds checks. Covers the whole ISA the VM accepts.
 *
 * <pre>{@code
 * Engine e = new Interpreter(code);
 * long r0 = e.run(execution, r1, r2);
 * }</pre>
 */
public final class Interpreter implements Engine {
    private static final long LOW = 0xffffffffL;
    private final Code code;

    public Interpreter(Code code) {
        this.code = code;
    }

    @Override
    public String name() {
        return "interpreter";
    }

    @Override
    public long run(Execution ex, long r1, long r2) {
        long[] r = new long[11];
        r[1] = r1;
        r[2] = r2;
        r[10] = ex.framePointer(ex.depth);
        return execute(ex, r, 0);
    }

    @Override
    public long call(Execution ex, int entry, long r1, long r2, long r3, long r4, long r5) {
        ex.enterFrame(ex.pc);
        try {
            long[] r = new long[11];
            r[1] = r1;
            r[2] = r2;
            r[3] = r3;
            r[4] = r4;
            r[5] = r5;
            r[10] = ex.framePointer(ex.depth);
            return execute(ex, r, entry);
        } finally {
            ex.leaveFrame();
        }
    }

    private long execute(Execution ex, long[] r, int pc) {
        final int[] op = code.opcode;
        final int[] dst = code.dst;
        final int[] src = code.src;
        final int[] off = code.offset;
        final long[] imm = code.imm;
        final int[] target = code.target;
        final int[] slot = code.slot;
        final byte[][] mem = ex.regions;
        final int baseDepth = ex.depth;
        long[] saved = null;
        int[] returnTo = null;
        int frames = 0;
        long fuel = ex.fuel;
        try {
            while (true) {
                if (--fuel < 0) {
                    ex.fuel = fuel;
                    fuel = ex.refuel(slot[pc]);
                }
                final int d = dst[pc];
                final int opc = op[pc];
                switch (opc) {
                    // ---- ALU64 ----
                    case ALU64 | ADD | K -> r[d] += imm[pc];
                    case ALU64 | ADD | X -> r[d] += r[src[pc]];
                    case ALU64 | SUB | K -> r[d] -= imm[pc];
                    case ALU64 | SUB | X -> r[d] -= r[src[pc]];
                    case ALU64 | MUL | K -> r[d] *= imm[pc];
                    case ALU64 | MUL | X -> r[d] *= r[src[pc]];
                    case ALU64 | DIV | K -> r[d] = off[pc] == 1 ? Alu.sdiv64(r[d], imm[pc]) : Alu.udiv64(r[d], imm[pc]);
                    case ALU64 | DIV | X -> r[d] = off[pc] == 1 ? Alu.sdiv64(r[d], r[src[pc]]) : Alu.udiv64(r[d], r[src[pc]]);
                    case ALU64 | MOD | K -> r[d] = off[pc] == 1 ? Alu.smod64(r[d], imm[pc]) : Alu.umod64(r[d], imm[pc]);
                    case ALU64 | MOD | X -> r[d] = off[pc] == 1 ? Alu.smod64(r[d], r[src[pc]]) : Alu.umod64(r[d], r[src[pc]]);
                    case ALU64 | OR | K -> r[d] |= imm[pc];
                    case ALU64 | OR | X -> r[d] |= r[src[pc]];
                    case ALU64 | AND | K -> r[d] &= imm[pc];
                    case ALU64 | AND | X -> r[d] &= r[src[pc]];
                    case ALU64 | XOR | K -> r[d] ^= imm[pc];
                    case ALU64 | XOR | X -> r[d] ^= r[src[pc]];
                    case ALU64 | LSH | K -> r[d] <<= (imm[pc] & 63);
                    case ALU64 | LSH | X -> r[d] <<= (r[src[pc]] & 63);
                    case ALU64 | RSH | K -> r[d] >>>= (imm[pc] & 63);
                    case ALU64 | RSH | X -> r[d] >>>= (r[src[pc]] & 63);
                    case ALU64 | ARSH | K -> r[d] >>= (imm[pc] & 63);
                    case ALU64 | ARSH | X -> r[d] >>= (r[src[pc]] & 63);
                    case ALU64 | NEG | K -> r[d] = -r[d];
                    case ALU64 | MOV | K -> r[d] = imm[pc];
                    case ALU64 | MOV | X -> {
                        long v = r[src[pc]];
                        r[d] = switch (off[pc]) {
                            case 8 -> (byte) v;
                            case 16 -> (short) v;
                            case 32 -> (int) v;
                            default -> v;
                        };
                    }
                    case ALU64 | END | K -> r[d] = Alu.swap(r[d], (int) imm[pc]);
                    // ---- ALU32 ----
                    case ALU | ADD | K -> r[d] = (r[d] + imm[pc]) & LOW;
                    case ALU | ADD | X -> r[d] = (r[d] + r[src[pc]]) & LOW;
                    case ALU | SUB | K -> r[d] = (r[d] - imm[pc]) & LOW;
                    case ALU | SUB | X -> r[d] = (r[d] - r[src[pc]]) & LOW;
                    case ALU | MUL | K -> r[d] = ((int) r[d] * (int) imm[pc]) & LOW;
                    case ALU | MUL | X -> r[d] = ((int) r[d] * (int) r[src[pc]]) & LOW;
                    case ALU | DIV | K -> r[d] = off[pc] == 1 ? Alu.sdiv32(r[d], imm[pc]) : Alu.udiv32(r[d], imm[pc]);
                    case ALU | DIV | X -> r[d] = off[pc] == 1 ? Alu.sdiv32(r[d], r[src[pc]]) : Alu.udiv32(r[d], r[src[pc]]);
                    case ALU | MOD | K -> r[d] = off[pc] == 1 ? Alu.smod32(r[d], imm[pc]) : Alu.umod32(r[d], imm[pc]);
                    case ALU | MOD | X -> r[d] = off[pc] == 1 ? Alu.smod32(r[d], r[src[pc]]) : Alu.umod32(r[d], r[src[pc]]);
                    case ALU | OR | K -> r[d] = (r[d] | imm[pc]) & LOW;
                    case ALU | OR | X -> r[d] = (r[d] | r[src[pc]]) & LOW;
                    case ALU | AND | K -> r[d] = (r[d] & imm[pc]) & LOW;
                    case ALU | AND | X -> r[d] = (r[d] & r[src[pc]]) & LOW;
                    case ALU | XOR | K -> r[d] = (r[d] ^ imm[pc]) & LOW;
                    case ALU | XOR | X -> r[d] = (r[d] ^ r[src[pc]]) & LOW;
                    case ALU | LSH | K -> r[d] = ((int) r[d] << (imm[pc] & 31)) & LOW;
                    case ALU | LSH | X -> r[d] = ((int) r[d] << (r[src[pc]] & 31)) & LOW;
                    case ALU | RSH | K -> r[d] = ((int) r[d] >>> (imm[pc] & 31)) & LOW;
                    case ALU | RSH | X -> r[d] = ((int) r[d] >>> (r[src[pc]] & 31)) & LOW;
                    case ALU | ARSH | K -> r[d] = ((int) r[d] >> (imm[pc] & 31)) & LOW;
                    case ALU | ARSH | X -> r[d] = ((int) r[d] >> (r[src[pc]] & 31)) & LOW;
                    case ALU | NEG | K -> r[d] = (-(int) r[d]) & LOW;
                    case ALU | MOV | K -> r[d] = imm[pc] & LOW;
                    case ALU | MOV | X -> {
                        long v = r[src[pc]];
                        r[d] = switch (off[pc]) {
                            case 8 -> ((int) (byte) v) & LOW;
                            case 16 -> ((int) (short) v) & LOW;
                            default -> v & LOW;
                        };
                    }
                    case ALU | END | TO_LE -> r[d] = Alu.toLe(r[d], (int) imm[pc]);
                    case ALU | END | TO_BE -> r[d] = Alu.swap(r[d], (int) imm[pc]);
                    // ---- jumps ----
                    case JMP | JA, JMP32 | JA -> {
                        pc = target[pc];
                        continue;
                    }
                    case JMP | JEQ | K -> { if (r[d] == imm[pc]) { pc = target[pc]; continue; } }
                    case JMP | JEQ | X -> { if (r[d] == r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP | JNE | K -> { if (r[d] != imm[pc]) { pc = target[pc]; continue; } }
                    case JMP | JNE | X -> { if (r[d] != r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP | JSET | K -> { if ((r[d] & imm[pc]) != 0) { pc = target[pc]; continue; } }
                    case JMP | JSET | X -> { if ((r[d] & r[src[pc]]) != 0) { pc = target[pc]; continue; } }
                    case JMP | JGT | K -> { if (Long.compareUnsigned(r[d], imm[pc]) > 0) { pc = target[pc]; continue; } }
                    case JMP | JGT | X -> { if (Long.compareUnsigned(r[d], r[src[pc]]) > 0) { pc = target[pc]; continue; } }
                    case JMP | JGE | K -> { if (Long.compareUnsigned(r[d], imm[pc]) >= 0) { pc = target[pc]; continue; } }
                    case JMP | JGE | X -> { if (Long.compareUnsigned(r[d], r[src[pc]]) >= 0) { pc = target[pc]; continue; } }
                    case JMP | JLT | K -> { if (Long.compareUnsigned(r[d], imm[pc]) < 0) { pc = target[pc]; continue; } }
                    case JMP | JLT | X -> { if (Long.compareUnsigned(r[d], r[src[pc]]) < 0) { pc = target[pc]; continue; } }
                    case JMP | JLE | K -> { if (Long.compareUnsigned(r[d], imm[pc]) <= 0) { pc = target[pc]; continue; } }
                    case JMP | JLE | X -> { if (Long.compareUnsigned(r[d], r[src[pc]]) <= 0) { pc = target[pc]; continue; } }
                    case JMP | JSGT | K -> { if (r[d] > imm[pc]) { pc = target[pc]; continue; } }
                    case JMP | JSGT | X -> { if (r[d] > r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP | JSGE | K -> { if (r[d] >= imm[pc]) { pc = target[pc]; continue; } }
                    case JMP | JSGE | X -> { if (r[d] >= r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP | JSLT | K -> { if (r[d] < imm[pc]) { pc = target[pc]; continue; } }
                    case JMP | JSLT | X -> { if (r[d] < r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP | JSLE | K -> { if (r[d] <= imm[pc]) { pc = target[pc]; continue; } }
                    case JMP | JSLE | X -> { if (r[d] <= r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP32 | JEQ | K -> { if ((int) r[d] == (int) imm[pc]) { pc = target[pc]; continue; } }
                    case JMP32 | JEQ | X -> { if ((int) r[d] == (int) r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP32 | JNE | K -> { if ((int) r[d] != (int) imm[pc]) { pc = target[pc]; continue; } }
                    case JMP32 | JNE | X -> { if ((int) r[d] != (int) r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP32 | JSET | K -> { if (((int) r[d] & (int) imm[pc]) != 0) { pc = target[pc]; continue; } }
                    case JMP32 | JSET | X -> { if (((int) r[d] & (int) r[src[pc]]) != 0) { pc = target[pc]; continue; } }
                    case JMP32 | JGT | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) > 0) { pc = target[pc]; continue; } }
                    case JMP32 | JGT | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[src[pc]]) > 0) { pc = target[pc]; continue; } }
                    case JMP32 | JGE | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) >= 0) { pc = target[pc]; continue; } }
                    case JMP32 | JGE | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[src[pc]]) >= 0) { pc = target[pc]; continue; } }
                    case JMP32 | JLT | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) < 0) { pc = target[pc]; continue; } }
                    case JMP32 | JLT | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[src[pc]]) < 0) { pc = target[pc]; continue; } }
                    case JMP32 | JLE | K -> { if (Integer.compareUnsigned((int) r[d], (int) imm[pc]) <= 0) { pc = target[pc]; continue; } }
                    case JMP32 | JLE | X -> { if (Integer.compareUnsigned((int) r[d], (int) r[src[pc]]) <= 0) { pc = target[pc]; continue; } }
                    case JMP32 | JSGT | K -> { if ((int) r[d] > (int) imm[pc]) { pc = target[pc]; continue; } }
                    case JMP32 | JSGT | X -> { if ((int) r[d] > (int) r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP32 | JSGE | K -> { if ((int) r[d] >= (int) imm[pc]) { pc = target[pc]; continue; } }
                    case JMP32 | JSGE | X -> { if ((int) r[d] >= (int) r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP32 | JSLT | K -> { if ((int) r[d] < (int) imm[pc]) { pc = target[pc]; continue; } }
                    case JMP32 | JSLT | X -> { if ((int) r[d] < (int) r[src[pc]]) { pc = target[pc]; continue; } }
                    case JMP32 | JSLE | K -> { if ((int) r[d] <= (int) imm[pc]) { pc = target[pc]; continue; } }
                    case JMP32 | JSLE | X -> { if ((int) r[d] <= (int) r[src[pc]]) { pc = target[pc]; continue; } }
                    // ---- calls and exit ----
                    case JMP | CALL | K, JMP | CALL | X -> {
                        if (opc == (JMP | CALL | K) && src[pc] == PSEUDO_CALL) {
                            if (saved == null) {
                                saved = new long[ex.maxDepth * 10];
                                returnTo = new int[ex.maxDepth];
                            }
                            ex.enterFrame(slot[pc]);
                            if (frames >= returnTo.length) {
                                throw new dev.ebpf4j.vm.VmCallDepthException("call depth limit exceeded", slot[pc]);
                            }
                            System.arraycopy(r, 1, saved, frames * 10, 10);
                            returnTo[frames++] = pc + 1;
                            r[10] = ex.framePointer(ex.depth);
                            pc = target[pc];
                            continue;
                        }
                        long id = opc == (JMP | CALL | X) ? r[d] : imm[pc];
                        ex.fuel = fuel;
                        r[0] = ex.callHelper(id, slot[pc], r[1], r[2], r[3], r[4], r[5]);
                        fuel = ex.fuel;
                        if (ex.stop) return ex.stopValue;
                    }
                    case JMP | EXIT -> {
                        if (frames == 0) return r[0];
                        frames--;
                        System.arraycopy(saved, frames * 10, r, 1, 10);
                        ex.leaveFrame();
                        pc = returnTo[frames];
                        continue;
                    }
                    // ---- 64-bit immediate ----
                    case LD | DW | IMM -> r[d] = imm[pc];
                    // ---- memory ----
                    case LDX | B | MEM -> r[d] = Memory.load8(mem, r[src[pc]] + off[pc], slot[pc]);
                    case LDX | H | MEM -> r[d] = Memory.load16(mem, r[src[pc]] + off[pc], slot[pc]);
                    case LDX | W | MEM -> r[d] = Memory.load32(mem, r[src[pc]] + off[pc], slot[pc]);
                    case LDX | DW | MEM -> r[d] = Memory.load64(mem, r[src[pc]] + off[pc], slot[pc]);
                    case LDX | B | MEMSX -> r[d] = Memory.load8s(mem, r[src[pc]] + off[pc], slot[pc]);
                    case LDX | H | MEMSX -> r[d] = Memory.load16s(mem, r[src[pc]] + off[pc], slot[pc]);
                    case LDX | W | MEMSX -> r[d] = Memory.load32s(mem, r[src[pc]] + off[pc], slot[pc]);
                    case ST | B | MEM -> Memory.store8(mem, r[d] + off[pc], imm[pc], slot[pc]);
                    case ST | H | MEM -> Memory.store16(mem, r[d] + off[pc], imm[pc], slot[pc]);
                    case ST | W | MEM -> Memory.store32(mem, r[d] + off[pc], imm[pc], slot[pc]);
                    case ST | DW | MEM -> Memory.store64(mem, r[d] + off[pc], imm[pc], slot[pc]);
                    case STX | B | MEM -> Memory.store8(mem, r[d] + off[pc], r[src[pc]], slot[pc]);
                    case STX | H | MEM -> Memory.store16(mem, r[d] + off[pc], r[src[pc]], slot[pc]);
                    case STX | W | MEM -> Memory.store32(mem, r[d] + off[pc], r[src[pc]], slot[pc]);
                    case STX | DW | MEM -> Memory.store64(mem, r[d] + off[pc], r[src[pc]], slot[pc]);
                    case STX | B | ATOMIC, STX | H | ATOMIC, STX | W | ATOMIC, STX | DW | ATOMIC ->
                            atomic(mem, r, opc, d, src[pc], off[pc], (int) imm[pc], slot[pc]);
                    // ---- legacy packet loads ----
                    case LD | B | ABS, LD | H | ABS, LD | W | ABS, LD | B | IND, LD | H | IND, LD | W | IND -> {
                        long o = (int) imm[pc];
                        if ((opc & 0xe0) == IND) o += (int) r[src[pc]];
                        r[0] = LegacyPacketLoads.load(ex, o, sizeBytes(opc & 0x18), slot[pc]);
                        if (ex.stop) return 0;
                    }
                    default -> throw new IllegalStateException(String.format("opcode %02x at %d passed the checks",
                            opc, slot[pc]));
                }
                pc++;
            }
        } finally {
            ex.fuel = fuel;
            while (frames-- > 0) ex.leaveFrame();
        }
    }

    private static void atomic(byte[][] mem, long[] r, int opc, int d, int s, int off, int aop, int at) {
        long addr = r[d] + off;
        boolean wide = (opc & 0x18) == DW;
        if (aop == CMPXCHG) {
            r[0] = wide ? Memory.cmpxchg64(mem, addr, r[0], r[s], at) : Memory.cmpxchg32(mem, addr, r[0], r[s], at) & LOW;
            return;
        }
        if (aop == LOAD_ACQ) {
            // load_acquire: dst = *(src + off); encoded with dst = destination, src = base
            r[d] = Memory.loadAcquire(mem, r[s] + off, sizeBytes(opc & 0x18), at);
            return;
        }
        if (aop == STORE_REL) {
            Memory.storeRelease(mem, addr, sizeBytes(opc & 0x18), r[s], at);
            return;
        }
        long old = wide ? Memory.atomic64(mem, addr, aop, r[s], at) : Memory.atomic32(mem, addr, aop, r[s], at) & LOW;
        if ((aop & FETCH) != 0) r[s] = old;
    }
}
