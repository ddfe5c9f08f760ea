package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Linker;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The private ELF symbol lookup behind uprobes: checked against readelf/nm and against malformed files. */
class UprobeTargetsTest {

    @Test
    void symbolOffsetMatchesReadelf() {
        Path bin = UprobeTargetProcess.binary();
        long vaddr = UprobeLinkKernelTest.nmAddress(bin, "ebpf4j_uprobe_target");
        long expected = -1;
        for (String line : Shell.run("readelf", "-lW", bin.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[0].equals("LOAD")) {
                long off = Long.decode(f[1]);
                long va = Long.decode(f[2]);
                long filesz = Long.decode(f[4]);
                if (vaddr >= va && vaddr < va + filesz) expected = vaddr - va + off;
            }
        }
        assertTrue(expected >= 0);
        assertEquals(expected, UprobeTargets.symbolOffset(bin, "ebpf4j_uprobe_target"));
        assertEquals(expected, UprobeTargets.virtualAddressOffset(bin, vaddr));
    }

    @Test
    void dynamicSymbolOfLibcMatchesTheLoadedAddress() throws Exception {
        // The dynamic linker resolved getpid in this JVM: its address, mapped back to a file offset through
        // /proc/self/maps, must be where the .dynsym lookup says getpid is.
        long address = Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow().address();
        UprobeTargets.Location at = UprobeTargets.processAddress((int) ProcessHandle.current().pid(), address);
        assertTrue(at.binary().getFileName().toString().startsWith("libc"), at.toString());
        assertEquals(UprobeTargets.symbolOffset(at.binary(), "getpid"), at.fileOffset());
    }

    @Test
    void missingSymbolsSuggestSimilarOnes() {
        BpfArgumentException e = assertThrows(BpfArgumentException.class,
                () -> UprobeTargets.symbolOffset(UprobeTargetProcess.binary(), "ebpf4j_uprobe_trget"));
        assertTrue(e.getMessage().contains("nearby: ebpf4j_uprobe_target"), e.getMessage());
        assertThrows(BpfArgumentException.class,
                () -> UprobeTargets.virtualAddressOffset(UprobeTargetProcess.binary(), 0x7fff_0000_0000L));
    }

    @Test
    void malformedFilesRaiseObjectFormatException(@TempDir Path dir) throws Exception {
        Path notElf = dir.resolve("text");
        Files.writeString(notElf, "#!/bin/sh\necho hello, this is not an ELF file at all......................\n");
        assertThrows(ObjectFormatException.class, () -> UprobeTargets.symbolOffset(notElf, "main"));

        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[]{0x7f, 'E', 'L', 'F', 2, 1});
        assertThrows(ObjectFormatException.class, () -> UprobeTargets.symbolOffset(tiny, "main"));

        byte[] good = Files.readAllBytes(UprobeTargetProcess.binary());
        Path elf32 = write(dir, "elf32", good, b -> b.put(4, (byte) 1));
        assertThrows(ObjectFormatException.class, () -> UprobeTargets.symbolOffset(elf32, "main"));

        Path farSections = write(dir, "far-sections", good, b -> b.putLong(40, 1L << 40));
        assertThrows(ObjectFormatException.class, () -> UprobeTargets.symbolOffset(farSections, "main"));

        Path farPhdrs = write(dir, "far-phdrs", good, b -> b.putLong(32, good.length - 8));
        assertThrows(ObjectFormatException.class, () -> UprobeTargets.symbolOffset(farPhdrs, "main"));

        Path truncated = dir.resolve("truncated");
        Files.write(truncated, Arrays.copyOf(good, 2000));
        assertThrows(ObjectFormatException.class, () -> UprobeTargets.symbolOffset(truncated, "main"));

        // A symbol table whose size runs past the end of the file.
        Path badSymtab = write(dir, "bad-symtab", good, b -> {
            long shoff = b.getLong(40);
            int shentsize = Short.toUnsignedInt(b.getShort(58));
            int shnum = Short.toUnsignedInt(b.getShort(60));
            for (int i = 0; i < shnum; i++) {
                int s = (int) (shoff + (long) i * shentsize);
                if (b.getInt(s + 4) == 2) b.putLong(s + 32, 1L << 33);
            }
        });
        assertThrows(ObjectFormatException.class, () -> UprobeTargets.symbolOffset(badSymtab, "main"));
    }

    @Test
    void missingFilesAreArgumentErrors() {
        assertThrows(BpfArgumentException.class, () -> UprobeTargets.symbolOffset(Path.of("/no/such/binary"), "f"));
        assertThrows(BpfArgumentException.class, () -> UprobeTargets.processAddress(Integer.MAX_VALUE, 0x1000));
    }

    private static Path write(Path dir, String name, byte[] original, java.util.function.Consumer<ByteBuffer> edit)
            throws Exception {
        ByteBuffer b = ByteBuffer.wrap(original.clone()).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(b);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }
}
