package dev.ebpf4j.vm.diff;

import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.code.CodeBuilder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The smallest BTF the kernel wants with a program that has subprograms ("missing btf func_info" otherwise): an
 * {@code int}, one {@code int f(void)} prototype and a static FUNC per subprogram, with func_info naming where each
 * starts. Test support for the kernel differential test.
 *
 * <pre>{@code
 * ProgramSpec.ProgramBtf btf = MinimalBtf.forProgram(instructions);   // null when there is one function
 * }</pre>
 */
final class MinimalBtf {
    private MinimalBtf() {
    }

    static ProgramSpec.ProgramBtf forProgram(List<Instruction> insns) {
        Code code = CodeBuilder.build(insns, CodeBuilder.MAX_SLOTS);
        int funcs = code.subprogStart.length;
        if (funcs == 1) return null;
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        int intName = add(strings, "int");
        int[] names = new int[funcs];
        for (int f = 0; f < funcs; f++) names[f] = add(strings, f == 0 ? "main_prog" : "sub" + f);
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 12 * funcs).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(intName).putInt(1 << 24).putInt(4).putInt(32);          // [1] int
        types.putInt(0).putInt(13 << 24).putInt(1);                           // [2] int (void)
        for (int f = 0; f < funcs; f++) types.putInt(names[f]).putInt(12 << 24).putInt(2);   // [3..] static funcs
        byte[] t = types.array();
        byte[] s = strings.toByteArray();
        ByteBuffer btf = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        btf.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
        btf.put(t).put(s);
        ByteBuffer info = ByteBuffer.allocate(8 * funcs).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < funcs; f++) info.putInt(code.slot[code.subprogStart[f]]).putInt(3 + f);
        return new ProgramSpec.ProgramBtf(btf.array(), info.array(), 8, funcs, null, 0, 0);
    }

    private static int add(ByteArrayOutputStream strings, String s) {
        int at = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        strings.write(0);
        return at;
    }
}
