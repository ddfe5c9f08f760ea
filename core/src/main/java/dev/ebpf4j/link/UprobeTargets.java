package dev.ebpf4j.link;

import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSymbols;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.ObjectFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns uprobe targets into what the kernel takes, a file and an offset in it: a symbol of an ELF64 binary or shared
 * library ({@code .symtab}, else {@code .dynsym}, mapped through the {@code PT_LOAD} segment that contains it), an
 * ELF virtual address, or an address inside a running process ({@code /proc/<pid>/maps}).
 *
 * <p>A deliberately minimal, bounds-checked stand-in until the {@code dev.ebpf4j.elf} package lands; malformed files
 * raise {@link ObjectFormatException} naming the structure and offset, never an index error.
 *
 * <pre>{@code
 * long off = UprobeTargets.symbolOffset(Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"), "getpid");
 * }</pre>
 */
final class UprobeTargets {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int PT_LOAD = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;

    private UprobeTargets() {
    }

    /** A binary and a file offset in it: what a uprobe is placed at. */
    record Location(Path binary, long fileOffset) {
    }

    /** The file offset of function (or other defined symbol) {@code symbol} in {@code binary}. */
    static long symbolOffset(Path binary, String symbol) {
        return ElfSymbols.fileOffset(existing(binary), symbol);
    }

    /** The file offset of ELF virtual address {@code vaddr} of {@code binary}. */
    static long virtualAddressOffset(Path binary, long vaddr) {
        ElfFile elf = ElfFile.read(existing(binary));
        try {
            return ElfSymbols.fileOffset(elf, vaddr);
        } catch (ObjectFormatException e) {
            throw e;
        } catch (dev.ebpf4j.BpfException e) {
            throw new BpfArgumentException("cannot place a uprobe at " + e.getMessage());
        }
    }

    private static Path existing(Path binary) {
        if (!Files.isRegularFile(binary)) {
            throw new BpfArgumentException("uprobe target " + binary + " does not exist or is not a regular file");
        }
        return binary;
    }

    /** The file and offset mapped at {@code address} in process {@code pid}, from {@code /proc/<pid>/maps}. */
    static Location processAddress(int pid, long address) {
        Path maps = Path.of("/proc", Integer.toString(pid), "maps");
        List<String> lines;
        try {
            lines = Files.readAllLines(maps);
        } catch (IOException e) {
            throw new BpfArgumentException("cannot read " + maps + " to resolve address 0x" + Long.toHexString(address)
                    + " (" + e.getMessage() + "); is process " + pid + " running?");
        }
        for (String line : lines) {
            // start-end perms offset dev inode path
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 6 || !f[5].startsWith("/")) continue;
            int dash = f[0].indexOf('-');
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                if (f[1].length() < 3 || f[1].charAt(2) != 'x') {
                    throw new BpfArgumentException("address 0x" + Long.toHexString(address) + " of process " + pid
                            + " lies in a mapping of " + f[5] + " that is not executable (" + f[1] + ")");
                }
                String path = f[5].endsWith(" (deleted)") ? f[5].substring(0, f[5].length() - 10) : f[5];
                return new Location(Path.of(path), address - start + Long.parseUnsignedLong(f[2], 16));
            }
        }
        throw new BpfArgumentException("address 0x" + Long.toHexString(address) + " is not in a file mapping of "
                + "process " + pid + " (see " + maps + ")");
    }
}
