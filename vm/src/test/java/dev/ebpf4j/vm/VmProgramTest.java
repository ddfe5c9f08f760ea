package dev.ebpf4j.vm;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kernel-mode programs on both engines: contexts, test runs, maps, ring buffers, tail calls, bpf_loop, helpers. */
class VmProgramTest {

    static byte[] frame(int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) f[i] = (byte) (i * 7 + 1);
        f[0] = 0;
        f[1] = 0;
        f[2] = 0;
        f[3] = 0;
        f[4] = 0;
        f[5] = 0;
        f[12] = 0x08;
        f[13] = 0x00;
        return f;
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void xdpRewritesPacketAndReturnsAction(VmOptions.Engine e) {
        VmProgram p = EngineCase.load(e, ProgramType.XDP, new Asm()
                .ldxw(R2, R1, 0).ldxw(R3, R1, 4)
                .mov64(R4, R2).add64(R4, 14).jgt(R4, R3, "drop")
                .ldxb(R5, R2, 0).add64(R5, 1).stxb(R2, 0, R5)       // bump the first byte
                .mov64(R0, R3).sub64(R0, R2)                           // length
                .ldxw(R6, R1, 12).lsh64(R6, 16).or64(R0, R6)           // | ingress_ifindex << 16
                .exit()
                .label("drop").mov64(R0, 1).exit().build(), new VmMaps());
        byte[] in = frame(60);
        TestRunResult r = p.testRun(TestRun.withData(in));
        assertEquals(60 | 1 << 16, r.returnValue());
        byte[] expected = in.clone();
        expected[0]++;
        assertArrayEquals(expected, r.dataOut());
        assertEquals(1, p.testRun(TestRun.withData(new byte[10])).returnValue());
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void socketFilterSeesSkbFieldsAndLegacyLoads(VmOptions.Engine e) {
        VmProgram p = EngineCase.load(e, ProgramType.SOCKET_FILTER, new Asm()
                .mov64(R6, R1)
                .ldxw(R7, R6, 0)                        // len
                .ldxw(R8, R6, 16)                       // protocol
                .ldAbs(1, 9)                            // IPv4 protocol byte (network header at offset 0)
                .lsh64(R0, 32).or64(R0, R7)
                .lsh64(R8, 48).or64(R0, R8)
                .exit().build(), new VmMaps());
        byte[] in = frame(34);
        in[14 + 9] = 17;
        TestRunResult r = p.testRun(TestRun.withData(in));
        assertEquals(20, r.returnValue());   // retval is 32 bits
        byte[] out = r.dataOut();
        assertEquals(34, out.length);
        for (int i = 0; i < 14; i++) assertEquals(0, out[i], "the Ethernet header comes back zeroed");
        // a legacy load past the end ends the program with 0
        VmProgram oob = EngineCase.load(e, ProgramType.SOCKET_FILTER, new Asm().mov64(R6, R1).ldAbs(4, 100)
                .mov64(R0, 7).exit().build(), new VmMaps());
        assertEquals(0, oob.testRun(TestRun.withData(in)).returnValue());
        VmProgram ind = EngineCase.load(e, ProgramType.SOCKET_FILTER, new Asm().mov64(R6, R1).mov64(R2, 2)
                .ldInd(2, R2, 0).exit().build(), new VmMaps());
        assertEquals(((in[16] & 0xff) << 8) | (in[17] & 0xff), ind.testRun(TestRun.withData(in)).returnValue());
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void mapsAreSharedWithJava(VmOptions.Engine e) {
        VmMaps maps = new VmMaps();
        VmMap counts = maps.create(MapSpec.hash("counts", 4, 8, 16));
        VmProgram p = EngineCase.load(e, ProgramType.XDP, new Asm()
                .stw(R10, -4, 7)
                .mov64(R2, R10).add64(R2, -4).ldMapByName(R1, "counts").call(HelperFunction.MAP_LOOKUP_ELEM)
                .jne(R0, 0, "found")
                .stdw(R10, -16, 1)
                .mov64(R2, R10).add64(R2, -4).mov64(R3, R10).add64(R3, -16).mov64(R4, 0)
                .ldMapByName(R1, "counts").call(HelperFunction.MAP_UPDATE_ELEM)
                .mov64(R0, 2).exit()
                .label("found").mov64(R1, 1).atomicAdd64(R0, 0, R1).mov64(R0, 2).exit().build(), maps);
        for (int i = 0; i < 5; i++) p.testRun(TestRun.withData(frame(20)));
        assertArrayEquals(le64(5), counts.lookup(le32(7)).orElseThrow());
        counts.update(le32(7), le64(100));
        p.testRun(TestRun.withData(frame(20)));
        assertArrayEquals(le64(101), counts.lookup(le32(7)).orElseThrow());
        assertEquals(1, counts.keys().size());
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void ringBufferRecordsReachJava(VmOptions.Engine e) {
        VmMaps maps = new VmMaps();
        VmRingBuffer rb = (VmRingBuffer) maps.create(MapSpec.ringBuffer("events", 4096));
        VmProgram p = EngineCase.load(e, ProgramType.XDP, new Asm()
                .mov64(R6, R1)
                .ldMapByName(R1, "events").mov64(R2, 8).mov64(R3, 0).call(HelperFunction.RINGBUF_RESERVE)
                .jeq(R0, 0, "out")
                .ldxw(R2, R6, 12).stxdw(R0, 0, R2)
                .mov64(R1, R0).mov64(R2, 0).call(HelperFunction.RINGBUF_SUBMIT)
                .stdw(R10, -8, 0x42)
                .ldMapByName(R1, "events").mov64(R2, R10).add64(R2, -8).mov64(R3, 8).mov64(R4, 0)
                .call(HelperFunction.RINGBUF_OUTPUT)
                .label("out").mov64(R0, 2).exit().build(), maps);
        for (int i = 0; i < 3; i++) p.testRun(TestRun.withData(frame(20)));
        List<byte[]> records = new ArrayList<>();
        assertEquals(6, rb.poll(records::add));
        assertArrayEquals(le64(1), records.get(0));
        assertArrayEquals(le64(0x42), records.get(1));
        assertEquals(0, rb.available());
        // fill the ring: reservations then fail and return NULL, the program still passes
        for (int i = 0; i < 300; i++) assertEquals(2, p.testRun(TestRun.withData(frame(20))).returnValue());
        assertTrue(rb.poll(r -> { }) > 100);
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void tailCallsJumpToTheTarget(VmOptions.Engine e) {
        VmMaps maps = new VmMaps();
        VmProgramArray jumps = (VmProgramArray) maps.create(MapSpec.builder(MapType.PROG_ARRAY).name("jumps")
                .keySize(4).valueSize(4).maxEntries(4).build());
        VmProgram second = EngineCase.load(e, ProgramType.XDP, new Asm().ldxw(R0, R1, 16).add64(R0, 40).exit()
                .build(), maps);
        VmProgram first = EngineCase.load(e, ProgramType.XDP, new Asm()
                .ldMapByName(R2, "jumps").mov64(R3, 1).call(HelperFunction.TAIL_CALL)
                .mov64(R0, 3).exit().build(), maps);
        assertEquals(3, first.testRun(TestRun.withData(frame(20))).returnValue(), "empty slot: falls through");
        jumps.set(1, second);
        assertEquals(40, first.testRun(TestRun.withData(frame(20))).returnValue());
        // a program that tail-calls itself stops after 33 tail calls
        VmMaps loopMaps = new VmMaps();
        VmProgramArray self = (VmProgramArray) loopMaps.create(MapSpec.builder(MapType.PROG_ARRAY).name("self")
                .keySize(4).valueSize(4).maxEntries(1).build());
        VmMap hits = loopMaps.create(MapSpec.array("hits", 8, 1));
        VmProgram looping = EngineCase.load(e, ProgramType.XDP, new Asm()
                .mov64(R6, R1)
                .stw(R10, -4, 0).mov64(R2, R10).add64(R2, -4).ldMapByName(R1, "hits")
                .call(HelperFunction.MAP_LOOKUP_ELEM).jeq(R0, 0, "skip").mov64(R1, 1).atomicAdd64(R0, 0, R1)
                .label("skip")
                .mov64(R1, R6).ldMapByName(R2, "self").mov64(R3, 0).call(HelperFunction.TAIL_CALL)
                .mov64(R0, 9).exit().build(), loopMaps);
        self.set(0, looping);
        assertEquals(9, looping.testRun(TestRun.withData(frame(20))).returnValue());
        assertArrayEquals(le64(34), hits.lookup(le32(0)).orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void bpfLoopRunsTheCallback(VmOptions.Engine e) {
        VmProgram p = EngineCase.load(e, ProgramType.XDP, new Asm()
                .stdw(R10, -8, 0)
                .mov64(R1, 10).ldFunc(R2, "cb").mov64(R3, R10).add64(R3, -8).mov64(R4, 0)
                .call(HelperFunction.LOOP)
                .ldxdw(R1, R10, -8).lsh64(R0, 32).or64(R0, R1).exit()
                .label("cb")   // r1 = index, r2 = ctx
                .ldxdw(R3, R2, 0).add64(R3, R1).stxdw(R2, 0, R3)
                .mov64(R0, 0).jne(R1, 6, "go").mov64(R0, 1).label("go").exit().build(), new VmMaps());
        // indices 0..6 summed = 21; 7 iterations
        TestRunResult r = p.testRun(TestRun.withData(frame(20)));
        assertEquals(21, r.returnValue());
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void applicationHelpers(VmOptions.Engine e) {
        HelperRegistry helpers = HelperRegistry.standard()
                .register(1000, HelperSignature.of("sum_bytes", ReturnType.INTEGER, ArgType.PTR_TO_MEM,
                        ArgType.CONST_SIZE), (ctx, r1, r2, r3, r4, r5) -> {
                            long s = 0;
                            for (byte b : ctx.read(r1, (int) r2)) s += b & 0xff;
                            return s;
                        });
        List<String> trace = new ArrayList<>();
        VmProgram p = Vm.load(dev.ebpf4j.ProgramSpec.builder(ProgramType.XDP).name("h").instructions(new Asm()
                .ldxw(R2, R1, 0).ldxw(R3, R1, 4)
                .mov64(R4, R2).add64(R4, 8).jgt(R4, R3, "drop")
                .mov64(R1, R2).mov64(R2, 8).call(1000)
                .mov64(R6, R0)
                .stdw(R10, -8, 0x0a7825)   // "%x\n"
                .mov64(R1, R10).add64(R1, -8).mov64(R2, 4).mov64(R3, R6).call(HelperFunction.TRACE_PRINTK)
                .mov64(R0, R6).exit()
                .label("drop").mov64(R0, 0).exit().build()).build(), new VmMaps(),
                VmOptions.defaults().engine(e).helpers(helpers).traceSink(trace::add));
        byte[] in = frame(20);
        long expected = 0;
        for (int i = 0; i < 8; i++) expected += in[i] & 0xff;
        assertEquals(expected, p.testRun(TestRun.withData(in)).returnValue());
        assertEquals(List.of(Long.toHexString(expected) + "\n"), trace);
    }
}
