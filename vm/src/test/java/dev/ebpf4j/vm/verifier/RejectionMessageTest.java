package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.vm.Vm;
import org.junit.jupiter.api.Test;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rejection names the instruction and the reason, and its log shows the instruction and the register state. */
class RejectionMessageTest {
    @Test
    void namesInstructionReasonAndState() {
        VerifierException e = assertThrows(VerifierException.class, () -> Vm.load(ProgramType.XDP,
                new Asm().ldxw(R2, R1, 0).mov64(R0, 0).ldxh(R0, R2, 12).exit().build()));
        assertEquals(2, e.instruction());
        assertEquals("invalid access to packet, off=12 size=2, R2(id=0,off=0,r=0)", e.reason());
        assertTrue(e.log().contains("2: (69) r0 = *(u16 *)(r2 +12)"), e.log());
        assertTrue(e.log().contains("R2=pkt(off=0,r=0)"), e.log());
        assertTrue(e.getMessage().contains("program '' (xdp): verifier rejected the program at instruction 2"),
                e.getMessage());
    }
}
