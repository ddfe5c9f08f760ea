package dev.ebpf4j.elf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.asm.InstructionDecoder;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.ebpf4j.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutated ELF images (deterministic seeds): bit flips anywhere and in the header tables, symbol, string, version,
 * relocation and note sections, interesting values written into header fields, truncation and overwritten ranges.
 * Reading every part of each mutant must either succeed or raise {@link ObjectFormatException} — never another
 * exception, an out-of-memory error or a hang. (ElfSymbols may also report a missing or ambiguous symbol, which is a
 * {@link BpfException}.) Run longer with {@code -Debpf4j.fuzz.factor=N}.
 */
class ElfFuzzTest {

    static Stream<Arguments> bases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("asm_maps.bpf.o", Files.readAllBytes(TestObjects.bpf("asm_maps")), 3000));
        out.add(Arguments.of("asm_bigendian.bpf.o", Files.readAllBytes(TestObjects.bpf("asm_bigendian")), 2000));
        out.add(Arguments.of("uprobe_target", Files.readAllBytes(TestObjects.nativeBinary("uprobe_target")), 3000));
        out.add(Arguments.of("sample-le", new ElfMalformedTest.Sample(ByteOrder.LITTLE_ENDIAN).image, 3000));
        out.add(Arguments.of("sample-be", new ElfMalformedTest.Sample(ByteOrder.BIG_ENDIAN).image, 3000));
        Path libc = ElfFileTest.LIBC;
        if (Files.isRegularFile(libc)) out.add(Arguments.of("libc.so.6", Files.readAllBytes(libc), 150));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} x {2}")
    @MethodSource("bases")
    void mutantsParseOrFailCleanly(String name, byte[] original, int baseMutations) {
        int mutations = baseMutations * Integer.getInteger("ebpf4j.fuzz.factor", 1);
        Regions regions = Regions.of(original, name);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < mutations; i++) {
            long seed = name.hashCode() * 1_000_003L + i;
            Random random = new Random(seed);
            String[] how = new String[1];
            byte[] mutant = mutate(original, regions, random, how);
            try {
                exercise(mutant, name);
                parsed++;
            } catch (ObjectFormatException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                rejected++;
            } catch (Throwable t) {
                fail(name + " mutant " + i + " (seed " + seed + ", " + how[0] + ") threw " + t, t);
            }
        }
        assertTrue(parsed > 0, name + ": no mutant parsed");
        assertTrue(rejected > 0, name + ": no mutant was rejected");
    }

    /** Reads every part of the image; only ObjectFormatException may escape. */
    private static void exercise(byte[] image, String name) {
        ElfFile elf = ElfFile.parse(image, name);
        elf.header();
        for (ElfSection s : elf.sections()) {
            elf.data(s);
            switch (s.type()) {
                case SHT_SYMTAB, SHT_DYNSYM -> elf.symbols(s);
                case SHT_REL, SHT_RELA -> elf.relocations(s);
                case SHT_NOTE -> elf.notes(s);
                case SHT_STRTAB -> {
                    if (s.size() > 1) elf.string(s, 1);
                }
                default -> {
                }
            }
            if (s.isExecutable() && elf.header().machine() == EM_BPF) {
                InstructionDecoder.decode(elf.data(s), elf.byteOrder(), s.name());
            }
        }
        elf.symbols();
        elf.dynamicSymbols();
        for (ElfSegment g : elf.segments()) {
            elf.data(g);
            if (g.type() == PT_NOTE) elf.notes(g);
        }
        ElfSymbols.functions(elf);
        for (String symbol : List.of("main", "ebpf4j_uprobe_target", "count_writes", "malloc", "helper")) {
            try {
                ElfSymbols.locate(elf, symbol);
            } catch (ObjectFormatException e) {
                throw e;
            } catch (BpfException expected) {
                // not found, imported, ambiguous or without file bytes: a clean answer about a mutated file
            }
        }
    }

    /** Offsets worth aiming at: the header tables and the contents of the structured sections. */
    private record Regions(long[][] tables, long[][] structured) {
        static Regions of(byte[] image, String name) {
            ElfFile elf = ElfFile.parse(image, name);
            ElfHeader h = elf.header();
            List<long[]> tables = new ArrayList<>();
            tables.add(new long[] {0, 64});
            if (h.sectionHeaderCount() > 0) {
                tables.add(new long[] {h.sectionHeaderOffset(), (long) h.sectionHeaderCount() * h.sectionHeaderEntrySize()});
            }
            if (h.programHeaderCount() > 0) {
                tables.add(new long[] {h.programHeaderOffset(), (long) h.programHeaderCount() * h.programHeaderEntrySize()});
            }
            List<long[]> structured = new ArrayList<>();
            for (ElfSection s : elf.sections()) {
                boolean interesting = switch (s.type()) {
                    case SHT_SYMTAB, SHT_DYNSYM, SHT_STRTAB, SHT_REL, SHT_RELA, SHT_NOTE, SHT_GNU_VERSYM,
                         SHT_GNU_VERDEF, SHT_GNU_VERNEED -> true;
                    default -> s.isExecutable();
                };
                if (interesting && s.size() > 0) structured.add(new long[] {s.offset(), Math.min(s.size(), 1 << 16)});
            }
            if (structured.isEmpty()) structured = tables;
            return new Regions(tables.toArray(long[][]::new), structured.toArray(long[][]::new));
        }
    }

    private static final long[] INTERESTING = {0, 1, 2, 7, 8, 0x40, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
            0x7fffffffL, 0x80000000L, 0xffffffffL, Long.MAX_VALUE, Long.MIN_VALUE, -1, -8, 1L << 40};

    private static byte[] mutate(byte[] original, Regions regions, Random random, String[] how) {
        byte[] m = original.clone();
        int strategy = random.nextInt(7);
        switch (strategy) {
            case 0 -> {
                int flips = 1 + random.nextInt(4);
                for (int k = 0; k < flips; k++) flip(m, random.nextInt(m.length), random);
                how[0] = flips + " bit flips anywhere";
            }
            case 1, 2 -> {
                long[][] targets = strategy == 1 ? regions.tables : regions.structured;
                int flips = 1 + random.nextInt(3);
                for (int k = 0; k < flips; k++) flip(m, pick(targets, random, m.length), random);
                how[0] = flips + " bit flips in " + (strategy == 1 ? "header tables" : "structured sections");
            }
            case 3 -> {
                int at = pick(random.nextBoolean() ? regions.tables : regions.structured, random, m.length) & ~3;
                long value = random.nextInt(4) == 0 ? random.nextLong() : INTERESTING[random.nextInt(INTERESTING.length)];
                int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
                ByteBuffer b = ByteBuffer.wrap(m).order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN
                        : ByteOrder.BIG_ENDIAN);
                if (at + width <= m.length) {
                    switch (width) {
                        case 1 -> b.put(at, (byte) value);
                        case 2 -> b.putShort(at, (short) value);
                        case 4 -> b.putInt(at, (int) value);
                        default -> b.putLong(at, value);
                    }
                }
                how[0] = "value " + value + " (" + width + " bytes) at " + at;
            }
            case 4 -> {
                int length = random.nextInt(m.length);
                how[0] = "truncated to " + length;
                return Arrays.copyOf(m, length);
            }
            case 5 -> {
                int at = pick(regions.structured, random, m.length);
                int length = Math.min(m.length - at, 8 + random.nextInt(57));
                byte[] noise = new byte[length];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, m, at, length);
                how[0] = length + " random bytes at " + at;
            }
            default -> {
                int at = pick(regions.tables, random, m.length);
                int length = Math.min(m.length - at, 1 + random.nextInt(16));
                Arrays.fill(m, at, at + length, (byte) (random.nextBoolean() ? 0 : 0xff));
                how[0] = length + " bytes filled at " + at;
            }
        }
        return m;
    }

    private static int pick(long[][] regions, Random random, int length) {
        long[] r = regions[random.nextInt(regions.length)];
        long at = r[0] + (r[1] > 0 ? (long) (random.nextDouble() * r[1]) : 0);
        return (int) Math.min(Math.max(at, 0), length - 1);
    }

    private static void flip(byte[] m, int at, Random random) {
        m[at] ^= (byte) (1 << random.nextInt(8));
    }
}
