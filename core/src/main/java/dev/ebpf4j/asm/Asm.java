package dev.ebpf4j.asm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Fluent builder for BPF programs with symbolic labels. Jumps, local calls and function-pointer loads name a label;
 * {@link #build()} resolves every label to a slot offset (counting {@code lddw} as two slots) and fails clearly on
 * unknown or duplicate labels and on jumps out of 16-bit range.
 *
 * <pre>{@code
 * List<Instruction> prog = new Asm()
 *     .mov64(R0, 0)
 *     .ldxw(R2, R1, 0)          // r2 = *(u32 *)(r1 + 0)
 *     .jeq(R2, 0, "out")
 *     .mov64(R0, 1)
 *     .label("out")
 *     .exit()
 *     .build();
 * }</pre>
 */
public final class Asm {
    private enum Fixup { NONE, OFFSET, IMM }

    private record Entry(Instruction insn, String target, Fixup fixup) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    // ---- structure -------------------------------------------------------------------------------------------

    /** Defines {@code name} at the next instruction. */
    public Asm label(String name) {
        if (labels.putIfAbsent(name, entries.size()) != null) {
            throw new IllegalArgumentException("label '" + name + "' is defined twice");
        }
        return this;
    }

    /** Appends an already-built instruction. */
    public Asm raw(Instruction insn) {
        entries.add(new Entry(insn, null, Fixup.NONE));
        return this;
    }

    /** Appends several already-built instructions. */
    public Asm raw(List<Instruction> insns) {
        for (Instruction i : insns) raw(i);
        return this;
    }

    private Asm add(int opcode, Register dst, Register src, int off, long imm) {
        return raw(new Instruction(opcode, dst.number(), src.number(), (short) off, imm, null));
    }

    private Asm addLabelled(int opcode, Register dst, Register src, int off, long imm, String target, Fixup fixup) {
        entries.add(new Entry(new Instruction(opcode, dst.number(), src.number(), (short) off, imm, null), target,
                fixup));
        return this;
    }

    // ---- ALU --------------------------------------------------------------------------------------------------

    /** Any ALU operation with an immediate: {@code dst op= imm} (class ALU64 when {@code wide}, else ALU). */
    public Asm alu(int op, boolean wide, Register dst, int imm) {
        return add((wide ? ALU64 : ALU) | op | K, dst, Register.R0, 0, imm);
    }

    /** Any ALU operation with a register: {@code dst op= src}. */
    public Asm alu(int op, boolean wide, Register dst, Register src) {
        return add((wide ? ALU64 : ALU) | op | X, dst, src, 0, 0);
    }

    public Asm add64(Register dst, int imm) { return alu(ADD, true, dst, imm); }
    public Asm add64(Register dst, Register src) { return alu(ADD, true, dst, src); }
    public Asm add32(Register dst, int imm) { return alu(ADD, false, dst, imm); }
    public Asm add32(Register dst, Register src) { return alu(ADD, false, dst, src); }
    public Asm sub64(Register dst, int imm) { return alu(SUB, true, dst, imm); }
    public Asm sub64(Register dst, Register src) { return alu(SUB, true, dst, src); }
    public Asm sub32(Register dst, int imm) { return alu(SUB, false, dst, imm); }
    public Asm sub32(Register dst, Register src) { return alu(SUB, false, dst, src); }
    public Asm mul64(Register dst, int imm) { return alu(MUL, true, dst, imm); }
    public Asm mul64(Register dst, Register src) { return alu(MUL, true, dst, src); }
    public Asm mul32(Register dst, int imm) { return alu(MUL, false, dst, imm); }
    public Asm mul32(Register dst, Register src) { return alu(MUL, false, dst, src); }
    public Asm div64(Register dst, int imm) { return alu(DIV, true, dst, imm); }
    public Asm div64(Register dst, Register src) { return alu(DIV, true, dst, src); }
    public Asm div32(Register dst, int imm) { return alu(DIV, false, dst, imm); }
    public Asm div32(Register dst, Register src) { return alu(DIV, false, dst, src); }
    public Asm mod64(Register dst, int imm) { return alu(MOD, true, dst, imm); }
    public Asm mod64(Register dst, Register src) { return alu(MOD, true, dst, src); }
    public Asm mod32(Register dst, int imm) { return alu(MOD, false, dst, imm); }
    public Asm mod32(Register dst, Register src) { return alu(MOD, false, dst, src); }
    public Asm or64(Register dst, int imm) { return alu(OR, true, dst, imm); }
    public Asm or64(Register dst, Register src) { return alu(OR, true, dst, src); }
    public Asm or32(Register dst, int imm) { return alu(OR, false, dst, imm); }
    public Asm or32(Register dst, Register src) { return alu(OR, false, dst, src); }
    public Asm and64(Register dst, int imm) { return alu(AND, true, dst, imm); }
    public Asm and64(Register dst, Register src) { return alu(AND, true, dst, src); }
    public Asm and32(Register dst, int imm) { return alu(AND, false, dst, imm); }
    public Asm and32(Register dst, Register src) { return alu(AND, false, dst, src); }
    public Asm lsh64(Register dst, int imm) { return alu(LSH, true, dst, imm); }
    public Asm lsh64(Register dst, Register src) { return alu(LSH, true, dst, src); }
    public Asm lsh32(Register dst, int imm) { return alu(LSH, false, dst, imm); }
    public Asm lsh32(Register dst, Register src) { return alu(LSH, false, dst, src); }
    public Asm rsh64(Register dst, int imm) { return alu(RSH, true, dst, imm); }
    public Asm rsh64(Register dst, Register src) { return alu(RSH, true, dst, src); }
    public Asm rsh32(Register dst, int imm) { return alu(RSH, false, dst, imm); }
    public Asm rsh32(Register dst, Register src) { return alu(RSH, false, dst, src); }
    public Asm arsh64(Register dst, int imm) { return alu(ARSH, true, dst, imm); }
    public Asm arsh64(Register dst, Register src) { return alu(ARSH, true, dst, src); }
    public Asm arsh32(Register dst, int imm) { return alu(ARSH, false, dst, imm); }
    public Asm arsh32(Register dst, Register src) { return alu(ARSH, false, dst, src); }
    public Asm xor64(Register dst, int imm) { return alu(XOR, true, dst, imm); }
    public Asm xor64(Register dst, Register src) { return alu(XOR, true, dst, src); }
    public Asm xor32(Register dst, int imm) { return alu(XOR, false, dst, imm); }
    public Asm xor32(Register dst, Register src) { return alu(XOR, false, dst, src); }
    public Asm mov64(Register dst, int imm) { return alu(MOV, true, dst, imm); }
    public Asm mov64(Register dst, Register src) { return alu(MOV, true, dst, src); }
    public Asm mov32(Register dst, int imm) { return alu(MOV, false, dst, imm); }
    public Asm mov32(Register dst, Register src) { return alu(MOV, false, dst, src); }
    public Asm neg64(Register dst) { return add(ALU64 | NEG | K, dst, Register.R0, 0, 0); }
    public Asm neg32(Register dst) { return add(ALU | NEG | K, dst, Register.R0, 0, 0); }

    /** Signed division (v4): {@code dst s/= imm}. */
    public Asm sdiv64(Register dst, int imm) { return add(ALU64 | DIV | K, dst, Register.R0, 1, imm); }
    public Asm sdiv64(Register dst, Register src) { return add(ALU64 | DIV | X, dst, src, 1, 0); }
    public Asm sdiv32(Register dst, int imm) { return add(ALU | DIV | K, dst, Register.R0, 1, imm); }
    public Asm sdiv32(Register dst, Register src) { return add(ALU | DIV | X, dst, src, 1, 0); }
    /** Signed modulo (v4): {@code dst s%= imm}. */
    public Asm smod64(Register dst, int imm) { return add(ALU64 | MOD | K, dst, Register.R0, 1, imm); }
    public Asm smod64(Register dst, Register src) { return add(ALU64 | MOD | X, dst, src, 1, 0); }
    public Asm smod32(Register dst, int imm) { return add(ALU | MOD | K, dst, Register.R0, 1, imm); }
    public Asm smod32(Register dst, Register src) { return add(ALU | MOD | X, dst, src, 1, 0); }

    /** Sign-extending move (v4): {@code dst = (s8/s16/s32) src} as 64 bits; {@code bits} is 8, 16 or 32. */
    public Asm movsx64(Register dst, Register src, int bits) {
        return add(ALU64 | MOV | X, dst, src, checkBits(bits, 8, 16, 32), 0);
    }

    /** Sign-extending 32-bit move (v4): {@code w_dst = (s8/s16) w_src}; {@code bits} is 8 or 16. */
    public Asm movsx32(Register dst, Register src, int bits) {
        return add(ALU | MOV | X, dst, src, checkBits(bits, 8, 16), 0);
    }

    /**
     * {@code dst = addr_space_cast(src, dstAddressSpace, srcAddressSpace)} (Linux 6.9, BPF arena): converts a pointer
     * between the kernel (0) and arena user (1) address spaces.
     */
    public Asm addrSpaceCast(Register dst, Register src, int dstAddressSpace, int srcAddressSpace) {
        if ((dstAddressSpace & ~0xffff) != 0 || (srcAddressSpace & ~0xffff) != 0) {
            throw new IllegalArgumentException("address spaces are 16-bit numbers");
        }
        return add(ALU64 | MOV | X, dst, src, ADDR_SPACE_CAST, (dstAddressSpace << 16) | srcAddressSpace);
    }

    /** Convert to little-endian: {@code dst = htole{bits}(dst)}. */
    public Asm toLe(Register dst, int bits) {
        return add(ALU | END | TO_LE, dst, Register.R0, 0, checkBits(bits, 16, 32, 64));
    }

    /** Convert to big-endian: {@code dst = htobe{bits}(dst)}. */
    public Asm toBe(Register dst, int bits) {
        return add(ALU | END | TO_BE, dst, Register.R0, 0, checkBits(bits, 16, 32, 64));
    }

    /** Unconditional byte swap (v4): {@code dst = bswap{bits}(dst)}. */
    public Asm bswap(Register dst, int bits) {
        return add(ALU64 | END | K, dst, Register.R0, 0, checkBits(bits, 16, 32, 64));
    }

    private static int checkBits(int bits, int... allowed) {
        for (int a : allowed) if (a == bits) return bits;
        throw new IllegalArgumentException("bit width " + bits + " not allowed here; use one of "
                + java.util.Arrays.toString(allowed));
    }

    // ---- loads and stores --------------------------------------------------------------------------------------

    /** {@code dst = *(size *)(src + off)}, {@code bytes} = 1, 2, 4 or 8. */
    public Asm ldx(int bytes, Register dst, Register src, int off) {
        return add(LDX | sizeOf(bytes) | MEM, dst, src, off, 0);
    }

    /** Sign-extending load (v4): {@code dst = *(s8/s16/s32 *)(src + off)}. */
    public Asm ldxs(int bytes, Register dst, Register src, int off) {
        if (bytes == 8) throw new IllegalArgumentException("sign-extending loads are 1, 2 or 4 bytes");
        return add(LDX | sizeOf(bytes) | MEMSX, dst, src, off, 0);
    }

    public Asm ldxb(Register dst, Register src, int off) { return ldx(1, dst, src, off); }
    public Asm ldxh(Register dst, Register src, int off) { return ldx(2, dst, src, off); }
    public Asm ldxw(Register dst, Register src, int off) { return ldx(4, dst, src, off); }
    public Asm ldxdw(Register dst, Register src, int off) { return ldx(8, dst, src, off); }

    /** {@code *(size *)(dst + off) = imm}. */
    public Asm st(int bytes, Register dst, int off, int imm) {
        return add(ST | sizeOf(bytes) | MEM, dst, Register.R0, off, imm);
    }

    /** {@code *(size *)(dst + off) = src}. */
    public Asm stx(int bytes, Register dst, int off, Register src) {
        return add(STX | sizeOf(bytes) | MEM, dst, src, off, 0);
    }

    public Asm stb(Register dst, int off, int imm) { return st(1, dst, off, imm); }
    public Asm sth(Register dst, int off, int imm) { return st(2, dst, off, imm); }
    public Asm stw(Register dst, int off, int imm) { return st(4, dst, off, imm); }
    public Asm stdw(Register dst, int off, int imm) { return st(8, dst, off, imm); }
    public Asm stxb(Register dst, int off, Register src) { return stx(1, dst, off, src); }
    public Asm stxh(Register dst, int off, Register src) { return stx(2, dst, off, src); }
    public Asm stxw(Register dst, int off, Register src) { return stx(4, dst, off, src); }
    public Asm stxdw(Register dst, int off, Register src) { return stx(8, dst, off, src); }

    /**
     * Atomic read-modify-write on {@code *(size *)(dst + off)} with {@code src}; {@code op} is one of
     * {@link Opcodes#ATOMIC_ADD}, {@code ATOMIC_OR/AND/XOR} (optionally | {@link Opcodes#FETCH}), {@link Opcodes#XCHG},
     * {@link Opcodes#CMPXCHG}; {@code bytes} is 4 or 8.
     */
    public Asm atomic(int bytes, int op, Register dst, int off, Register src) {
        if (bytes != 4 && bytes != 8 && op != LOAD_ACQ && op != STORE_REL) {
            throw new IllegalArgumentException("atomic operations are 4 or 8 bytes wide");
        }
        return add(STX | sizeOf(bytes) | ATOMIC, dst, src, off, op);
    }

    /** {@code lock *(u64 *)(dst + off) += src}. */
    public Asm atomicAdd64(Register dst, int off, Register src) { return atomic(8, ATOMIC_ADD, dst, off, src); }
    /** {@code lock *(u32 *)(dst + off) += src}. */
    public Asm atomicAdd32(Register dst, int off, Register src) { return atomic(4, ATOMIC_ADD, dst, off, src); }

    /** {@code dst = imm64} (two slots). */
    public Asm lddw(Register dst, long imm) {
        return add(LD | DW | IMM, dst, Register.R0, 0, imm);
    }

    /** {@code dst = map} by file descriptor (lddw with src = BPF_PSEUDO_MAP_FD). */
    public Asm ldMapFd(Register dst, int mapFd) {
        return add(LD | DW | IMM, dst, Register.of(PSEUDO_MAP_FD), 0, mapFd & 0xffffffffL);
    }

    /** {@code dst = map} by name, resolved by a loader (see {@link Instruction#reference()}). */
    public Asm ldMapByName(Register dst, String mapName) {
        return raw(new Instruction(LD | DW | IMM, dst.number(), PSEUDO_MAP_FD, (short) 0, 0, mapName));
    }

    /** {@code dst = &map_value[offset]} for a map by fd (src = BPF_PSEUDO_MAP_VALUE, e.g. global data). */
    public Asm ldMapValue(Register dst, int mapFd, int offset) {
        return add(LD | DW | IMM, dst, Register.of(PSEUDO_MAP_VALUE), 0,
                (mapFd & 0xffffffffL) | ((long) offset << 32));
    }

    /** {@code dst = &kernel_symbol} by BTF id (src = BPF_PSEUDO_BTF_ID). */
    public Asm ldBtfId(Register dst, int btfId) {
        return add(LD | DW | IMM, dst, Register.of(PSEUDO_BTF_ID), 0, btfId & 0xffffffffL);
    }

    /** {@code dst = &function_at(label)} (src = BPF_PSEUDO_FUNC), for callbacks such as bpf_loop. */
    public Asm ldFunc(Register dst, String label) {
        return addLabelled(LD | DW | IMM, dst, Register.of(PSEUDO_FUNC), 0, 0, label, Fixup.IMM);
    }

    /** Legacy packet load {@code r0 = ntoh(*(size *)(skb->data + imm))}; socket filters only. */
    public Asm ldAbs(int bytes, int imm) {
        if (bytes == 8) throw new IllegalArgumentException("legacy packet loads are 1, 2 or 4 bytes");
        return add(LD | sizeOf(bytes) | ABS, Register.R0, Register.R0, 0, imm);
    }

    /** Legacy packet load {@code r0 = ntoh(*(size *)(skb->data + src + imm))}; socket filters only. */
    public Asm ldInd(int bytes, Register src, int imm) {
        if (bytes == 8) throw new IllegalArgumentException("legacy packet loads are 1, 2 or 4 bytes");
        return add(LD | sizeOf(bytes) | IND, Register.R0, src, 0, imm);
    }

    // ---- jumps and calls -------------------------------------------------------------------------------------

    /** A conditional jump on {@code dst op imm} to {@code label} (class JMP when {@code wide}, else JMP32). */
    public Asm jump(int op, boolean wide, Register dst, int imm, String label) {
        return addLabelled((wide ? JMP : JMP32) | op | K, dst, Register.R0, 0, imm, label, Fixup.OFFSET);
    }

    /** A conditional jump on {@code dst op src} to {@code label}. */
    public Asm jump(int op, boolean wide, Register dst, Register src, String label) {
        return addLabelled((wide ? JMP : JMP32) | op | X, dst, src, 0, 0, label, Fixup.OFFSET);
    }

    /** {@code goto label}. */
    public Asm ja(String label) {
        return addLabelled(JMP | JA, Register.R0, Register.R0, 0, 0, label, Fixup.OFFSET);
    }

    /** {@code gotol label} (v4: 32-bit jump offset in the immediate). */
    public Asm gotol(String label) {
        return addLabelled(JMP32 | JA, Register.R0, Register.R0, 0, 0, label, Fixup.IMM);
    }

    public Asm jeq(Register dst, int imm, String label) { return jump(JEQ, true, dst, imm, label); }
    public Asm jeq(Register dst, Register src, String label) { return jump(JEQ, true, dst, src, label); }
    public Asm jne(Register dst, int imm, String label) { return jump(JNE, true, dst, imm, label); }
    public Asm jne(Register dst, Register src, String label) { return jump(JNE, true, dst, src, label); }
    public Asm jgt(Register dst, int imm, String label) { return jump(JGT, true, dst, imm, label); }
    public Asm jgt(Register dst, Register src, String label) { return jump(JGT, true, dst, src, label); }
    public Asm jge(Register dst, int imm, String label) { return jump(JGE, true, dst, imm, label); }
    public Asm jge(Register dst, Register src, String label) { return jump(JGE, true, dst, src, label); }
    public Asm jlt(Register dst, int imm, String label) { return jump(JLT, true, dst, imm, label); }
    public Asm jlt(Register dst, Register src, String label) { return jump(JLT, true, dst, src, label); }
    public Asm jle(Register dst, int imm, String label) { return jump(JLE, true, dst, imm, label); }
    public Asm jle(Register dst, Register src, String label) { return jump(JLE, true, dst, src, label); }
    public Asm jsgt(Register dst, int imm, String label) { return jump(JSGT, true, dst, imm, label); }
    public Asm jsgt(Register dst, Register src, String label) { return jump(JSGT, true, dst, src, label); }
    public Asm jsge(Register dst, int imm, String label) { return jump(JSGE, true, dst, imm, label); }
    public Asm jsge(Register dst, Register src, String label) { return jump(JSGE, true, dst, src, label); }
    public Asm jslt(Register dst, int imm, String label) { return jump(JSLT, true, dst, imm, label); }
    public Asm jslt(Register dst, Register src, String label) { return jump(JSLT, true, dst, src, label); }
    public Asm jsle(Register dst, int imm, String label) { return jump(JSLE, true, dst, imm, label); }
    public Asm jsle(Register dst, Register src, String label) { return jump(JSLE, true, dst, src, label); }
    public Asm jset(Register dst, int imm, String label) { return jump(JSET, true, dst, imm, label); }
    public Asm jset(Register dst, Register src, String label) { return jump(JSET, true, dst, src, label); }

    /** {@code call helper#id}. */
    public Asm call(int helperId) {
        return add(JMP | CALL, Register.R0, Register.R0, 0, helperId);
    }

    /** {@code call bpf_<helper>}. */
    public Asm call(HelperFunction helper) {
        return call(helper.number());
    }

    /** bpf-to-bpf call of the function starting at {@code label} (src = BPF_PSEUDO_CALL). */
    public Asm callLocal(String label) {
        return addLabelled(JMP | CALL, Register.R0, Register.of(PSEUDO_CALL), 0, 0, label, Fixup.IMM);
    }

    /** kfunc call by BTF id; {@code btfFdIndex} selects a module BTF from the fd array (0 = vmlinux). */
    public Asm callKfunc(int btfId, int btfFdIndex) {
        return add(JMP | CALL, Register.R0, Register.of(PSEUDO_KFUNC_CALL), btfFdIndex, btfId);
    }

    /** {@code callx dst}: indirect call through a register (RFC 9669 "call by address"; not accepted by Linux). */
    public Asm callx(Register target) {
        return add(JMP | CALL | X, target, Register.R0, 0, 0);
    }

    /** {@code exit}. */
    public Asm exit() {
        return add(JMP | EXIT, Register.R0, Register.R0, 0, 0);
    }

    // ---- result ------------------------------------------------------------------------------------------------

    /** Number of instructions appended so far (lddw counts once). */
    public int size() {
        return entries.size();
    }

    /** Resolves labels and returns the instructions. */
    public List<Instruction> build() {
        int[] slotOf = new int[entries.size() + 1];
        int slot = 0;
        for (int i = 0; i < entries.size(); i++) {
            slotOf[i] = slot;
            slot += entries.get(i).insn().slots();
        }
        slotOf[entries.size()] = slot;
        List<Instruction> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Instruction insn = e.insn();
            if (e.target() != null) {
                Integer targetIndex = labels.get(e.target());
                if (targetIndex == null) {
                    throw new IllegalArgumentException("instruction " + i + " refers to undefined label '" + e.target()
                            + "'; defined labels: " + labels.keySet());
                }
                long delta = (long) slotOf[targetIndex] - (slotOf[i] + 1);
                if (e.fixup() == Fixup.OFFSET) {
                    if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
                        throw new IllegalArgumentException("jump from instruction " + i + " to '" + e.target()
                                + "' spans " + delta + " slots, beyond the 16-bit offset; use gotol");
                    }
                    insn = insn.withOffset((int) delta);
                } else {
                    insn = insn.withConstant(delta);
                }
            }
            out.add(insn);
        }
        return List.copyOf(out);
    }
}
