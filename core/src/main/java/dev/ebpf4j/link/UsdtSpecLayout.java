package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.link.usdt.UsdtArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The bytes of libbpf's {@code struct __bpf_usdt_spec} (from {@code <bpf/usdt.bpf.h>}), the value type of the
 * {@code __bpf_usdt_specs} array map, in the host's byte order:
 *
 * <pre>
 * struct __bpf_usdt_arg_spec {      // 16 bytes
 *     __u64 val_off;                // 0: the constant, or the displacement of a memory operand
 *     enum __bpf_usdt_arg_type arg_type;   // 8: CONST 0, REG 1, REG_DEREF 2 (4 bytes)
 *     short reg_off;                // 12: offset of the register in struct pt_regs
 *     bool arg_signed;              // 14
 *     char arg_bitshift;            // 15: 64 - 8 * size
 * };
 * struct __bpf_usdt_spec {          // 16 * MAX_ARGS + 16 bytes (208 with BPF_USDT_MAX_ARG_CNT 12)
 *     struct __bpf_usdt_arg_spec args[MAX_ARGS];
 *     __u64 usdt_cookie;            // 16 * MAX_ARGS
 *     short arg_cnt;                // 16 * MAX_ARGS + 8
 * };
 * </pre>
 *
 * Later libbpf versions keep these offsets (they narrow {@code arg_type} to an 8-bit field at the same place), so a
 * map whose value size is {@code 16 * n + 16} is read as a spec with {@code n} argument slots.
 *
 * <pre>{@code
 * UsdtSpecLayout layout = UsdtSpecLayout.forValueSize(208);   // 12 argument slots
 * byte[] value = layout.encode(probe.arguments(), cookie);
 * }</pre>
 */
record UsdtSpecLayout(int maxArguments) {
    static final int ARG_SPEC_SIZE = 16;
    /** BPF_USDT_MAX_ARG_CNT of usdt.bpf.h. */
    static final int DEFAULT_MAX_ARGUMENTS = 12;

    /** The layout of a spec map with values of {@code valueSize} bytes, or null when no layout has that size. */
    static UsdtSpecLayout forValueSize(int valueSize) {
        if (valueSize < 2 * ARG_SPEC_SIZE || valueSize % ARG_SPEC_SIZE != 0) return null;
        return new UsdtSpecLayout(valueSize / ARG_SPEC_SIZE - 1);
    }

    /** The size of {@code struct __bpf_usdt_spec}. */
    int size() {
        return ARG_SPEC_SIZE * maxArguments + 16;
    }

    int cookieOffset() {
        return ARG_SPEC_SIZE * maxArguments;
    }

    int argCountOffset() {
        return cookieOffset() + 8;
    }

    /** The spec for a probe with {@code arguments}, carrying {@code usdtCookie}. */
    byte[] encode(List<UsdtArgument> arguments, long usdtCookie) {
        if (arguments.size() > maxArguments) {
            throw new BpfArgumentException("the probe has " + arguments.size() + " arguments; <bpf/usdt.bpf.h> "
                    + "describes at most " + maxArguments + " (BPF_USDT_MAX_ARG_CNT)");
        }
        ByteBuffer b = ByteBuffer.allocate(size()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < arguments.size(); i++) {
            UsdtArgument a = arguments.get(i);
            int at = i * ARG_SPEC_SIZE;
            b.putLong(at, a.valueOffset());
            b.putInt(at + 8, a.kind().abiValue());
            b.putShort(at + 12, (short) a.registerOffset());
            b.put(at + 14, (byte) (a.signed() ? 1 : 0));
            b.put(at + 15, (byte) a.bitShift());
        }
        b.putLong(cookieOffset(), usdtCookie);
        b.putShort(argCountOffset(), (short) arguments.size());
        return b.array();
    }
}
