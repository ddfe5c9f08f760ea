package dev.ebpf4j.btf.core;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Opcodes;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.btf.BtfCoreReloKind;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfMember;

import java.util.List;

/** Shorthands for the synthetic CO-RE tests: BTF building, instructions and relocations. */
final class CoreTesting {
    private CoreTesting() {
    }

    /** A builder that starts with int [1], unsigned int [2], long [3], unsigned long [4], char [5]. */
    static BtfBuilder builder() {
        BtfBuilder b = new BtfBuilder();
        b.addInt("int", 4, BtfIntEncoding.SIGNED);
        b.addInt("unsigned int", 4, BtfIntEncoding.NONE);
        b.addInt("long", 8, BtfIntEncoding.SIGNED);
        b.addInt("unsigned long", 8, BtfIntEncoding.NONE);
        b.addInt("char", 1, BtfIntEncoding.CHAR);
        return b;
    }

    static final int INT = 1;
    static final int UINT = 2;
    static final int LONG = 3;
    static final int ULONG = 4;
    static final int CHAR = 5;

    static BtfMember m(String name, int type, int bitOffset) {
        return new BtfMember(name, type, bitOffset, 0);
    }

    static BtfMember bits(String name, int type, int bitOffset, int size) {
        return new BtfMember(name, type, bitOffset, size);
    }

    /** {@code r0 = imm} (ALU64 MOV K). */
    static Instruction mov(long imm) {
        return new Instruction(Opcodes.ALU64 | Opcodes.MOV | Opcodes.K, 0, 0, 0, imm);
    }

    /** {@code r0 += imm}. */
    static Instruction add(long imm) {
        return new Instruction(Opcodes.ALU64 | Opcodes.ADD | Opcodes.K, 0, 0, 0, imm);
    }

    /** {@code r0 = *(size *)(r1 + off)}. */
    static Instruction ldx(int bytes, int off) {
        return new Instruction(Opcodes.LDX | Opcodes.MEM | Opcodes.sizeOf(bytes), 0, 1, off, 0);
    }

    /** {@code r0 = imm64 ll}. */
    static Instruction lddw(long imm) {
        return new Instruction(Instruction.LDDW, 0, 0, 0, imm);
    }

    static final Instruction EXIT = Instruction.EXIT;

    static BtfCoreRelo relo(int slot, int typeId, String access, BtfCoreReloKind kind) {
        return new BtfCoreRelo(slot * 8, typeId, access, kind);
    }

    static CoreResult apply(Btf target, List<Instruction> insns, Btf local, BtfCoreRelo... relos) {
        return CoreRelocator.forTargets(List.of(target)).apply("test", insns, local, List.of(relos));
    }

    static final Instruction POISON = new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, 0,
            CoreRelocator.POISON_HELPER_ID);
}
