package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfEnum;
import dev.ebpf4j.btf.BtfEnumValue;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.link.usdt.UsdtArchitecture;
import dev.ebpf4j.link.usdt.UsdtArgument;
import dev.ebpf4j.link.usdt.UsdtArguments;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The encoding of {@code struct __bpf_usdt_spec} checked against the structs as clang laid them out from the installed
 * {@code <bpf/usdt.bpf.h>} (the BTF of usdt_probes.bpf.o), and the bytes of one spec.
 */
class UsdtSpecLayoutTest {
    private static final UsdtSpecLayout LAYOUT = new UsdtSpecLayout(UsdtSpecLayout.DEFAULT_MAX_ARGUMENTS);

    private static Btf btf() {
        return ObjectSpec.read(TestObjects.bpf("usdt_probes")).btf().orElseThrow();
    }

    private static long offset(BtfStruct s, String member) {
        for (BtfMember m : s.members()) if (m.name().equals(member)) {
            assertFalse(m.isBitfield(), member);
            return m.byteOffset();
        }
        throw new AssertionError("no member " + member + " in " + s.name());
    }

    @Test
    void theLayoutIsTheHeadersAsClangLaysItOut() {
        Btf btf = btf();
        BtfStruct spec = btf.findStruct("__bpf_usdt_spec").orElseThrow().type();
        BtfStruct arg = btf.findStruct("__bpf_usdt_arg_spec").orElseThrow().type();
        assertEquals(LAYOUT.size(), spec.size());
        assertEquals(208, spec.size());
        assertEquals(UsdtSpecLayout.ARG_SPEC_SIZE, arg.size());
        assertEquals(0, offset(spec, "args"));
        BtfMember args = spec.members().get(0);
        assertEquals(UsdtSpecLayout.DEFAULT_MAX_ARGUMENTS, ((BtfArray) btf.resolve(args.typeId())).length(),
                "BPF_USDT_MAX_ARG_CNT");
        assertEquals(LAYOUT.cookieOffset(), offset(spec, "usdt_cookie"));
        assertEquals(LAYOUT.argCountOffset(), offset(spec, "arg_cnt"));
        assertEquals(0, offset(arg, "val_off"));
        assertEquals(8, offset(arg, "arg_type"));
        assertEquals(12, offset(arg, "reg_off"));
        assertEquals(14, offset(arg, "arg_signed"));
        assertEquals(15, offset(arg, "arg_bitshift"));
        BtfEnum kinds = (BtfEnum) btf.resolve(arg.members().get(1).typeId());
        assertEquals(4, kinds.size());
        List<String> names = new ArrayList<>();
        for (BtfEnumValue v : kinds.values()) {
            names.add(v.name());
            UsdtArgument.Kind k = switch (v.name()) {
                case "BPF_USDT_ARG_CONST" -> UsdtArgument.Kind.CONSTANT;
                case "BPF_USDT_ARG_REG" -> UsdtArgument.Kind.REGISTER;
                case "BPF_USDT_ARG_REG_DEREF" -> UsdtArgument.Kind.REGISTER_DEREF;
                default -> throw new AssertionError("an argument kind ebpf4j does not know: " + v.name());
            };
            assertEquals(v.value(), k.abiValue(), v.name());
        }
        assertEquals(3, names.size());
    }

    @Test
    void aSpecsBytes() {
        List<UsdtArgument> args = UsdtArguments.parse("-4@%edi 8@-16(%rbp) 1@$-1", UsdtArchitecture.X86_64);
        ByteBuffer b = ByteBuffer.wrap(LAYOUT.encode(args, 0x1122_3344_5566_7788L)).order(ByteOrder.nativeOrder());
        assertEquals(208, b.capacity());
        assertEquals(0, b.getLong(0));
        assertEquals(1, b.getInt(8), "REG");
        assertEquals(112, b.getShort(12), "di");
        assertEquals(1, b.get(14), "signed");
        assertEquals(32, b.get(15));
        assertEquals(-16, b.getLong(16));
        assertEquals(2, b.getInt(24), "REG_DEREF");
        assertEquals(32, b.getShort(28), "bp");
        assertEquals(0, b.get(30));
        assertEquals(0, b.get(31));
        assertEquals(-1, b.getLong(32), "the constant");
        assertEquals(0, b.getInt(40), "CONST");
        assertEquals(56, b.get(47));
        for (int i = 48; i < 192; i++) assertEquals(0, b.get(i), "unused slots are zero: byte " + i);
        assertEquals(0x1122_3344_5566_7788L, b.getLong(192));
        assertEquals(3, b.getShort(200));
    }

    @Test
    void tooManyArgumentsAndOddMapSizes() {
        List<UsdtArgument> thirteen = UsdtArguments.parse(String.join(" ", Collections.nCopies(13, "8@%rax")),
                UsdtArchitecture.X86_64);
        BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> LAYOUT.encode(thirteen, 0));
        assertEquals("the probe has 13 arguments; <bpf/usdt.bpf.h> describes at most 12 (BPF_USDT_MAX_ARG_CNT)",
                e.getMessage());
        assertEquals(12, UsdtSpecLayout.forValueSize(208).maxArguments());
        assertEquals(16, UsdtSpecLayout.forValueSize(272).maxArguments(), "a header built with more slots");
        assertNull(UsdtSpecLayout.forValueSize(200));
        assertNull(UsdtSpecLayout.forValueSize(16));
    }
}
