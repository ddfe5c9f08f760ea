package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
        Elf elf = Elf.read(binary);
        return elf.fileOffsetOf(elf.symbolValue(symbol), symbol);
    }

    /** The file offset of ELF virtual address {@code vaddr} of {@code binary}. */
    static long virtualAddressOffset(Path binary, long vaddr) {
        return Elf.read(binary).fileOffsetOf(vaddr, "address 0x" + Long.toHexString(vaddr));
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

    /** The parts of an ELF64 file a symbol lookup needs, read with bounds checks. */
    private static final class Elf {
        private final Path path;
        private final ByteBuffer b;
        private final List<long[]> loads = new ArrayList<>(); // {vaddr, filesz, offset}
        private final List<int[]> symtabs = new ArrayList<>(); // {sh_offset, sh_size, strtab offset, strtab size}

        private Elf(Path path, ByteBuffer b) {
            this.path = path;
            this.b = b;
        }

        static Elf read(Path path) {
            if (!Files.isRegularFile(path)) {
                throw new BpfArgumentException("uprobe target " + path + " does not exist or is not a regular file");
            }
            ByteBuffer buf;
            try (FileChannel ch = FileChannel.open(path)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE) {
                    throw new ObjectFormatException(path.toString(), 0, "file larger than 2 GiB is not supported");
                }
                buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            } catch (IOException e) {
                throw new BpfException("cannot read uprobe target " + path + ": " + e.getMessage());
            }
            Elf elf = new Elf(path, buf);
            elf.parse();
            return elf;
        }

        private ObjectFormatException bad(String where, long offset, String problem) {
            return new ObjectFormatException(path + " " + where, offset, problem);
        }

        private void check(long off, long len, String where) {
            if (off < 0 || len < 0 || off + len > b.limit() || off + len < off) {
                throw bad(where, off, len + " bytes at this offset lie outside the " + b.limit() + "-byte file");
            }
        }

        private void parse() {
            check(0, 64, "ELF header");
            if (b.get(0) != 0x7f || b.get(1) != 'E' || b.get(2) != 'L' || b.get(3) != 'F') {
                throw bad("ELF header", 0, "not an ELF file (bad magic)");
            }
            if (b.get(4) != 2) throw bad("ELF header", 4, "not a 64-bit ELF file (class " + b.get(4) + ")");
            if (b.get(5) == 1) b.order(ByteOrder.LITTLE_ENDIAN);
            else if (b.get(5) == 2) b.order(ByteOrder.BIG_ENDIAN);
            else throw bad("ELF header", 5, "unknown data encoding " + b.get(5));
            long phoff = b.getLong(32);
            long shoff = b.getLong(40);
            int phentsize = Short.toUnsignedInt(b.getShort(54));
            int phnum = Short.toUnsignedInt(b.getShort(56));
            int shentsize = Short.toUnsignedInt(b.getShort(58));
            int shnum = Short.toUnsignedInt(b.getShort(60));
            if (phnum > 0) {
                if (phentsize < 56) throw bad("ELF header", 54, "program header entries of " + phentsize + " bytes");
                check(phoff, (long) phentsize * phnum, "program headers");
                for (int i = 0; i < phnum; i++) {
                    int p = (int) (phoff + (long) i * phentsize);
                    if (b.getInt(p) == PT_LOAD) loads.add(new long[]{b.getLong(p + 16), b.getLong(p + 32), b.getLong(p + 8)});
                }
            }
            if (shnum > 0) {
                if (shentsize < 64) throw bad("ELF header", 58, "section header entries of " + shentsize + " bytes");
                check(shoff, (long) shentsize * shnum, "section headers");
                for (int i = 0; i < shnum; i++) {
                    int s = (int) (shoff + (long) i * shentsize);
                    int type = b.getInt(s + 4);
                    if (type != SHT_SYMTAB && type != SHT_DYNSYM) continue;
                    long off = b.getLong(s + 24);
                    long size = b.getLong(s + 32);
                    int link = b.getInt(s + 40);
                    check(off, size, "symbol table section " + i);
                    if (link < 0 || link >= shnum) throw bad("section " + i, s + 40, "string table index " + link);
                    int str = (int) (shoff + (long) link * shentsize);
                    long strOff = b.getLong(str + 24);
                    long strSize = b.getLong(str + 32);
                    check(strOff, strSize, "string table section " + link);
                    int[] t = {(int) off, (int) size, (int) strOff, (int) strSize};
                    if (type == SHT_SYMTAB) symtabs.addFirst(t);
                    else symtabs.add(t);
                }
            }
        }

        /** The value of defined symbol {@code name}: .symtab first, then .dynsym; functions preferred. */
        long symbolValue(String name) {
            Set<String> similar = new LinkedHashSet<>();
            long found = -1;
            boolean foundFunc = false;
            Set<Long> funcValues = new java.util.TreeSet<>();
            for (int[] t : symtabs) {
                for (int p = t[0]; p + 24 <= t[0] + t[1]; p += 24) {
                    int nameOff = b.getInt(p);
                    int type = b.get(p + 4) & 0xf;
                    int shndx = Short.toUnsignedInt(b.getShort(p + 6));
                    long value = b.getLong(p + 8);
                    if (shndx == 0 || nameOff == 0) continue;
                    String s = string(t[2], t[3], nameOff);
                    boolean isFunc = type == STT_FUNC || type == STT_GNU_IFUNC;
                    if (s.equals(name) || s.startsWith(name + "@")) {
                        if (isFunc) {
                            funcValues.add(value);
                            foundFunc = true;
                            found = value;
                        } else if (!foundFunc) {
                            found = value;
                        }
                    } else if (isFunc && similar.size() < 4000) {
                        similar.add(s);
                    }
                }
                if (found >= 0) break;
            }
            if (funcValues.size() > 1) {
                throw new BpfArgumentException("symbol '" + name + "' is defined " + funcValues.size() + " times in "
                        + path + " at different addresses; attach by offset instead");
            }
            if (found < 0) {
                throw new BpfArgumentException("no symbol '" + name + "' in " + path
                        + (symtabs.isEmpty() ? " (the file has no symbol tables)" : "")
                        + NearMisses.hint(name, similar));
            }
            return found;
        }

        long fileOffsetOf(long vaddr, String what) {
            for (long[] l : loads) {
                if (Long.compareUnsigned(vaddr, l[0]) >= 0 && Long.compareUnsigned(vaddr - l[0], l[1]) < 0) {
                    return vaddr - l[0] + l[2];
                }
            }
            throw new BpfArgumentException(what + " (0x" + Long.toHexString(vaddr) + ") of " + path
                    + " lies in no loadable segment" + (loads.isEmpty() ? " (the file has none: is it an executable "
                    + "or shared library?)" : ""));
        }

        private String string(int tableOff, int tableSize, int off) {
            if (off < 0 || off >= tableSize) throw bad("string table", tableOff, "name offset " + off + " out of range");
            int start = tableOff + off;
            int end = start;
            int limit = tableOff + tableSize;
            while (end < limit && b.get(end) != 0) end++;
            byte[] bytes = new byte[end - start];
            b.get(start, bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
