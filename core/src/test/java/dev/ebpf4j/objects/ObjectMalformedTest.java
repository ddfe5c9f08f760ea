package dev.ebpf4j.objects;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.InstructionDecoder;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-crafted malformed objects: each raises ObjectFormatException naming the section and offset. */
class ObjectMalformedTest {

    /** A corpus object's bytes, patched in place. */
    private static final class Patch {
        final String name;
        final byte[] bytes;
        final ElfFile elf;
        final ByteBuffer buf;

        Patch(String name) {
            this.name = name + ".bpf.o";
            this.bytes = Corpus.bytes(name);
            this.elf = ElfFile.parse(bytes.clone(), this.name);
            this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        ElfSection section(String s) {
            return elf.section(s).orElseThrow(() -> new AssertionError("no section " + s));
        }

        long header(String s) {
            return elf.header().sectionHeaderOffset() + (long) section(s).index() * elf.header().sectionHeaderEntrySize();
        }

        List<Instruction> code(String s) {
            return InstructionDecoder.decode(elf.data(section(s)), ByteOrder.LITTLE_ENDIAN, s);
        }

        ObjectFormatException fails() {
            return assertThrows(ObjectFormatException.class, () -> ObjectSpec.parse(bytes, name));
        }

        /** Renames every occurrence of a section name string (shared suffixes included). */
        void renameSection(String from, String to) {
            byte[] f = (from + "\0").getBytes(StandardCharsets.US_ASCII);
            byte[] t = (to + "\0").getBytes(StandardCharsets.US_ASCII);
            ElfSection names = elf.section(elf.header().sectionNameTableIndex());
            for (long i = names.offset(); i + f.length <= names.offset() + names.size(); i++) {
                boolean match = true;
                for (int j = 0; j < f.length && match; j++) match = bytes[(int) i + j] == f[j];
                if (match) System.arraycopy(t, 0, bytes, (int) i, t.length);
            }
        }
    }

    private static void names(ObjectFormatException e, String section, String text) {
        assertEquals(section, e.section(), e.getMessage());
        assertTrue(e.offset() >= 0, "an offset: " + e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertTrue(e.getMessage().startsWith("object '"), "the object is named: " + e.getMessage());
    }

    @Test
    void truncatedObjects() {
        byte[] full = Corpus.bytes("loader_globals");
        for (int len : new int[]{0, 3, 16, 63, 64, 200, full.length / 3, full.length / 2, full.length - 1}) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            ObjectFormatException e = assertThrows(ObjectFormatException.class,
                    () -> ObjectSpec.parse(cut, "cut.bpf.o"), "length " + len);
            assertNotNull(e.section(), e.getMessage());
        }
    }

    @Test
    void relocationAgainstAMissingSymbol() {
        Patch p = new Patch("loader_globals");
        ElfSection rel = p.section(".relsyscall");
        p.buf.putInt((int) rel.offset() + 12, 0xffff);
        names(p.fails(), ".relsyscall", "refers to symbol 65535");
    }

    @Test
    void relocationOutsideItsSection() {
        Patch p = new Patch("loader_globals");
        ElfSection rel = p.section(".relsyscall");
        p.buf.putLong((int) rel.offset(), p.section("syscall").size() + 64);
        ObjectFormatException e = p.fails();
        names(e, ".relsyscall", "not the start of an instruction");
        assertEquals(0, e.offset(), "the first relocation entry");
    }

    @Test
    void relocationIntoTheSecondHalfOfAnLddw() {
        Patch p = new Patch("loader_globals");
        ElfSection rel = p.section(".relsyscall");
        long first = p.elf.relocations(rel).getFirst().offset();
        p.buf.putLong((int) rel.offset() + 16, first + 8);
        names(p.fails(), ".relsyscall", "not the start of an instruction");
    }

    @Test
    void relocationOfAnUnknownType() {
        Patch p = new Patch("loader_globals");
        ElfSection rel = p.section(".relsyscall");
        p.buf.putInt((int) rel.offset() + 8, 99);
        names(p.fails(), ".relsyscall", "unknown relocation type 99");
    }

