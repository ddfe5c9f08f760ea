package dev.ebpf4j.btf;

import dev.ebpf4j.ObjectFormatException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-made malformed BTF: every structural problem is an {@link ObjectFormatException} naming section and offset,
 * and loops or huge fan-out in otherwise well-formed BTF end in an error (or an answer) after bounded work.
 */
class BtfMalformedTest {
    private static final int HDR = 24;

    /** A valid blob with int [1] and struct s [2] { int a; }, for patching. */
    private static byte[] small() {
        return BtfWriter.write(List.of(new BtfInt("int", 4, BtfIntEncoding.SIGNED),
                new BtfStruct("s", 4, List.of(new BtfMember("a", 1, 0, 0)))));
    }

    private static byte[] patch(byte[] blob, Consumer<ByteBuffer> change) {
        byte[] copy = blob.clone();
        change.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return copy;
    }

    private static ObjectFormatException rejects(byte[] blob, long offset) {
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> Btf.parse(blob));
        assertEquals(Btf.SECTION, e.section());
        assertEquals(offset, e.offset(), e.getMessage());
        return e;
    }

    @Test
    void headerProblems() {
        byte[] ok = small();
        rejects(new byte[0], 0);
        rejects(new byte[]{(byte) 0x9f}, 0);
        rejects(new byte[]{(byte) 0x9f, (byte) 0xeb, 1, 0}, 0);                          // truncated header
        rejects(patch(ok, b -> b.putShort(0, (short) 0x1234)), 0);                       // magic
        assertTrue(rejects(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, 0).getMessage().contains(".BTF section"));
        rejects(patch(ok, b -> b.put(2, (byte) 2)), 2);                                  // version
        rejects(patch(ok, b -> b.putInt(4, 16)), 4);                                     // hdr_len too small
        rejects(patch(ok, b -> b.putInt(4, 1 << 30)), 0);                                // hdr_len past the end
        rejects(patch(ok, b -> b.putInt(8, 2)), 8);                                      // type_off misaligned
        rejects(patch(ok, b -> b.putInt(12, b.getInt(12) - 2)), 12);                     // type_len not 4-multiple
        rejects(patch(ok, b -> b.putInt(12, 1 << 20)), 8);                               // types past the end
        rejects(patch(ok, b -> b.putInt(20, 1 << 20)), 16);                              // strings past the end
        rejects(patch(ok, b -> b.putInt(16, 4)), 8);                                     // sections overlap
        int strStart = HDR + ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        rejects(patch(ok, b -> b.put(ok.length - 1, (byte) 'x')), ok.length - 1);       // no final NUL
        rejects(patch(ok, b -> b.put(strStart, (byte) 'x')), strStart);                  // first string not ""
        rejects(patch(ok, b -> b.putInt(20, 0)), 20);                                    // no strings at all
    }

    @Test
    void headerLongerThanKnownIsAcceptedOnlyWhenTheRestIsZero() {
        byte[] ok = small();
        byte[] longer = new byte[ok.length + 8];
        System.arraycopy(ok, 0, longer, 0, HDR);
        System.arraycopy(ok, HDR, longer, HDR + 8, ok.length - HDR);
        ByteBuffer.wrap(longer).order(ByteOrder.LITTLE_ENDIAN).putInt(4, HDR + 8);
        assertEquals(Btf.parse(ok).types(), Btf.parse(longer).types());
        longer[HDR + 3] = 1;
        rejects(longer, HDR + 3);
    }

    @Test
    void recordProblemsNameTheRecordOrField() {
        byte[] ok = small();
        int t1 = HDR;                 // INT: 16 bytes
        int t2 = HDR + 16;            // STRUCT: 12 + 12
        rejects(patch(ok, b -> b.putInt(t1 + 4, 0)), t1 + 4);                            // kind 0
        rejects(patch(ok, b -> b.putInt(t1 + 4, 20 << 24)), t1 + 4);                     // kind 20
        rejects(patch(ok, b -> b.putInt(t1 + 4, 31 << 24)), t1 + 4);
        rejects(patch(ok, b -> b.putInt(t2 + 4, 4 << 24 | 0xffff)), t2);                 // absurd vlen
        rejects(patch(ok, b -> b.putInt(t1, 1 << 20)), t1);                              // name offset
        rejects(patch(ok, b -> b.putInt(t2 + 12, 99)), t2 + 12);                          // member name
        rejects(patch(ok, b -> b.putInt(t2 + 16, 3)), t2 + 16);                          // member type id 3 > 2
        rejects(patch(ok, b -> b.putInt(t2 + 16, -1)), t2 + 16);                         // type id 2^32-1
        rejects(patch(ok, b -> b.putInt(t1 + 12, 3 << 24 | 32)), t1 + 12);              // INT encoding 3
        rejects(patch(ok, b -> b.putInt(12, 20)), t2);                                   // record cut short
        rejects(patch(ok, b -> b.putInt(12, 16 + 8)), t2);                               // header cut short
    }

    @Test
    void funcAndVarLinkagesAreChecked() {
        byte[] blob = BtfWriter.write(List.of(new BtfFuncProto(0, List.of(), false),
                new BtfFunc("f", 1, BtfLinkage.GLOBAL), new BtfVar("v", 0, BtfLinkage.STATIC)));
        int func = HDR + 12;
        int var = func + 12;
        rejects(patch(blob, b -> b.putInt(func + 4, 12 << 24 | 3)), func + 4);
        rejects(patch(blob, b -> b.putInt(var + 12, 7)), var + 12);
    }

    @Test
    void typedefLoopsFailWhenFollowed() {
        Btf btf = Btf.parse(BtfWriter.write(List.of(new BtfTypedef("a", 2), new BtfConst(3), new BtfTypedef("c", 1),
                new BtfConst(4))));                                                        // 1->2->3->1, 4->4
        for (int id = 1; id <= 4; id++) {
            int i = id;
            ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> btf.resolveId(i));
            assertTrue(e.getMessage().contains("loop"), e.getMessage());
            assertThrows(ObjectFormatException.class, () -> btf.sizeOf(i));
            assertThrows(ObjectFormatException.class, () -> btf.alignOf(i));
        }
        assertEquals(List.of(new BtfTypedef("a", 2), new BtfConst(3), new BtfTypedef("c", 1), new BtfConst(4)),
                btf.types(), "the records themselves decode");
    }

    @Test
    void longButFiniteChainsAreCutOff() {
        List<BtfType> types = new ArrayList<>();
        types.add(new BtfInt("int", 4, BtfIntEncoding.SIGNED));
        for (int i = 0; i < 1000; i++) types.add(new BtfTypedef("t" + i, types.size()));
        Btf btf = Btf.parse(BtfWriter.write(types));
        assertEquals(1, btf.resolveId(50));
        assertThrows(ObjectFormatException.class, () -> btf.resolveId(1001));
    }

    @Test
    void selfContainingTypesFailWhenLaidOut() {
        Btf btf = Btf.parse(BtfWriter.write(List.of(new BtfInt("int", 4, BtfIntEncoding.SIGNED),
                new BtfStruct("s", 8, List.of(new BtfMember("self", 2, 0, 0))),         // struct s { struct s self; }
                new BtfArray(3, 1, 2),                                                      // array of itself
                new BtfArray(5, 1, -1), new BtfArray(6, 1, -1), new BtfArray(7, 1, -1), new BtfInt("long", 8,
                        BtfIntEncoding.SIGNED))));
        assertEquals(8, btf.sizeOf(2), "a struct's size is recorded, not computed");
        assertThrows(ObjectFormatException.class, () -> btf.alignOf(2));
        assertThrows(ObjectFormatException.class, () -> btf.sizeOf(3));
        assertThrows(ObjectFormatException.class, () -> btf.alignOf(3));
        ObjectFormatException overflow = assertThrows(ObjectFormatException.class, () -> btf.sizeOf(4));
        assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
    }

    @Test
    void anonymousMemberLoopsAndFanOutStayCheap() {
        // [2] anonymous struct containing itself anonymously; [3..12] a tower where each level holds 1000 anonymous
        // members of the next: a naive search would visit 1000^10 members.
        List<BtfType> types = new ArrayList<>();
        types.add(new BtfInt("int", 4, BtfIntEncoding.SIGNED));
        types.add(new BtfStruct("", 4, List.of(new BtfMember("", 2, 0, 0), new BtfMember("x", 1, 0, 0))));
        for (int level = 0; level < 10; level++) {
            int next = types.size() + 2;
            types.add(new BtfStruct("", 4, Collections.nCopies(1000, new BtfMember("", next, 0, 0))));
        }
        types.add(new BtfStruct("", 4, List.of(new BtfMember("deep", 1, 0, 0))));
        Btf btf = Btf.parse(BtfWriter.write(types));
        assertEquals(List.of(1), btf.member(2, "x").orElseThrow().indices());
        assertTrue(btf.member(2, "missing").isEmpty());
        assertEquals(11, btf.member(3, "deep").orElseThrow().indices().size());
        assertTrue(btf.member(3, "missing").isEmpty());
        assertEquals(4, btf.alignOf(3));
    }
}
