package dev.ebpf4j.vm;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.asm.UbpfAssembler;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.jit.JitCompiler;
import dev.ebpf4j.vm.mem.Addresses;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntUnaryOperator;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JIT's region-specialised loads and stores (accesses whose region the verifier recorded, and accesses through
 * r10) behave exactly as the interpreter's generic accessors: every size and signedness in every kind of region, in
 * bounds and out of bounds (same exception type and message), and when the recorded region is wrong (the address's
 * region tag is checked, so a wrong hint only costs the generic path).
 */
class RegionAccessTest {

    /** Loads and stores of every size on the packet, the stack (r10 and a copy), the context and a map value. */
    private static List<Instruction> everyKindOfAccess() {
        return new Asm()
                .mov64(R6, R1)
                .ldxw(R2, R6, 0).ldxw(R3, R6, 4)
                .mov64(R4, R2).add64(R4, 64).jgt(R4, R3, "out")
                // packet loads, zero- and sign-extending
                .ldxb(R5, R2, 1).stxdw(R10, -8, R5)
                .ldxh(R5, R2, 2).stxdw(R10, -16, R5)
                .ldxw(R5, R2, 4).stxdw(R10, -24, R5)
                .ldxdw(R5, R2, 8).stxdw(R10, -32, R5)
                .ldxs(1, R5, R2, 9).stxdw(R10, -40, R5)
                .ldxs(2, R5, R2, 10).stxdw(R10, -48, R5)
                .ldxs(4, R5, R2, 12).stxdw(R10, -56, R5)
                // stack stores of every size through r10, immediate and register
                .stb(R10, -57, -5).sth(R10, -60, -4).stw(R10, -64, -3).stdw(R10, -72, -2)
                .ldxdw(R5, R2, 16).stxb(R10, -73, R5).stxh(R10, -76, R5).stxw(R10, -80, R5)
                // stack loads through a copy of r10
                .mov64(R7, R10).add64(R7, -80)
                .ldxs(1, R5, R7, 7).stxdw(R2, 16, R5)
                .ldxs(2, R5, R7, 16).stxdw(R2, 24, R5)
                .ldxs(4, R5, R7, 12).stxdw(R2, 32, R5)
                .ldxh(R5, R7, 4).stxh(R2, 40, R5)
                .ldxw(R5, R7, 0).stxw(R2, 42, R5)
                .ldxb(R5, R7, 23).stxb(R2, 46, R5)
                .ldxdw(R5, R7, 8).stxdw(R2, 48, R5)
                // packet stores of immediates
                .stb(R2, 56, 0x7f).sth(R2, 57, -300).stw(R2, 59, 0x12345678)
                // context field
                .ldxw(R5, R6, 12).stxb(R2, 63, R5)
                // a map value
                .stw(R10, -84, 1)
                .ldMapByName(R1, "vals").mov64(R2, R10).add64(R2, -84)
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out")
                .ldxdw(R5, R10, -32).stxdw(R0, 0, R5)
                .ldxw(R5, R0, 8).add64(R5, 1).stxw(R0, 8, R5)
                .ldxs(2, R5, R0, 12).stxh(R0, 14, R5)
                .ldxb(R5, R0, 16).stxb(R0, 17, R5)
                .sth(R0, 18, -7)
                // r0: a mix of the stack
                .ldxdw(R0, R10, -8).ldxdw(R5, R10, -16).xor64(R0, R5).ldxdw(R5, R10, -24).add64(R0, R5)
                .ldxdw(R5, R10, -40).xor64(R0, R5).ldxdw(R5, R10, -48).add64(R0, R5)
                .ldxdw(R5, R10, -56).xor64(R0, R5).ldxdw(R5, R10, -72).add64(R0, R5)
                .exit()
                .label("out").mov64(R0, 0).exit()
                .build();
    }

    private record Outcome(long r0, String data, String map) {
    }

    private static byte[] frame() {
        byte[] f = new byte[64];
        for (int i = 0; i < f.length; i++) f[i] = (byte) (0x80 + i * 37);
        return f;
    }

    private static VmProgram load(VmOptions.Engine engine) {
        VmMaps maps = new VmMaps();
        VmMap vals = maps.create(MapSpec.array("vals", 32, 4));
        byte[] v = new byte[32];
        for (int i = 0; i < v.length; i++) v[i] = (byte) (0xf0 - i * 3);
        vals.update(new byte[] {1, 0, 0, 0}, v);
        return Vm.load(ProgramSpec.builder(ProgramType.XDP).name("regions").instructions(everyKindOfAccess())
                .build(), maps, VmOptions.defaults().engine(engine));
    }

    private static Outcome run(VmProgram p) {
        TestRunResult r = p.testRun(TestRun.withData(frame()));
        byte[] value = p.runtime().maps.get("vals").lookup(new byte[] {1, 0, 0, 0}).orElseThrow();
        return new Outcome(r.returnValue(), HexFormat.of().formatHex(r.dataOut()), HexFormat.of().formatHex(value));
    }

