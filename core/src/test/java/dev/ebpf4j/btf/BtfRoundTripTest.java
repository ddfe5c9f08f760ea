package dev.ebpf4j.btf;

import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;

import static dev.ebpf4j.btf.BtfTestSupport.VMLINUX;
import static dev.ebpf4j.btf.BtfTestSupport.section;
import static dev.ebpf4j.btf.BtfTestSupport.toBigEndian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** write → parse gives back the same types, for every kind and for real BTF; both byte orders parse alike. */
class BtfRoundTripTest {

    /** One or more types of every kind, with the encoding's corner cases. Ids are list positions + 1. */
    static List<BtfType> everyKind() {
        return List.of(
                new BtfInt("int", 4, BtfIntEncoding.SIGNED),                                   // 1
                new BtfInt("unsigned char", 1, BtfIntEncoding.NONE),                           // 2
                new BtfInt("char", 1, BtfIntEncoding.CHAR),                                    // 3
                new BtfInt("_Bool", 1, BtfIntEncoding.BOOL),                                   // 4
                new BtfInt("weird", 8, BtfIntEncoding.SIGNED, 3, 17),                          // 5
                new BtfPtr(0),                                                                  // 6 void *
                new BtfPtr(26),                                                                 // 7 forward ref
                new BtfArray(3, 1, 16),                                                         // 8 char[16]
                new BtfArray(1, 1, -1),                                                         // 9 u32 max length
                new BtfStruct("plain", 24, List.of(new BtfMember("a", 1, 0, 0),
                        new BtfMember("name", 8, 32, 0), new BtfMember("", 12, 160, 0))),      // 10
                new BtfStruct("bits", 8, List.of(new BtfMember("x", 1, 0, 3),
                        new BtfMember("y", 1, 3, 29), new BtfMember("z", 2, 0xffffff, 0))),    // 11
                new BtfUnion("", 4, List.of(new BtfMember("i", 1, 0, 0),
                        new BtfMember("c", 3, 0, 0))),                                          // 12
                new BtfStruct("empty", 0, List.of()),                                           // 13
                new BtfEnum("colour", 4, true, List.of(new BtfEnumValue("RED", 0),
                        new BtfEnumValue("BLUE", -3), new BtfEnumValue("MIN", Integer.MIN_VALUE))), // 14
                new BtfEnum("flags", 4, false, List.of(new BtfEnumValue("TOP", 0xffff_ffffL))), // 15
                new BtfEnum("", 1, false, List.of()),                                           // 16
                new BtfEnum64("big", 8, false, List.of(new BtfEnumValue("HUGE", 0xffff_ffff_f000_0000L))), // 17
                new BtfEnum64("neg", 8, true, List.of(new BtfEnumValue("MIN", Long.MIN_VALUE),
                        new BtfEnumValue("ONE", -1))),                                          // 18
                new BtfFwd("sock", false),                                                      // 19
                new BtfFwd("bpf_attr", true),                                                   // 20
                new BtfTypedef("u32_t", 1),                                                     // 21
                new BtfVolatile(21),                                                            // 22
                new BtfConst(22),                                                               // 23
                new BtfRestrict(7),                                                             // 24
                new BtfTypeTag("user", 1),                                                      // 25
                new BtfFuncProto(1, List.of(new BtfParam("ctx", 6), new BtfParam("", 1)), false), // 26
                new BtfFuncProto(0, List.of(new BtfParam("fmt", 7)), true),                    // 27
                new BtfFuncProto(0, List.of(), false),                                          // 28
                new BtfFuncProto(1, List.of(), true),                                           // 29
                new BtfFunc("handler", 26, BtfLinkage.GLOBAL),                                  // 30
                new BtfFunc("helper", 26, BtfLinkage.STATIC),                                   // 31
                new BtfFunc("bpf_kfunc_thing", 28, BtfLinkage.EXTERN),                          // 32
                new BtfVar("counter", 1, BtfLinkage.GLOBAL),                                    // 33
                new BtfVar("hidden", 23, BtfLinkage.STATIC),                                    // 34
                new BtfVar("config", 10, BtfLinkage.EXTERN),                                    // 35
                new BtfDatasec(".bss", 8, List.of(new BtfVarSecinfo(33, 0, 4),
                        new BtfVarSecinfo(34, 4, 4))),                                          // 36
                new BtfDatasec(".ksyms", 0, List.of(new BtfVarSecinfo(32, 0, 0))),              // 37
                new BtfFloat("double", 8),                                                      // 38
                new BtfFloat("long double", 16),                                                // 39
                new BtfDeclTag("bpf_kfunc", 32, BtfDeclTag.WHOLE),                              // 40
                new BtfDeclTag("member_tag", 10, 1),                                            // 41
                new BtfDeclTag("param_tag", 30, 0),                                             // 42
                new BtfTypeTag("percpu", 7),                                                    // 43
                new BtfTypedef("ünïcode_名前", 1));                                              // 44
    }