    @Test
    void relocationOnAnInstructionThatTakesNone() {
        Patch p = new Patch("loader_globals");
        ElfSection rel = p.section(".relsyscall");
        List<Instruction> code = p.code("syscall");
        long offset = 0;
        for (Instruction i : code) {
            if (!i.isWide() && i.opcode() != 0x85) break;
            offset += i.slots() * 8L;
        }
        p.buf.putLong((int) rel.offset(), offset);
        names(p.fails(), ".relsyscall", "neither a call nor a 64-bit load");
    }

    @Test
    void mapsWithoutBtf() {
        Patch p = new Patch("loader_maps");
        p.renameSection(".BTF", ".BTX");
        names(p.fails(), ".maps", "need the object's .BTF section");
    }

    @Test
    void programSectionNotAWholeNumberOfInstructions() {
        Patch p = new Patch("loader_tailcalls");
        long h = p.header("xdp");
        p.buf.putLong((int) h + 32, p.section("xdp").size() - 4);
        names(p.fails(), "xdp", "not a whole number of 8-byte instructions");
    }

    @Test
    void lddwCutOffAtTheSectionEnd() {
        Patch p = new Patch("loader_globals");
        List<Instruction> code = p.code("syscall");
        long offset = 0;
        long lastWide = -1;
        for (Instruction i : code) {
            if (i.isWide()) lastWide = offset;
            offset += i.slots() * 8L;
        }
        p.buf.putLong((int) p.header("syscall") + 32, lastWide + 8);
        names(p.fails(), "syscall", "cut off");
    }

    /** The instruction index and byte offset of add_square's call to square in loader_subprogs' .text. */
    private static long[] innerCall(Patch p) {
        ElfSymbol addSquare = p.elf.symbols().stream().filter(s -> s.name().equals("add_square")).findFirst()
                .orElseThrow();
        List<Instruction> code = p.code(".text");
        long offset = 0;
        for (Instruction i : code) {
            if (offset >= addSquare.value() && i.opcode() == 0x85 && i.src() == 1) {
                return new long[]{offset, addSquare.value()};
            }
            offset += i.slots() * 8L;
        }
        throw new AssertionError("no call in add_square");
    }

    @Test
    void callOutOfRange() {
        Patch p = new Patch("loader_subprogs");
        long call = innerCall(p)[0];
        p.buf.putInt((int) (p.section(".text").offset() + call + 4), 100000);
        ObjectFormatException e = p.fails();
        names(e, ".text", "which is not the start of a function");
        assertEquals(call, e.offset());
    }

    @Test
    void recursiveCallCycle() {
        Patch p = new Patch("loader_subprogs");
        long[] c = innerCall(p);
        int selfRelative = (int) ((c[1] - c[0]) / 8 - 1);
        p.buf.putInt((int) (p.section(".text").offset() + c[0] + 4), selfRelative);
        ObjectFormatException e = p.fails();
        names(e, ".text", "recursive call cycle");
        assertTrue(e.getMessage().contains("add_square → add_square"), e.getMessage());
    }

    @Test
    void functionSymbolOffTheInstructionGrid() {
        Patch p = new Patch("loader_globals");
        ElfSection symtab = p.section(".symtab");
        ElfSymbol compute = p.elf.symbols().stream().filter(s -> s.name().equals("compute")).findFirst().orElseThrow();
        p.buf.putLong((int) (symtab.offset() + compute.index() * 24L + 8), 4);
        names(p.fails(), "syscall", "not an instruction boundary");
    }

    @Test
    void codeWithoutFunctionSymbols() {
        Patch p = new Patch("loader_globals");
        ElfSection symtab = p.section(".symtab");
        ElfSymbol compute = p.elf.symbols().stream().filter(s -> s.name().equals("compute")).findFirst().orElseThrow();
        int infoAt = (int) (symtab.offset() + compute.index() * 24L + 4);
        p.bytes[infoAt] = (byte) (p.bytes[infoAt] & 0xf0);   // STT_FUNC → STT_NOTYPE
        names(p.fails(), "syscall", "no function symbol");
    }

