package dev.ebpf4j.vm.diff;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Register;

import java.util.List;
import java.util.SplittableRandom;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.asm.Register.*;

/**
 * Generates random programs that both the kernel's verifier and the VM's accept, from a seed: XDP programs that read
 * and write a 64-byte packet, socket filters that use legacy packet loads and {@code __sk_buff} fields; both do ALU
 * operations of every kind (32/64-bit, signed division, sign extension, byte swaps), stack stores and loads, atomics,
 * forward conditional jumps (64 and 32-bit), small bounded loops, map lookups/updates, and (XDP) bpf-to-bpf calls
 * and {@code bpf_loop} with a callback. Every register the body
 * uses is initialised first and stays a scalar, so any jump is valid; the epilogue writes the registers into the
 * packet (XDP) or into map "out" (both), so their final values are compared too.
 *
 * <pre>{@code
 * RandomProgram.Generated g = RandomProgram.generate(42, ProgramType.XDP);
 * }</pre>
 */
public final class RandomProgram {
    /** Bytes of packet an XDP program may touch (its input is at least this long). */
    public static final int PACKET = 64;
    /** Map "arr": array of 4 values of 16 bytes; map "out": array of 1 value of 80 bytes; map "h": hash 4 -> 8. */
    public static final String ARR = "arr";
    public static final String OUT = "out";
    public static final String HASH = "h";

    public record Generated(long seed, ProgramType type, List<Instruction> instructions) {
    }

    /** The maps the programs use. */
    public static List<dev.ebpf4j.MapSpec> maps() {
        return List.of(dev.ebpf4j.MapSpec.array(ARR, 16, 4), dev.ebpf4j.MapSpec.array(OUT, 80, 1),
                dev.ebpf4j.MapSpec.hash(HASH, 4, 8, 16));
    }

