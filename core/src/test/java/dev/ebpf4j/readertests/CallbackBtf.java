package dev.ebpf4j.readertests;

import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.asm.Instruction;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Hand-made program BTF for a main function plus one static callback subprogram, as the verifier demands func_info
 * for programs that take a function's address (BPF_PSEUDO_FUNC, e.g. for bpf_user_ringbuf_drain). Types:
 * [1] long, [2] void *, [3] long (void *ctx), [4] FUNC main, [5] long (void *a, void *ctx), [6] FUNC callback.
 */
public final class CallbackBtf {
    private CallbackBtf() {
    }

    /** BTF and func_info for {@code insns}, whose callback starts at instruction index {@code callbackIndex}. */
    public static ProgramSpec.ProgramBtf forCallback(List<Instruction> insns, int callbackIndex) {
        int callbackSlot = 0;
        for (int i = 0; i < callbackIndex; i++) callbackSlot += insns.get(i).slots();

        String strings = "\0long\0ctx\0main_fn\0arg\0callback_fn\0";
        int sLong = 1;
        int sCtx = sLong + 5;
        int sMain = sCtx + 4;
        int sArg = sMain + 8;
        int sCallback = sArg + 4;
        ByteBuffer t = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        t.putInt(sLong).putInt(1 << 24).putInt(8).putInt(1 << 24 | 64);          // [1] INT long, signed
        t.putInt(0).putInt(2 << 24).putInt(0);                                      // [2] PTR -> void
        t.putInt(0).putInt(13 << 24 | 1).putInt(1).putInt(sCtx).putInt(2);           // [3] FUNC_PROTO long(void *ctx)
        t.putInt(sMain).putInt(12 << 24).putInt(3);                                  // [4] FUNC main_fn, static
        t.putInt(0).putInt(13 << 24 | 2).putInt(1)                                  // [5] FUNC_PROTO long(void*, void*)
                .putInt(sArg).putInt(2).putInt(sCtx).putInt(2);
        t.putInt(sCallback).putInt(12 << 24).putInt(5);                              // [6] FUNC callback_fn, static
        int typeLen = t.position();
        byte[] str = strings.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(24 + typeLen + str.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
        out.putInt(0).putInt(typeLen).putInt(typeLen).putInt(str.length);
        out.put(t.array(), 0, typeLen).put(str);

        ByteBuffer funcInfo = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        funcInfo.putInt(0).putInt(4).putInt(callbackSlot).putInt(6);
        return new ProgramSpec.ProgramBtf(out.array(), funcInfo.array(), 8, 2, null, 0, 0);
    }
}
