package dev.ebpf4j.bench.vm;

import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;

import static dev.ebpf4j.asm.Register.*;

/**
 * The loop-heavy XDP programs the VM benchmarks run, with the exact number of instructions one run executes (so
 * that scores come out in nanoseconds per instruction).
 * <ul>
 *   <li>{@link #alu()}: 1000 iterations of multiply/xor/shift/add with a stack spill and fill (10 instructions per
 *   iteration).</li>
 *   <li>{@link #packet()}: a byte-wise checksum over the 64-byte packet, each byte bounds-checked against
 *   {@code data_end} as the verifiers require (9 instructions per byte), 16 passes.</li>
 * </ul>
 *
 * <pre>{@code
 * ProgramSpec spec = LoopPrograms.alu();
 * long perRun = LoopPrograms.ALU_INSNS;
 * }</pre>
 */
public final class LoopPrograms {
    private LoopPrograms() {
    }

    /** Packet bytes the programs read. */
    public static final int PACKET = 64;
    static final int ALU_ITERATIONS = 1000;
    /** Instructions one run of {@link #alu()} executes: 8 before the loop, 10 per iteration, 2 after. */
    public static final int ALU_INSNS = 8 + 10 * ALU_ITERATIONS + 2;
    static final int PACKET_PASSES = 16;
    /** Instructions one run of {@link #packet()} executes. */
    public static final int PACKET_INSNS = 4 + PACKET_PASSES * (3 + 9 * PACKET + 2) + 2;

    public static ProgramSpec alu() {
        return ProgramSpec.builder(ProgramType.XDP).name("bench_alu").instructions(new Asm()
                .ldxw(R2, R1, 0).ldxw(R3, R1, 4)
                .mov64(R4, R2).add64(R4, PACKET).jgt(R4, R3, "out")        // 5 (not taken)
                .ldxdw(R4, R2, 0)
                .mov64(R0, 0).mov64(R1, 0)                                 // 8 before the loop
                .label("loop")
                .mov64(R5, R4).mul64(R5, 0x9e3779b1).xor64(R5, R1).add64(R0, R5)
                .rsh64(R5, 7).xor64(R0, R5)
                .stxdw(R10, -8, R0).ldxdw(R0, R10, -8)
                .add64(R1, 1).jlt(R1, ALU_ITERATIONS, "loop")             // 10 per iteration
                .and64(R0, 3).exit()                                       // 2 after
                .label("out").mov64(R0, 0).exit()
                .build()).build();
    }

    public static ProgramSpec packet() {
        return ProgramSpec.builder(ProgramType.XDP).name("bench_packet").instructions(new Asm()
                .ldxw(R2, R1, 0).ldxw(R3, R1, 4)
                .mov64(R0, 0).mov64(R6, 0)                                 // 4
                .label("pass")
                .mov64(R1, 0).mov64(R7, R2).mov64(R8, R2)                  // 3 per pass
                .label("byte")
                .mov64(R8, R7).add64(R8, 1).jgt(R8, R3, "done")
                .ldxb(R4, R7, 0).add64(R0, R4).lsh64(R0, 1)
                .add64(R7, 1).add64(R1, 1).jlt(R1, PACKET, "byte")         // 9 per byte
                .add64(R6, 1).jlt(R6, PACKET_PASSES, "pass")               // 2 per pass
                .label("done")
                .and64(R0, 3).exit()                                       // 2
                .build()).build();
    }
}
