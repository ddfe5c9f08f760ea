package dev.ebpf4j.cli;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfSignatures;
import dev.ebpf4j.cli.btf.BtfValueDumper;
import dev.ebpf4j.cli.output.JsonWriter;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** BTF-typed values print as bpftool's btf_dumper prints them (no kernel needed). */
class BtfValueDumperTest {
    private static final Btf BTF = Btf.parse(MapCliKernelTest.structBtf());
    private static final byte[] VALUE = {'b', 'a', 's', 'h', 0, 0, 0, 0, (byte) 0xf5, 0, 0, 0, (byte) 0xfe, -1, -1, -1};

    private static String dump(int type, byte[] data, boolean plain) {
        StringWriter s = new StringWriter();
        PrintWriter pw = new PrintWriter(s);
        new BtfValueDumper(BTF, new JsonWriter(pw, false), plain).dump(type, data, 0);
        pw.flush();
        return s.toString();
    }

    @Test
    void structWithStringBitfieldsAndSignedInt() {
        assertEquals("{\"comm\":\"bash\",\"a\":0x5,\"b\":0x1e,\"n\":-2}", dump(5, VALUE, true));
        assertEquals("{\"comm\":\"bash\",\"a\":\"0x5\",\"b\":\"0x1e\",\"n\":-2}", dump(5, VALUE, false));
        assertEquals("-2", dump(1, new byte[] {(byte) 0xfe, -1, -1, -1}, false));
        assertEquals("4294967294", dump(3, new byte[] {(byte) 0xfe, -1, -1, -1}, false));
    }

    @Test
    void charArraysWithoutATerminatorAreNumbers() {
        byte[] v = VALUE.clone();
        for (int i = 0; i < 8; i++) v[i] = 'x';
        assertEquals("[120,120,120,120,120,120,120,120]", dump(4, v, false));
    }

    @Test
    void typeNamesAndSizes() {
        assertEquals("val", BTF.name(5));
        assertEquals(16, BTF.sizeOf(5));
        assertEquals(8, BTF.sizeOf(4));
        assertEquals(BtfKind.STRUCT, BTF.kind(BTF.resolveId(5)));
        assertEquals("struct val ", BtfSignatures.of(BTF, 5));
        assertEquals("char [8]", BtfSignatures.of(BTF, 4));
    }

    @Test
    void garbageIsRejected() {
        assertThrows(ObjectFormatException.class, () -> Btf.parse(new byte[] {1, 2, 3}));
        assertFalse(new BtfValueDumper(BTF, new JsonWriter(new PrintWriter(new StringWriter()), false), true)
                .dump(5, new byte[3], 0), "a value shorter than its type fails cleanly");
    }
}
