package dev.ebpf4j.readertests;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Opcodes;
import dev.ebpf4j.ringbuf.DropCounter;

import java.util.ArrayList;
import java.util.List;

import static dev.ebpf4j.asm.Register.*;

/**
 * Builds the tracepoint program the reader tests use: for hits from one thread (filtered on bpf_get_current_pid_tgid),
 * take the next sequence number from a global counter (atomic fetch-add in an array map), build a record of
 * {@code recordSize} bytes on the stack (word 0 = seq, word k = seq + k) and send it to every configured ring buffer
 * and/or the perf buffer, counting failed writes in drop counters.
 */
public final class EventProgram {
    private final long pidTgid;
    private final BpfMap sequence;
    private int recordSize = 8;
    private final List<BpfMap> rings = new ArrayList<>();
    private BpfMap perf;
    private DropCounter ringDrops;
    private DropCounter perfDrops;
    private boolean reserveDiscardOdd;

    private EventProgram(long pidTgid, BpfMap sequence) {
        this.pidTgid = pidTgid;
        this.sequence = sequence;
    }

    /** A program for hits from the calling thread, numbering records with {@code sequence} (array, 1 x u64). */
    public static EventProgram forThisThread(BpfMap sequence) {
        return new EventProgram(Syscalls.currentPidTgid(), sequence);
    }

    /** The counter map the program numbers records with. */
    public static BpfMap sequenceMap() {
        return BpfMap.create(MapSpec.array("seq", 8, 1));
    }

    public EventProgram recordSize(int bytes) {
        if (bytes < 8 || bytes % 8 != 0 || bytes > 256) throw new IllegalArgumentException("record size " + bytes);
        this.recordSize = bytes;
        return this;
    }

    public EventProgram ring(BpfMap ring) {
        rings.add(ring);
        return this;
    }

    public EventProgram perf(BpfMap perfEventArray) {
        this.perf = perfEventArray;
        return this;
    }

    public EventProgram ringDrops(DropCounter drops) {
        this.ringDrops = drops;
        return this;
    }

    public EventProgram perfDrops(DropCounter drops) {
        this.perfDrops = drops;
        return this;
    }

    /** Use bpf_ringbuf_reserve and submit records with even sequence numbers, discard odd ones. */
    public EventProgram reserveDiscardOdd() {
        this.reserveDiscardOdd = true;
        return this;
    }

    /** The expected value of word {@code k} of record {@code seq}. */
    public static long word(long seq, int k) {
        return seq + k;
    }

    public Program load() {
        int base = -8 - recordSize;
        Asm a = new Asm()
                .mov64(R6, R1)
                .call(HelperFunction.GET_CURRENT_PID_TGID)
                .lddw(R1, pidTgid)
                .jne(R0, R1, "out")
                .stw(R10, -4, 0)
                .mov64(R2, R10).add64(R2, -4)
                .ldMapFd(R1, sequence.fd())
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out")
                .mov64(R7, 1)
                .atomic(8, Opcodes.ATOMIC_ADD | Opcodes.FETCH, R0, 0, R7)
                .stxdw(R10, base, R7);
        for (int k = 1; k < recordSize / 8; k++) {
            a.mov64(R8, R7).add64(R8, k).stxdw(R10, base + 8 * k, R8);
        }
        for (int i = 0; i < rings.size(); i++) {
            BpfMap ring = rings.get(i);
            if (reserveDiscardOdd) {
                a.ldMapFd(R1, ring.fd()).mov64(R2, recordSize).mov64(R3, 0)
                        .call(HelperFunction.RINGBUF_RESERVE)
                        .jne(R0, 0, "got" + i);
                if (ringDrops != null) ringDrops.emitIncrement(a, -4);
                a.ja("next" + i)
                        .label("got" + i)
                        .mov64(R9, R0);
                for (int k = 0; k < recordSize / 8; k++) a.ldxdw(R1, R10, base + 8 * k).stxdw(R9, 8 * k, R1);
                a.mov64(R1, R9).mov64(R2, 0)
                        .mov64(R3, R7).and64(R3, 1)
                        .jeq(R3, 0, "submit" + i)
                        .call(HelperFunction.RINGBUF_DISCARD)
                        .ja("next" + i)
                        .label("submit" + i)
                        .call(HelperFunction.RINGBUF_SUBMIT)
                        .label("next" + i);
            } else {
                a.ldMapFd(R1, ring.fd()).mov64(R2, R10).add64(R2, base).mov64(R3, recordSize).mov64(R4, 0)
                        .call(HelperFunction.RINGBUF_OUTPUT);
                if (ringDrops != null) ringDrops.emitCountIfNegative(a, -4);
            }
        }
        if (perf != null) {
            a.mov64(R1, R6).ldMapFd(R2, perf.fd()).mov32(R3, -1) // BPF_F_CURRENT_CPU
                    .mov64(R4, R10).add64(R4, base).mov64(R5, recordSize)
                    .call(HelperFunction.PERF_EVENT_OUTPUT);
            if (perfDrops != null) perfDrops.emitCountIfNegative(a, -4);
        }
        a.label("out").mov64(R0, 0).exit();
        return Program.load(ProgramSpec.builder(ProgramType.TRACEPOINT).name("reader_events")
                .instructions(a.build()).build());
    }
}
