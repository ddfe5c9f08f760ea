package dev.ebpf4j.asm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The bpftool style consults {@link CallNames} the way the kernel's printer consults bpftool's callback. */
class CallNamesTest {
    private static Instruction insn(int opcode, int dst, int src, int off, long imm) {
        return new Instruction(opcode, dst, src, off, imm);
    }

    @Test
    void helperIdsWinThenTheHookThenTheDefault() {
        List<Instruction> asked = new ArrayList<>();
        Disassembler d = Disassembler.bpftool().withCallNames(call -> {
            asked.add(call);
            return call.imm() == -1000 ? "bpf_map_lookup_elem" : null;
        });
        assertEquals("(85) call bpf_ktime_get_ns#5", d.format(insn(0x85, 0, 0, 0, 5), 0));
        assertEquals("(85) call bpf_map_lookup_elem#-1000", d.format(insn(0x85, 0, 0, 0, -1000), 0));
        assertEquals("(85) call unknown#-7", d.format(insn(0x85, 0, 0, 0, -7), 0));
        assertEquals("(85) call kernel-function#-7", d.format(insn(0x85, 0, 2, 0, -7), 0));
        assertEquals(3, asked.size(), "a known helper id needs no hook: " + asked);
    }

    @Test
    void bpfToBpfCallsPrintTheHooksTextAfterPc() {
        Disassembler d = Disassembler.bpftool().withCallNames(call -> "+" + call.offset() + "#sub" + call.imm());
        assertEquals("(85) call pc+2#sub1", d.format(insn(0x85, 0, 1, 2, 1), 0));
        assertEquals("(85) call pc+1", Disassembler.bpftool().format(insn(0x85, 0, 1, 2, 1), 0),
                "without a hook the immediate is the offset, as before loading");
        assertEquals("   0: (85) call pc+2#sub1\n   1: (95) exit\n",
                d.listing(List.of(insn(0x85, 0, 1, 2, 1), Instruction.EXIT)));
    }

    @Test
    void theVerifiersSpeculationBarrierHasAName() {
        assertEquals("(c2) nospec", Disassembler.bpftool().format(insn(0xc2, 0, 0, 0, 0), 0));
    }
}
