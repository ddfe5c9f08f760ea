package dev.ebpf4j.asm;

import dev.ebpf4j.ObjectFormatException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed instruction streams fail with an ObjectFormatException naming the section and byte offset. */
class InstructionDecoderTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static ObjectFormatException decodeFails(String hex) {
        byte[] bytes = hex(hex);
        return assertThrows(ObjectFormatException.class,
                () -> InstructionDecoder.decode(MemorySegment.ofArray(bytes), ByteOrder.LITTLE_ENDIAN, "xdp"));
    }

    @Test
    void lengthNotAMultipleOfEight() {
        ObjectFormatException e = decodeFails("b7000000 2a000000 95000000");
        assertEquals("xdp", e.section());
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("multiple of 8"), e.getMessage());
    }

    @Test
    void lddwWithoutItsSecondSlot() {
        ObjectFormatException e = decodeFails("b7000000 00000000 18010000 01000000");
        assertEquals("xdp", e.section());
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("lddw") && e.getMessage().contains("second"), e.getMessage());
    }

    @Test
    void lddwSecondSlotWithNonZeroOpcode() {
        ObjectFormatException e = decodeFails("18010000 01000000 95000000 00000000");
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("opcode 0x95"), e.getMessage());
    }

    @Test
    void lddwSecondSlotWithNonZeroRegisters() {
        ObjectFormatException e = decodeFails("95000000 00000000 18010000 01000000 00100000 00000000");
        assertEquals(16, e.offset());
        assertTrue(e.getMessage().contains("registers 0x10"), e.getMessage());
    }

    @Test
    void lddwSecondSlotWithNonZeroOffset() {
        ObjectFormatException e = decodeFails("18010000 01000000 00000100 00000000");
        assertEquals(8, e.offset());
        assertTrue(e.getMessage().contains("offset 1"), e.getMessage());
    }

    @Test
    void defaultSectionNameWhenNoneIsGiven() {
        ObjectFormatException e = assertThrows(ObjectFormatException.class,
                () -> Instructions.decode(new byte[] {1, 2, 3}));
        assertEquals("instructions", e.section());
        assertEquals(0, e.offset());
    }

    @Test
    void emptyInputIsAnEmptyProgram() {
        assertEquals(List.of(), Instructions.decode(new byte[0]));
    }

    @Test
    void decodeAtRejectsMisalignedAndOutOfRangeOffsets() {
        MemorySegment code = MemorySegment.ofArray(hex("95000000 00000000"));
        assertEquals(Instruction.EXIT, InstructionDecoder.decodeAt(code, 0, ByteOrder.LITTLE_ENDIAN, "t"));
        assertThrows(ObjectFormatException.class,
                () -> InstructionDecoder.decodeAt(code, 4, ByteOrder.LITTLE_ENDIAN, "t"));
        assertThrows(ObjectFormatException.class,
                () -> InstructionDecoder.decodeAt(code, 8, ByteOrder.LITTLE_ENDIAN, "t"));
        assertThrows(ObjectFormatException.class,
                () -> InstructionDecoder.decodeAt(code, -8, ByteOrder.LITTLE_ENDIAN, "t"));
    }

    @Test
    void unknownOpcodesAreKeptNotRejected() {
        byte[] bytes = hex("ff123456 78563412");
        Instruction in = Instructions.decode(bytes).getFirst();
        assertEquals(0xff, in.opcode());
        assertEquals(Opcode.Kind.INVALID, Opcode.of(in.opcode()).kind());
        assertEquals(List.of(in), Instructions.decode(Instructions.encode(List.of(in))));
    }

    @Test
    void randomBytesEitherDecodeOrFailCleanly() {
        Random random = new Random(42);
        int decoded = 0;
        int rejected = 0;
        for (int trial = 0; trial < 5000; trial++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            if (trial % 3 == 0 && bytes.length >= 8) bytes[bytes.length - bytes.length % 8 - 8] = 0x18;
            try {
                List<Instruction> prog = Instructions.decode(bytes, trial % 2 == 0 ? ByteOrder.LITTLE_ENDIAN
                        : ByteOrder.BIG_ENDIAN);
                assertEquals(bytes.length / 8, Instructions.slotCount(prog));
                decoded++;
            } catch (ObjectFormatException e) {
                assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, e.getMessage());
                rejected++;
            }
        }
        assertTrue(decoded > 0 && rejected > 0, "both outcomes exercised: " + decoded + "/" + rejected);
    }
}