    /** Input data for the program: a frame whose packet part comes from the seed. */
    public static byte[] input(long seed, ProgramType type) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5deece66dL);
        byte[] data = new byte[type == ProgramType.XDP ? PACKET : PACKET + 14];
        for (int i = 0; i < data.length; i++) data[i] = (byte) r.nextInt(256);
        if (type != ProgramType.XDP) {
            for (int i = 0; i < 6; i++) data[i] = 0;   // to this host
            data[12] = 0x08;
            data[13] = 0x00;
        }
        return data;
    }

    private static final Register[] SCALARS_XDP = {R0, R1, R2, R3, R4, R5, R9};
    private static final Register[] SCALARS_SKB = {R0, R1, R2, R3, R4, R5, R7, R8, R9};
    private static final int[] ALU_OPS = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, NEG, MOD, XOR, MOV, ARSH, END};
    private static final int[] JUMP_OPS = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};

    private final SplittableRandom rnd;
    private final ProgramType type;
    private final Register[] scalars;
    private final Asm asm = new Asm();
    private int labels;
    private int functions;
    private boolean loopCallback;

    private RandomProgram(long seed, ProgramType type) {
        this.rnd = new SplittableRandom(seed);
        this.type = type;
        this.scalars = type == ProgramType.XDP ? SCALARS_XDP : SCALARS_SKB;
    }

    public static Generated generate(long seed, ProgramType type) {
        RandomProgram g = new RandomProgram(seed, type);
        g.program();
        return new Generated(seed, type, g.asm.build());
    }

    private Register scalar() {
        return scalars[rnd.nextInt(scalars.length)];
    }

    private long constant() {
        return switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt(16);
            case 1 -> -rnd.nextInt(16);
            case 2 -> Integer.MIN_VALUE;
            case 3 -> Integer.MAX_VALUE;
            case 4 -> rnd.nextInt(1 << 16);
            default -> rnd.nextInt();
        };
    }

    private String label() {
        return "L" + labels++;
    }

    private void program() {
        asm.mov64(R6, R1);
        if (type == ProgramType.XDP) {
            asm.ldxw(R7, R6, 0).ldxw(R8, R6, 4);
            asm.mov64(R2, R7).add64(R2, PACKET).jgt(R2, R8, "abort");
        }
        // every 8-byte stack slot -8..-64 starts initialised
        for (int s = 1; s <= 8; s++) asm.stdw(R10, -8 * s, (int) constant());
        initScalars();
        int items = 20 + rnd.nextInt(40);
        int jumps = 0;
        String[] at = new String[items + 1];
        for (int i = 0; i <= items; i++) at[i] = label();
        for (int i = 0; i < items; i++) {
            asm.label(at[i]);
            int kind = rnd.nextInt(100);
            if (kind < 40) alu();
            else if (kind < 52) stack();
            else if (kind < 60) memory();
            else if (kind < 67) atomic();
            else if (kind < 80 && jumps < 8) {
                jumps++;
                jump(at[i + 1 + rnd.nextInt(Math.min(items - i, 6))]);
            } else if (kind < 84) loop();
            else if (kind < 90) mapItem();
            else if (kind < 93) hashItem();
            else if (kind < 96 && type == ProgramType.XDP && functions < 3) callItem();
            else if (kind < 98 && type == ProgramType.XDP) loopHelperItem();
            else alu();
        }
        asm.label(at[items]);
        epilogue();
    }

    private void initScalars() {
        if (type == ProgramType.XDP) {
            for (Register r : scalars) {
                if (rnd.nextBoolean()) asm.ldx(8 >> rnd.nextInt(4), r, R7, rnd.nextInt(PACKET / 8) * 8);
                else if (rnd.nextBoolean()) asm.mov64(r, (int) constant());
                else asm.lddw(r, rnd.nextLong());
            }
        } else {
            // legacy loads clobber r1..r5: fill r7..r9 first
            for (Register r : new Register[] {R7, R8, R9}) {
                asm.ldAbs(1 << rnd.nextInt(3), 14 + rnd.nextInt(20));
                asm.mov64(r, R0);
            }
            for (Register r : new Register[] {R0, R1, R2, R3, R4, R5}) {
                if (rnd.nextBoolean()) asm.ldxw(r, R6, skbField());
                else asm.lddw(r, rnd.nextLong());
            }
        }
    }

    private void reinitCallerSaved() {
        for (int r = 1; r <= 5; r++) {
            if (rnd.nextBoolean()) asm.mov64(Register.of(r), (int) constant());
            else asm.mov64(Register.of(r), R9);
        }
    }

    private int skbField() {
        int[] fields = {0, 4, 8, 12, 16, 32, 40, 44, 48, 52, 56, 60, 64};   // len .. cb[4]
        return fields[rnd.nextInt(fields.length)];
    }

    private void alu() {
        int op = ALU_OPS[rnd.nextInt(ALU_OPS.length)];
        boolean wide = rnd.nextBoolean();
        Register d = scalar();
        boolean reg = rnd.nextBoolean();
        switch (op) {
            case NEG -> {
                if (wide) asm.neg64(d); else asm.neg32(d);
            }
            case END -> {
                int bits = 16 << rnd.nextInt(3);
                switch (rnd.nextInt(3)) {
                    case 0 -> asm.toLe(d, bits);
                    case 1 -> asm.toBe(d, bits);
                    default -> asm.bswap(d, bits);
                }
            }
            case LSH, RSH, ARSH -> {
                if (reg) asm.alu(op, wide, d, scalar());
                else asm.alu(op, wide, d, rnd.nextInt(wide ? 64 : 32));
            }
            case DIV, MOD -> {
                boolean signed = rnd.nextInt(3) == 0;
                if (reg) {
                    asm.raw(new Instruction((wide ? ALU64 : ALU) | op | X, d.number(), scalar().number(), signed ? 1 : 0,
                            0));
                } else {
                    long c = constant();
                    if (c == 0) c = 7;
                    asm.raw(new Instruction((wide ? ALU64 : ALU) | op | K, d.number(), 0, signed ? 1 : 0, c));
                }
            }
            case MOV -> {
                if (reg && rnd.nextInt(3) == 0) {
                    int bits = 8 << rnd.nextInt(wide ? 3 : 2);
                    if (wide) asm.movsx64(d, scalar(), bits); else asm.movsx32(d, scalar(), bits);
                } else if (reg) {
                    asm.alu(MOV, wide, d, scalar());
                } else {
                    asm.alu(MOV, wide, d, (int) constant());
                }
            }
            default -> {
                if (reg) asm.alu(op, wide, d, scalar());
                else asm.alu(op, wide, d, (int) constant());
            }
        }
    }

    private void stack() {
        int slot = -8 * (1 + rnd.nextInt(8));
        int size = 1 << rnd.nextInt(4);
        int off = slot + rnd.nextInt(8 / size) * size;
        if (rnd.nextBoolean()) {
            if (rnd.nextBoolean()) asm.stx(size, R10, off, scalar());
            else asm.st(size, R10, off, (int) constant());
        } else if (size < 8 && rnd.nextBoolean()) {
            asm.ldxs(size, scalar(), R10, off);
        } else {
            asm.ldx(size, scalar(), R10, off);
        }
    }

    /** Packet reads and writes (XDP) or context reads and cb writes (socket filters). */
    private void memory() {
        if (type == ProgramType.XDP) {
            int size = 1 << rnd.nextInt(4);
            int off = rnd.nextInt(PACKET / size) * size;
            if (rnd.nextBoolean()) asm.stx(size, R7, off, scalar());
            else if (size < 8 && rnd.nextBoolean()) asm.ldxs(size, scalar(), R7, off);
            else asm.ldx(size, scalar(), R7, off);
            return;
        }
        switch (rnd.nextInt(4)) {
            case 0 -> asm.ldxw(scalar(), R6, skbField());
            case 1 -> asm.stxw(R6, 48 + 4 * rnd.nextInt(5), scalar());
            case 2 -> {
                asm.ldAbs(1 << rnd.nextInt(3), rnd.nextInt(48));
                asm.mov64(R9, R0);
                reinitCallerSaved();
            }
            default -> {
                asm.mov64(R1, R8).and64(R1, 31);
                asm.ldInd(1 << rnd.nextInt(3), R1, rnd.nextInt(16));
                asm.mov64(R7, R0);
                reinitCallerSaved();
            }
        }
    }

    private void atomic() {
        int slot = -8 * (1 + rnd.nextInt(8));
        boolean wide = rnd.nextBoolean();
        int[] ops = {ATOMIC_ADD, ATOMIC_OR, ATOMIC_AND, ATOMIC_XOR};
        int op = switch (rnd.nextInt(4)) {
            case 0 -> XCHG;
            case 1 -> CMPXCHG;
            default -> ops[rnd.nextInt(4)] | (rnd.nextBoolean() ? FETCH : 0);
        };
        int off = wide ? slot : slot + 4 * rnd.nextInt(2);
        Register src = scalar();
        boolean fetches = op == XCHG || op == CMPXCHG || (op & FETCH) != 0;
        if (fetches) {
            // Two 6.18 kernel verifier bugs make the kernel run something other than the program here; these extra
            // instructions keep the generated programs out of their reach (the VM follows RFC 9669 either way).
            //
            // 1. Precision backtracking takes a fetching atomic's loaded register as coming from its source
            // register, not from the stack slot it was loaded from. When the slot held a spilled scalar the
            // verifier knew, the slot is never marked precise, so a path where the slot holds another value is
            // pruned as covered, and branches on the loaded value that only that path takes are removed as dead
            // code (seeds 31415941474, 123456813643, 123456812330, 271828201969). A non-fetching atomic on the
            // whole slot first leaves the verifier nothing known in it (STACK_MISC); it changes no register.
            asm.atomic(8, ATOMIC_ADD, R10, slot, src);
        }
        asm.atomic(wide ? 8 : 4, op, R10, off, src);
        if (op == CMPXCHG && !wide) {
            // 2. RFC 9669 zero-extends r0 on a 32-bit cmpxchg, whether it stores or not. x86's cmpxchg leaves
            // rax's upper half alone when it stores, so the kernel's verifier adds a zero extension after the
            // instruction, but only when it sees r0's upper half read, and it misses reads that only a pruned
            // path makes (seed 8941805227236): there the kernel's r0 keeps its old upper half. A 64-bit read here,
            // on every path, gets the kernel its zero extension; the VM's stays compared (r0 reaches the outputs).
            asm.mov64(R0, R0);
        }
    }

    private void jump(String target) {
        int op = JUMP_OPS[rnd.nextInt(JUMP_OPS.length)];
        boolean wide = rnd.nextBoolean();
        Register d = scalar();
        if (rnd.nextBoolean()) asm.jump(op, wide, d, scalar(), target);
        else asm.jump(op, wide, d, (int) constant(), target);
    }

    private void loop() {
        Register counter = scalar();
        int n = 1 + rnd.nextInt(6);
        String top = label();
        asm.mov64(counter, 0);
        asm.label(top);
        int body = 1 + rnd.nextInt(3);
        for (int k = 0; k < body; k++) {
            Register d = scalar();
            if (d == counter) d = counter == R9 ? R0 : R9;
            Register s = scalar();
            int[] ops = {ADD, XOR, SUB, OR};
            asm.alu(ops[rnd.nextInt(ops.length)], rnd.nextBoolean(), d, s);
        }
        asm.add64(counter, 1);
        asm.jlt(counter, n, top);
    }

    /** Lookup in "arr" with a key from a register; read, write or atomically add the value. */
    private void mapItem() {
        String skip = label();
        Register keySrc = scalar();
        asm.mov64(R1, keySrc).and64(R1, 3).stxw(R10, -68, R1);
        asm.ldMapByName(R1, ARR).mov64(R2, R10).add64(R2, -68).call(HelperFunction.MAP_LOOKUP_ELEM);
        asm.jeq(R0, 0, skip);
        int off = 8 * rnd.nextInt(2);
        switch (rnd.nextInt(3)) {
            case 0 -> asm.stxdw(R0, off, R9);
            case 1 -> asm.atomic(8, ATOMIC_ADD, R0, off, R9);
            default -> asm.ldxdw(R9, R0, off);
        }
        asm.ldxdw(R0, R0, off);
        asm.label(skip);
        reinitCallerSaved();
    }

    /** Update or delete in hash map "h" with a small key. */
    private void hashItem() {
        Register keySrc = scalar();
        asm.mov64(R1, keySrc).and64(R1, 7).stxw(R10, -68, R1);
        asm.stxdw(R10, -80, scalar());
        asm.ldMapByName(R1, HASH).mov64(R2, R10).add64(R2, -68);
        if (rnd.nextInt(4) == 0) {
            asm.call(HelperFunction.MAP_DELETE_ELEM);
        } else {
            asm.mov64(R3, R10).add64(R3, -80).mov64(R4, 0).call(HelperFunction.MAP_UPDATE_ELEM);
        }
        reinitCallerSaved();
    }

    private void epilogue() {
        if (type == ProgramType.XDP) {
            for (int i = 0; i < scalars.length; i++) asm.stxdw(R7, 8 * i, scalars[i]);
        }
        // registers to the stack, then into map "out"
        for (int i = 0; i < scalars.length; i++) asm.stxdw(R10, -160 + 8 * i, scalars[i]);
        String skip = label();
        asm.stw(R10, -68, 0).ldMapByName(R1, OUT).mov64(R2, R10).add64(R2, -68).call(HelperFunction.MAP_LOOKUP_ELEM);
        asm.jeq(R0, 0, skip);
        for (int i = 0; i < scalars.length; i++) {
            asm.ldxdw(R1, R10, -160 + 8 * i).stxdw(R0, 8 * i, R1);
        }
        asm.label(skip);
        // r0 = a fold of every register
        asm.mov64(R0, 0);
        for (int i = 0; i < scalars.length; i++) asm.ldxdw(R1, R10, -160 + 8 * i).xor64(R0, R1);
        asm.mov64(R1, R0).rsh64(R1, 32).xor64(R0, R1);
        asm.exit();
        if (type == ProgramType.XDP) {
            asm.label("abort");
            asm.mov64(R0, 0).exit();
        }
        for (int f = 0; f < functions; f++) function("fn" + f);
        if (loopCallback) {
            // bpf_loop callback: r1 = index, r2 = the caller's stack slot
            asm.label("loop_cb");
            asm.ldxdw(R3, R2, 0).add64(R3, R1).mul64(R3, 3).xor64(R3, R1).stxdw(R2, 0, R3);
            asm.mov64(R0, 0).jlt(R1, 5, "loop_cb_go").mov64(R0, 1).label("loop_cb_go").exit();
        }
    }

    /** bpf-to-bpf call: arguments from scalars, the result folded into r9. */
    private void callItem() {
        String name = "fn" + functions++;
        for (int r = 1; r <= 5; r++) asm.mov64(Register.of(r), scalar());
        asm.callLocal(name);
        asm.xor64(R9, R0);
        reinitCallerSaved();
    }

    /** A function: r0..r5 arithmetic and its own stack frame. */
    private void function(String name) {
        asm.label(name);
        asm.mov64(R0, R1);
        asm.stxdw(R10, -8, R2);
        Register[] regs = {R0, R1, R2, R3, R4, R5};
        int n = 3 + rnd.nextInt(5);
        for (int k = 0; k < n; k++) {
            int[] ops = {ADD, SUB, MUL, XOR, OR, AND, LSH, RSH, ARSH};
            int op = ops[rnd.nextInt(ops.length)];
            Register d = regs[rnd.nextInt(regs.length)];
            if (op == LSH || op == RSH || op == ARSH) asm.alu(op, rnd.nextBoolean(), d, rnd.nextInt(32));
            else asm.alu(op, rnd.nextBoolean(), d, regs[rnd.nextInt(regs.length)]);
        }
        asm.ldxdw(R1, R10, -8).add64(R0, R1);
        asm.exit();
    }

    /** {@code bpf_loop(n, loop_cb, &slot, 0)}: the callback accumulates into a stack slot. */
    private void loopHelperItem() {
        loopCallback = true;
        asm.stxdw(R10, -96, scalar());
        asm.mov64(R1, 1 + rnd.nextInt(8)).ldFunc(R2, "loop_cb").mov64(R3, R10).add64(R3, -96).mov64(R4, 0);
        asm.call(HelperFunction.LOOP);
        asm.xor64(R9, R0).ldxdw(R0, R10, -96);
        reinitCallerSaved();
    }
}
