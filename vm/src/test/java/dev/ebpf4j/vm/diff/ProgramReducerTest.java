package dev.ebpf4j.vm.diff;

import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Instruction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Deleting an instruction keeps every jump, call and function reference on its target. */
class ProgramReducerTest {

    @Test
    void jumpsAcrossTheDeletionAreShortened() {
        List<Instruction> p = new Asm().mov64(R0, 0).jeq(R1, 0, "end").mov64(R0, 1).lddw(R2, 5).mov64(R0, 2)
                .label("end").exit().build();
        // slots: 0 mov, 1 jeq +4, 2 mov, 3-4 lddw, 5 mov, 6 exit
        List<Instruction> q = ProgramReducer.without(p, 3);   // the lddw
        assertEquals(2, q.get(1).offset());
        assertEquals(5, q.size());
        List<Instruction> r = ProgramReducer.without(p, 0);   // before the jump: its offset stays
        assertEquals(4, r.get(0).offset());
    }

    @Test
    void aJumpToTheDeletedInstructionLandsOnTheNextOne() {
        List<Instruction> p = new Asm().jeq(R1, 0, "t").mov64(R0, 1).label("t").mov64(R0, 2).exit().build();
        List<Instruction> q = ProgramReducer.without(p, 2);
        assertEquals(1, q.get(0).offset());   // now on the exit
    }

    @Test
    void backwardJumpsAndLocalCallsAreRetargeted() {
        List<Instruction> p = new Asm().mov64(R1, 0).label("top").add64(R1, 1).mov64(R2, 3).jlt(R1, 3, "top")
                .callLocal("f").exit()
                .label("f").mov64(R0, 0).exit().build();
        List<Instruction> q = ProgramReducer.without(p, 2);   // inside the loop
        assertEquals(-2, q.get(2).offset());
        assertEquals(1, q.get(3).imm());                       // call over the exit to f
    }
}