    @Test
    void everyKindRoundTrips() {
        List<BtfType> types = everyKind();
        Btf btf = Btf.parse(BtfWriter.write(types));
        assertEquals(types, btf.types());
        assertEquals(types.size() + 1, btf.typeCount());
        assertEquals(ByteOrder.LITTLE_ENDIAN, btf.byteOrder());
        for (int i = 0; i < types.size(); i++) {
            assertEquals(types.get(i), btf.type(i + 1));
            assertEquals(types.get(i).kind(), btf.kind(i + 1));
            assertEquals(types.get(i).name(), btf.name(i + 1));
        }
        assertArrayEquals(BtfWriter.write(types), BtfWriter.write(btf), "writing is deterministic");
    }

    @Test
    void bigEndianBlobsParseToTheSameTypes() {
        byte[] le = BtfWriter.write(everyKind());
        Btf be = Btf.parse(toBigEndian(le));
        assertEquals(ByteOrder.BIG_ENDIAN, be.byteOrder());
        assertEquals(everyKind(), be.types());
        assertEquals(BtfDump.raw(Btf.parse(le)), BtfDump.raw(be));
    }

    @Test
    void stringsAreStoredOnce() {
        List<BtfType> types = List.of(new BtfInt("int", 4, BtfIntEncoding.SIGNED), new BtfTypedef("int", 1),
                new BtfStruct("s", 4, List.of(new BtfMember("int", 1, 0, 0))));
        byte[] blob = BtfWriter.write(types);
        int strLen = java.nio.ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
        assertEquals("\0int\0s\0".length(), strLen);
    }

    @Test
    void builderHandsOutIdsInOrderAndKeepsStringOffsets() {
        BtfBuilder b = new BtfBuilder();
        long file = b.addString("prog.bpf.c");
        int u32 = b.addInt("unsigned int", 4, BtfIntEncoding.NONE);
        int node = b.nextId() + 1;
        int next = b.addPtr(node);
        int added = b.add(new BtfStruct("node", 16, List.of(new BtfMember("value", u32, 0, 0),
                new BtfMember("next", next, 64, 0))));
        assertEquals(1, u32);
        assertEquals(node, added);
        Btf btf = b.build();
        assertEquals("prog.bpf.c", btf.string(file));
        assertEquals(16, btf.sizeOf(node));
        assertEquals(8, btf.alignOf(node));
        assertEquals(b.types(), btf.types());
    }

    @ParameterizedTest
    @ValueSource(strings = {"btf_kinds", "btf_core"})
    void objectBtfRoundTrips(String name) {
        Btf original = Btf.parse(section(TestObjects.bpf(name), ".BTF"));
        Btf again = Btf.parse(BtfWriter.write(original));
        assertEquals(original.types(), again.types());
        assertEquals(BtfDump.raw(original), BtfDump.raw(again));
    }

    @Test
    void vmlinuxRoundTrips() {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        Btf original = Btf.vmlinux();
        Btf again = Btf.parse(BtfWriter.write(original));
        assertEquals(original.typeCount(), again.typeCount());
        for (int id = 1; id < original.typeCount(); id++) {
            assertEquals(original.type(id), again.type(id), "type " + id);
        }
    }

    @Test
    void writerRejectsWhatItCannotEncode() {
        assertThrows(IllegalArgumentException.class, () -> BtfWriter.write(List.of(new BtfPtr(2))),
                "reference past the last id");
        assertThrows(IllegalArgumentException.class, () -> BtfWriter.write(List.of(BtfVoid.INSTANCE)));
        assertThrows(IllegalArgumentException.class, () -> BtfWriter.write(List.of(
                new BtfInt("int", 4, BtfIntEncoding.SIGNED),
                new BtfStruct("s", 8, List.of(new BtfMember("a", 1, 0, 1), new BtfMember("b", 1, 1 << 24, 0))))),
                "bit offsets beside bitfields have 24 bits");
        assertThrows(IllegalArgumentException.class, () -> BtfWriter.write(List.of(new BtfFloat("a\0b", 4))));
    }

    @Test
    void recordsRejectWhatTheEncodingCannotHold() {
        assertThrows(IllegalArgumentException.class,
                () -> new BtfEnum("e", 4, false, List.of(new BtfEnumValue("N", -1))));
        assertThrows(IllegalArgumentException.class,
                () -> new BtfEnum("e", 4, true, List.of(new BtfEnumValue("N", 0x8000_0000L))));
        assertThrows(IllegalArgumentException.class, () -> new BtfMember("m", 1, 0, 256));
        assertThrows(IllegalArgumentException.class, () -> new BtfInt("i", 4, BtfIntEncoding.NONE, 0, 300));
        assertThrows(IllegalArgumentException.class,
                () -> new BtfFuncProto(0, List.of(new BtfParam("", 0)), false), "the variadic marker is a flag");
        assertThrows(NullPointerException.class, () -> new BtfTypedef(null, 1));
        assertThrows(IllegalArgumentException.class, () -> new BtfPtr(-1));
        List<BtfMember> tooMany = java.util.Collections.nCopies(0x10000, new BtfMember("m", 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BtfStruct("s", 4, tooMany));
        assertTrue(new BtfStruct("s", 4, tooMany.subList(0, 0xffff)).members().size() == 0xffff);
    }
}
