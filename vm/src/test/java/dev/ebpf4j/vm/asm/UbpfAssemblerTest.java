package dev.ebpf4j.vm.asm;

import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The uBPF text syntax assembles to the same instructions as the Java builder, and bad lines name themselves. */
class UbpfAssemblerTest {

    @Test
    void assemblesEveryForm() {
        List<Instruction> text = UbpfAssembler.assemble("""
                mov %r0, 1            # comment
                add32 %r0, %r1
                sdiv %r0, -3
                movsx1664 %r2, %r3
                be16 %r0
                bswap64 %r4
                ldxw %r0, [%r1+8]
                ldxsh %r0, [%r1-2]
                stb [%r10-1], 0xff
                stxdw [%r1], %r2
                lddw %r5, 0x1122334455667788
                lock fetch add32 [%r1+4], %r3
                lock cmpxchg [%r1], %r2
                jne %r0, 15, out
                jsle32 %r0, %r1, +1
                call 5
                call %r2
                ldabsh 12
                ldindb %r1, 2
                out:
                exit
                """);
        List<Instruction> built = new Asm()
                .mov64(R0, 1).add32(R0, R1).sdiv64(R0, -3).movsx64(R2, R3, 16).toBe(R0, 16).bswap(R4, 64)
                .ldxw(R0, R1, 8).ldxs(2, R0, R1, -2).stb(R10, -1, 0xff).stxdw(R1, 0, R2)
                .lddw(R5, 0x1122334455667788L)
                .atomic(4, Opcodes.ATOMIC_ADD | Opcodes.FETCH, R1, 4, R3).atomic(8, Opcodes.CMPXCHG, R1, 0, R2)
                .jne(R0, 15, "out").raw(new Instruction(Opcodes.JMP32 | Opcodes.JSLE | Opcodes.X, 0, 1, 1, 0))
                .call(5).callx(R2).ldAbs(2, 12).ldInd(1, R1, 2)
                .label("out").exit().build();
        assertEquals(built, text);
    }

    @Test
    void refusesBadLines() {
        String[][] bad = {
                {"ldxq %r0, %r1\nexit", "Invalid mnemonic"},
                {"or %r0, %r50\nexit", "Invalid register"},
                {"mov32 %r0, 2147483648\nexit", "out of 32-bit range"},
                {"mov32 %r0, 0x100000000\nexit", "out of 32-bit range"},
                {"ldxb %r0, [%r1+0x10000]\nexit", "out of 16-bit range"},
                {"lddw %r0\nexit", "Invalid number of operands"},
                {"lock\nexit", "Invalid number of operands for lock"},
                {"ja nowhere\nexit", "undefined label"},
        };
        for (String[] b : bad) {
            AssemblyException e = assertThrows(AssemblyException.class, () -> UbpfAssembler.assemble(b[0]), b[0]);
            assertTrue(e.getMessage().contains(b[1]), e.getMessage());
        }
    }
}
