package dev.ebpf4j.objects;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Deterministic mutants of corpus objects — bit flips anywhere and in the sections the loader reads (code,
 * relocations, .maps, .BTF, .BTF.ext, symbols, strings), interesting values written into them, truncations and
 * overwritten ranges. Parsing each must succeed or raise {@link ObjectFormatException} naming a section — never
 * another exception, an out-of-memory error or a hang. Run longer with {@code -Debpf4j.fuzz.factor=N}.
 */
class ObjectFuzzTest {
    private static final int[] INTERESTING = {0, 1, -1, 7, 8, 0x7f, 0x80, 0xff, 0xffff, 0x7fff_ffff, 0x8000_0000,
            0x1000_0000, -8, 0x18, 0x85};

    static List<String> bases() {
        return List.of("loader_globals", "loader_maps", "loader_subprogs", "loader_externs", "loader_tailcalls",
                "loader_tracing", "loader_legacy", "loader_core", "loader_kfuncs");
    }

    @ParameterizedTest
    @MethodSource("bases")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutantsParseOrFailWithAFormatError(String base) {
        byte[] original = Corpus.bytes(base);
        ElfFile elf = ElfFile.parse(original.clone(), base);
        List<long[]> regions = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            String n = s.name();
            boolean wanted = s.isExecutable() || n.startsWith(".rel") || n.equals(".maps") || n.equals(".BTF")
                    || n.equals(".BTF.ext") || n.equals(".symtab") || n.equals(".strtab") || n.startsWith(".data")
                    || n.startsWith(".rodata") || n.equals("maps");
            if (wanted && s.hasFileData() && s.size() > 0) regions.add(new long[]{s.offset(), s.size()});
        }
        regions.add(new long[]{elf.header().sectionHeaderOffset(),
                (long) elf.header().sectionHeaderCount() * elf.header().sectionHeaderEntrySize()});
        int mutants = 700 * Integer.getInteger("ebpf4j.fuzz.factor", 1);
        int parsed = 0;
        int rejected = 0;
        List<String> lastResort = new ArrayList<>();
        for (int seed = 0; seed < mutants; seed++) {
            Random rnd = new Random(base.hashCode() * 1_000_003L + seed);
            byte[] m = original.clone();
            String how = mutate(m, rnd, regions);
            byte[] mutant = how.startsWith("truncate") ? java.util.Arrays.copyOf(m, Integer.parseInt(how.substring(9)))
                    : m;
            try {
                ObjectSpec spec = ObjectSpec.parse(mutant, base + ".bpf.o");
                for (ProgramSpec p : spec.programs()) assertNotNull(p.instructions());
                spec.maps();
                spec.variables();
                parsed++;
            } catch (ObjectFormatException e) {
                rejected++;
                assertNotNull(e.section(), "seed " + seed + " (" + how + "): " + e.getMessage());
                if (e.getMessage().contains("does not name yet")) lastResort.add(how + ": " + e.getMessage());
            } catch (Throwable t) {
                throw new AssertionError(base + " seed " + seed + " (" + how + "): " + t, t);
            }
        }
        System.out.println("[fuzz] " + base + ": " + parsed + " parsed, " + rejected + " rejected, "
                + lastResort.size() + " by the last-resort guard " + lastResort.stream().limit(5).toList());
        assertEquals(List.of(), lastResort, "malformations are named where they are found, not by the last-resort guard");
    }

    private static String mutate(byte[] m, Random rnd, List<long[]> regions) {
        int kind = rnd.nextInt(6);
        switch (kind) {
            case 0 -> {
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = rnd.nextInt(m.length);
                    m[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                return "flip anywhere";
            }
            case 1, 2 -> {
                long[] r = regions.get(rnd.nextInt(regions.size()));
                int flips = 1 + rnd.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    int at = (int) (r[0] + (long) (rnd.nextDouble() * r[1]));
                    m[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                return "flip in region at " + r[0];
            }
            case 3 -> {
                long[] r = regions.get(rnd.nextInt(regions.size()));
                int at = (int) (r[0] + (long) (rnd.nextDouble() * Math.max(1, r[1] - 4))) & ~3;
                int v = INTERESTING[rnd.nextInt(INTERESTING.length)];
                if (at + 4 <= m.length) {
                    m[at] = (byte) v;
                    m[at + 1] = (byte) (v >> 8);
                    m[at + 2] = (byte) (v >> 16);
                    m[at + 3] = (byte) (v >> 24);
                }
                return "value " + v + " at " + at;
            }
            case 4 -> {
                return "truncate " + rnd.nextInt(m.length);
            }
            default -> {
                long[] r = regions.get(rnd.nextInt(regions.size()));
                int at = (int) (r[0] + (long) (rnd.nextDouble() * r[1]));
                int len = Math.min(1 + rnd.nextInt(32), m.length - at);
                for (int i = 0; i < len; i++) m[at + i] = (byte) rnd.nextInt();
                return "overwrite " + len + " at " + at;
            }
        }
    }
}