    @Test
    void specialisedAccessesMatchTheInterpreter() {
        VmProgram jit = load(VmOptions.Engine.JIT);
        assertEquals(VmOptions.Engine.JIT, jit.engine());
        Outcome expected = run(load(VmOptions.Engine.INTERPRETER));
        assertEquals(expected, run(jit));
        // the verifier recorded the region of every access, and the JIT specialised them
        Code code = jit.runtime().code;
        List<Integer> regions = new ArrayList<>();
        for (int i = 0; i < code.length; i++) if (code.accessRegion[i] != 0) regions.add(code.accessRegion[i]);
        int mapRegion = ((dev.ebpf4j.vm.maps.MapBase) jit.runtime().maps.get("vals")).region();
        assertTrue(regions.contains(Addresses.CTX) && regions.contains(Addresses.STACK)
                && regions.contains(Addresses.PACKET) && regions.contains(mapRegion), regions.toString());
        assertTrue(regions.stream().allMatch(r -> r > 0), regions.toString());
        assertTrue(regions.size() > 40, regions.toString());
    }

    @Test
    void aWrongRegionHintOnlyCostsTheGenericPath() throws Exception {
        Outcome expected = run(load(VmOptions.Engine.INTERPRETER));
        int mapRegion = Addresses.FIRST_MAP;
        List<IntUnaryOperator> corruptions = List.of(
                r -> r == Addresses.PACKET ? Addresses.STACK : r == Addresses.STACK ? Addresses.CTX : Addresses.PACKET,
                r -> mapRegion,
                r -> Addresses.PACKET,
                r -> 4242);
        for (IntUnaryOperator corrupt : corruptions) {
            VmProgram p = load(VmOptions.Engine.INTERPRETER);
            int[] hints = p.runtime().code.accessRegion;
            for (int i = 0; i < hints.length; i++) if (hints[i] != 0) hints[i] = corrupt.applyAsInt(hints[i]);
            p.runtime().engine = JitCompiler.compile(p.runtime());
            assertEquals(VmOptions.Engine.JIT, p.engine());
            assertEquals(expected, run(p));
        }
    }

    private static VmProgram conformance(VmOptions.Engine engine, String asm) {
        return Vm.loadConformance(UbpfAssembler.assemble(asm), VmOptions.conformance().engine(engine));
    }

    /** Accesses through r10 are specialised even without a verifier; out of the stack they fail as generic ones. */
    @Test
    void frameAccessesOutOfTheStackFailTheSameWay() {
        String[] faulting = {
                "ldxdw %r0, [%r10]\nexit",                       // the first frame's top is the stack's end
                "stxb [%r10+7], %r1\nmov %r0, 0\nexit",
                "ldxw %r0, [%r10-4100]\nexit",                   // below the stack (the region before it)
                "sth [%r10-4097], 1\nmov %r0, 0\nexit",
                "ldxb %r0, [%r10-32768]\nexit",
                "ldxdw %r0, [%r10+32760]\nexit",
        };
        for (String asm : faulting) {
            VmMemoryAccessException expected = assertThrows(VmMemoryAccessException.class,
                    () -> conformance(VmOptions.Engine.INTERPRETER, asm).run(new byte[8]), asm);
            VmMemoryAccessException actual = assertThrows(VmMemoryAccessException.class,
                    () -> conformance(VmOptions.Engine.JIT, asm).run(new byte[8]), asm);
            assertEquals(expected.getMessage(), actual.getMessage(), asm);
            assertTrue(actual.getMessage().startsWith("instruction "), actual.getMessage());
        }
        // the whole stack is one region: the bottom frame's bytes are addressable from the first frame's r10
        String bottom = "stdw [%r10-4096], 77\nldxdw %r0, [%r10-4096]\nexit";
        assertEquals(77, conformance(VmOptions.Engine.JIT, bottom).run(new byte[8]));
        assertEquals(77, conformance(VmOptions.Engine.INTERPRETER, bottom).run(new byte[8]));
    }