    @Test
    void btfWithAHugeTypeSection() {
        Patch p = new Patch("loader_maps");
        p.buf.putInt((int) p.section(".BTF").offset() + 12, 0x7fff_fff0);
        ObjectFormatException e = p.fails();
        assertEquals(".BTF", e.section(), e.getMessage());
    }

    @Test
    void btfExtWithAHugeRecordCount() {
        Patch p = new Patch("loader_maps");
        int ext = (int) p.section(".BTF.ext").offset();
        int hdrLen = p.buf.getInt(ext + 4);
        int funcOff = p.buf.getInt(ext + 8);
        p.buf.putInt(ext + hdrLen + funcOff + 4 + 4, 0x7fff_ffff);   // record size, then sec_name_off, num_info
        ObjectFormatException e = p.fails();
        assertEquals(".BTF.ext", e.section(), e.getMessage());
    }

    @Test
    void mapDefinitionsLibbpfsMacrosCannotWrite() throws IOException {
        record Case(String object, String text) {
        }
        for (Case c : List.of(new Case("malformed_map_field", "unknown field 'max_entires'"),
                new Case("malformed_map_encoding", "must be declared with __uint(max_entries, N)"),
                new Case("malformed_map_values", "need type BPF_MAP_TYPE_PROG_ARRAY"))) {
            byte[] b = Files.readAllBytes(TestObjects.bpf(c.object()));
            ObjectFormatException e = assertThrows(ObjectFormatException.class,
                    () -> ObjectSpec.parse(b, c.object() + ".bpf.o"));
            names(e, ".maps", c.text());
        }
    }

    @Test
    void arenaVariablesWithoutAnArenaMapAndStructOpsPointersToOtherProgramsAreRefused() throws IOException {
        byte[] arena = Files.readAllBytes(TestObjects.bpf("malformed_arena_no_map"));
        ObjectFormatException a = assertThrows(ObjectFormatException.class,
                () -> ObjectSpec.parse(arena, "malformed_arena_no_map.bpf.o"));
        names(a, ".addr_space.1", "__arena global variables but declares no arena map");
        byte[] ops = Files.readAllBytes(TestObjects.bpf("malformed_struct_ops_prog"));
        ObjectFormatException o = assertThrows(ObjectFormatException.class,
                () -> ObjectSpec.parse(ops, "malformed_struct_ops_prog.bpf.o"));
        names(o, ".rel.struct_ops", "member 'ssthresh' of 'wrong' points to function 'not_struct_ops' (xdp), "
                + "which is not a struct_ops program");
    }

    @Test
    void unknownSectionNamesAreKeptAndRefusedAtLoadWithTheNearMisses() {
        Patch p = new Patch("loader_net");
        p.renameSection("xdp", "xdq");   // the string table is shared: the function becomes count_xdq too
        ObjectSpec spec = ObjectSpec.parse(p.bytes, p.name);
        assertEquals(ProgramType.UNSPEC, spec.program("count_xdq").type());
        assertEquals("xdq", spec.program("count_xdq").sectionName());
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> BpfObject.load(spec));
        assertTrue(e.getMessage().startsWith("object 'loader_net.bpf.o': program 'count_xdq' (xdq): "), e.getMessage());
        assertTrue(e.getMessage().contains("unknown program section name 'xdq'"), e.getMessage());
        assertTrue(e.getMessage().contains("closest known: xdp"), e.getMessage());
        assertEquals("xdq", e.section());
    }

    @Test
    void notABpfObject() {
        byte[] image = readNative("uprobe_target");
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> ObjectSpec.parse(image, "x"));
        assertTrue(e.getMessage().contains("EM_BPF") || e.getMessage().contains("relocatable"), e.getMessage());
    }

    private static byte[] readNative(String n) {
        try {
            return Files.readAllBytes(TestObjects.nativeBinary(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
