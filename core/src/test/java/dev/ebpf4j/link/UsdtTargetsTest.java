package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.elf.ElfSymbols;
import org.junit.jupiter.api.Test;

import java.lang.foreign.SymbolLookup;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How USDT binaries are found (paths, library names on the system paths, this JVM's own mappings) and where a file
 * offset is mapped in a process, checked on this JVM's libjvm.so and libc.
 */
class UsdtTargetsTest {
    private static final Path LIBJVM = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");

    @Test
    void pathsAreTakenAsGiven() {
        assertEquals(Path.of("/usr/bin/true"), UsdtTargets.resolve("/usr/bin/true", -1));
        assertEquals(Path.of("target/x"), UsdtTargets.resolve("target/x", -1), "relative, with a '/'");
    }

    @Test
    void libraryNamesAreSearchedOnTheSystemPathsThenInThisJvmsMappings() throws Exception {
        Path libc = UsdtTargets.resolve("libc.so.6", -1);
        assertTrue(libc.isAbsolute() && Files.isRegularFile(libc), libc.toString());
        assertEquals(Path.of("/lib/x86_64-linux-gnu/libc.so.6").toRealPath(), libc.toRealPath());
        Path libjvm = UsdtTargets.resolve("libjvm.so", -1);
        assertEquals(LIBJVM.toRealPath(), libjvm.toRealPath(), "this JVM's libjvm, from /proc/self/maps");
        long pid = ProcessHandle.current().pid();
        assertEquals(LIBJVM.toRealPath(), UsdtTargets.resolve("libjvm.so", (int) pid).toRealPath(),
                "by pid: from that process's mappings");
        assertEquals(libjvm, UsdtTargets.resolve("libjvm", -1), "a name matches the mapped file's name up to a '.'");
        assertTrue(UsdtTargets.resolve("true", -1).toString().endsWith("/true"), "executables are searched on PATH");
    }

    @Test
    void unknownNamesSayWhereTheyWereLookedFor() {
        BpfArgumentException e = assertThrows(BpfArgumentException.class,
                () -> UsdtTargets.resolve("libnothing-here.so", (int) ProcessHandle.current().pid()));
        assertEquals("USDT binary 'libnothing-here.so' not found; looked in /proc/" + ProcessHandle.current().pid()
                + "/maps, LD_LIBRARY_PATH and the system library directories, /proc/self/maps; give an absolute path",
                e.getMessage());
        assertThrows(BpfArgumentException.class, () -> UsdtTargets.resolve(" ", -1));
    }

    @Test
    void aFileOffsetMapsToWhereTheProcessHasTheFile() {
        int pid = (int) ProcessHandle.current().pid();
        String symbol = "JNI_CreateJavaVM";
        long fileOffset = ElfSymbols.fileOffset(LIBJVM, symbol);
        long actual = SymbolLookup.libraryLookup(LIBJVM, Arena.global()).find(symbol).orElseThrow().address();
        assertEquals(actual, UsdtTargets.runtimeAddress(pid, LIBJVM, fileOffset));
        BpfArgumentException e = assertThrows(BpfArgumentException.class,
                () -> UsdtTargets.runtimeAddress(pid, Path.of("/usr/bin/true"), 0x1000));
        assertTrue(e.getMessage().startsWith("process " + pid + " has not mapped file offset 0x1000 of /usr/bin/true"
                + " executable"), e.getMessage());
    }
}