    /**
     * A hint put on conformance programs (whose accesses are otherwise generic) drives the specialised path to its
     * edges: a bounds failure inside the hinted region, and an absent region, fail with the generic message.
     */
    @Test
    void hintedAccessesOutOfBoundsFailTheSameWay() throws Exception {
        String[] faulting = {
                "ldxdw %r0, [%r1+8]\nexit",                                  // 12 bytes of memory: past its end
                "ldxb %r0, [%r1-1]\nexit",                                   // before it
                "stxw [%r1+9], %r1\nmov %r0, 0\nexit",
                "mov %r2, %r1\nadd %r2, 0x7ffffff0\nldxh %r0, [%r2+15]\nexit",   // far past it
                "lddw %r1, 0x300000000\nldxb %r0, [%r1]\nexit",             // the packet: absent here
                "lddw %r1, 0x900000010\nstdw [%r1], 1\nmov %r0, 0\nexit",   // a map region: absent here
        };
        for (String asm : faulting) {
            VmMemoryAccessException expected = assertThrows(VmMemoryAccessException.class,
                    () -> conformance(VmOptions.Engine.INTERPRETER, asm).run(new byte[12]), asm);
            for (int hint : new int[] {Addresses.CTX, Addresses.PACKET, Addresses.FIRST_MAP + 1}) {
                VmProgram p = conformance(VmOptions.Engine.INTERPRETER, asm);
                int[] hints = p.runtime().code.accessRegion;
                java.util.Arrays.fill(hints, hint);
                p.runtime().engine = JitCompiler.compile(p.runtime());
                VmMemoryAccessException actual = assertThrows(VmMemoryAccessException.class,
                        () -> p.run(new byte[12]), asm);
                assertEquals(expected.getMessage(), actual.getMessage(), asm + " hinted " + hint);
            }
        }
        // and in bounds the hinted path gives the interpreter's values
        String ok = "ldxdw %r2, [%r1]\nldxh %r3, [%r1+8]\nldxsb %r4, [%r1+11]\nadd %r2, %r3\nadd %r2, %r4\n"
                + "stxw [%r1+4], %r2\nldxw %r0, [%r1+4]\nexit";
        byte[] mem = HexFormat.of().parseHex("0102030405060708f0e1d2c3");
        long expected = conformance(VmOptions.Engine.INTERPRETER, ok).run(mem.clone());
        VmProgram p = conformance(VmOptions.Engine.INTERPRETER, ok);
        java.util.Arrays.fill(p.runtime().code.accessRegion, Addresses.CTX);
        p.runtime().engine = JitCompiler.compile(p.runtime());
        assertEquals(expected, p.run(mem.clone()));
    }

    /** A fault on a path HotSpot has compiled (after thousands of in-bounds runs) is the same typed fault. */
    @Test
    void faultsAfterWarmUpAreTheSame() throws Exception {
        String asm = "ldxdw %r0, [%r1+8]\nstxdw [%r10-8], %r0\nldxw %r3, [%r10-4]\nadd %r0, %r3\nexit";
        VmProgram jit = conformance(VmOptions.Engine.INTERPRETER, asm);
        java.util.Arrays.fill(jit.runtime().code.accessRegion, Addresses.CTX);
        jit.runtime().engine = JitCompiler.compile(jit.runtime());
        VmProgram interp = conformance(VmOptions.Engine.INTERPRETER, asm);
        byte[] ok = HexFormat.of().parseHex("00000000000000000102030405060708");
        long expected = interp.run(ok.clone());
        for (int i = 0; i < 30_000; i++) assertEquals(expected, jit.run(ok.clone()));
        VmMemoryAccessException e = assertThrows(VmMemoryAccessException.class, () -> interp.run(new byte[12]));
        for (int i = 0; i < 3; i++) {
            VmMemoryAccessException a = assertThrows(VmMemoryAccessException.class, () -> jit.run(new byte[12]));
            assertEquals(e.getMessage(), a.getMessage());
            assertEquals(expected, jit.run(ok.clone()));
        }
    }

    /** Ring buffer records (memory from a helper, in the ring buffer's region) are specialised too. */
    @Test
    void ringBufferRecordsAreWrittenTheSame() {
        List<String> outcomes = new ArrayList<>();
        for (VmOptions.Engine engine : VmOptions.Engine.values()) {
            VmMaps maps = new VmMaps();
            VmRingBuffer rb = (VmRingBuffer) maps.create(MapSpec.ringBuffer("events", 4096));
            VmProgram p = Vm.load(ProgramSpec.builder(ProgramType.XDP).name("rb").instructions(new Asm()
                    .ldMapByName(R1, "events").mov64(R2, 24).mov64(R3, 0).call(HelperFunction.RINGBUF_RESERVE)
                    .jeq(R0, 0, "out")
                    .stdw(R0, 0, -2).stw(R0, 8, 0x01020304).sth(R0, 12, -3).stb(R0, 14, 0x55)
                    .ldxs(2, R2, R0, 12).stxb(R0, 15, R2).ldxw(R2, R0, 8).stxdw(R0, 16, R2)
                    .mov64(R1, R0).mov64(R2, 0).call(HelperFunction.RINGBUF_SUBMIT)
                    .label("out").mov64(R0, 2).exit().build()).build(), maps, VmOptions.defaults().engine(engine));
            int[] hints = p.runtime().code.accessRegion;
            int ring = ((dev.ebpf4j.vm.maps.MapBase) maps.get("events")).region();
            assertEquals(8, java.util.Arrays.stream(hints).filter(h -> h == ring).count());
            p.testRun(TestRun.withData(frame()));
            StringBuilder sb = new StringBuilder();
            rb.poll(r -> sb.append(HexFormat.of().formatHex(r)));
            outcomes.add(sb.toString());
        }
        assertEquals("feffffffffffffff04030201fdff55fd0403020100000000", outcomes.get(0));
        assertEquals(outcomes.get(0), outcomes.get(1));
    }
}
