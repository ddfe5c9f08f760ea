package dev.ebpf4j.btf;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static dev.ebpf4j.btf.BtfTestSupport.VMLINUX;
import static dev.ebpf4j.btf.BtfTestSupport.section;
import static dev.ebpf4j.btf.BtfTestSupport.toBigEndian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Deterministic mutation fuzzing of real BTF (and .BTF.ext): every truncation and thousands of bit flips and word
 * overwrites. Each case either parses — and then every lookup, the listing and a write/parse round trip work or fail
 * with {@link ObjectFormatException} (or {@link IllegalArgumentException} for questions without an answer, such as
 * the size of a function) — or fails to parse with an {@link ObjectFormatException} whose offset lies in the blob.
 * Anything else (IndexOutOfBounds, NullPointer, StackOverflow, …) fails the test with the seed and mutation.
 */
class BtfFuzzTest {
    private static final int CASES = 3000;
    private static final int[] INTERESTING = {0, 1, -1, 0x7fffffff, 0x80000000, 0xffff, 0x10000, 0x0d000001,
            0x04000001, 0x84000001, 0x13000002, 24, 4096};

    private static byte[] blob(String which) {
        return switch (which) {
            case "kinds" -> section(TestObjects.bpf("btf_kinds"), ".BTF");
            case "core" -> section(TestObjects.bpf("btf_core"), ".BTF");
            case "every-kind" -> BtfWriter.write(BtfRoundTripTest.everyKind());
            case "every-kind-big-endian" -> toBigEndian(BtfWriter.write(BtfRoundTripTest.everyKind()));
            default -> throw new IllegalArgumentException(which);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"kinds", "core", "every-kind", "every-kind-big-endian"})
    void everyTruncation(String which) {
        byte[] good = blob(which);
        exercise(good, which + " unmodified");
        for (int len = 0; len < good.length; len++) {
            exercise(java.util.Arrays.copyOf(good, len), which + " truncated to " + len);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kinds", "core", "every-kind", "every-kind-big-endian"})
    void bitFlipsAndWordOverwrites(String which) {
        byte[] good = blob(which);
        long seed = which.hashCode();
        Random random = new Random(seed);
        int parsed = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] bad = good.clone();
            StringBuilder what = new StringBuilder(which + " seed " + seed + " case " + i + ":");
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                if (random.nextBoolean()) {
                    int bit = random.nextInt(bad.length * 8);
                    bad[bit / 8] ^= (byte) (1 << (bit % 8));
                    what.append(" flip bit ").append(bit);
                } else {
                    int at = random.nextInt(Math.max(1, bad.length - 3)) & ~3;
                    int value = INTERESTING[random.nextInt(INTERESTING.length)];
                    for (int k = 0; k < 4 && at + k < bad.length; k++) bad[at + k] = (byte) (value >>> (8 * k));
                    what.append(" word@").append(at).append('=').append(Integer.toHexString(value));
                }
            }
            if (exercise(bad, what.toString())) parsed++;
        }
        assertTrue(parsed > CASES / 10, "enough mutants parse to exercise the lookups: " + parsed);
    }

    @Test
    void vmlinuxTypeSectionFlips() {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        byte[] good = Btf.vmlinux().bytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int typeEnd = 24 + java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(12);
        Random random = new Random(42);
        for (int i = 0; i < 40; i++) {
            byte[] bad = good.clone();
            int bit = 24 * 8 + random.nextInt((typeEnd - 24) * 8);
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            String what = "vmlinux flip bit " + bit;
            try {
                Btf btf = Btf.parse(bad);
                for (BtfType t : btf.types()) assertTrue(t.kind() != BtfKind.VOID, what);
            } catch (ObjectFormatException e) {
                assertOffsetInside(e, bad.length, what);
            } catch (RuntimeException | Error e) {
                throw new AssertionError(what + ": " + e, e);
            }
        }
    }

    @Test
    void btfExtMutations() {
        byte[] btfBytes = section(TestObjects.bpf("btf_core"), ".BTF");
        byte[] good = section(TestObjects.bpf("btf_core"), ".BTF.ext");
        Btf btf = Btf.parse(btfBytes);
        Random random = new Random(7);
        for (int i = 0; i < good.length + CASES; i++) {
            byte[] bad;
            String what;
            if (i < good.length) {
                bad = java.util.Arrays.copyOf(good, i);
                what = ".BTF.ext truncated to " + i;
            } else {
                bad = good.clone();
                int at = random.nextInt(bad.length - 3) & ~3;
                int value = INTERESTING[random.nextInt(INTERESTING.length)];
                for (int k = 0; k < 4; k++) bad[at + k] = (byte) (value >>> (8 * k));
                what = ".BTF.ext word@" + at + "=" + Integer.toHexString(value);
            }
            try {
                BtfExt ext = BtfExt.parse(bad, btf);
                assertTrue(ext.funcInfos().size() + ext.lineInfos().size() + ext.coreRelos().size() >= 0);
            } catch (ObjectFormatException e) {
                assertOffsetInside(e, bad.length, what);
            } catch (RuntimeException | Error e) {
                throw new AssertionError(what + ": " + e, e);
            }
        }
    }

    private static void assertOffsetInside(ObjectFormatException e, int length, String what) {
        if (e.offset() < -1 || e.offset() > length) fail(what + ": offset " + e.offset() + " outside the blob: " + e);
    }

    /** Parses and, when that works, uses everything; returns whether it parsed. */
    private static boolean exercise(byte[] bytes, String what) {
        Btf btf;
        try {
            btf = Btf.parse(bytes);
        } catch (ObjectFormatException e) {
            assertOffsetInside(e, bytes.length, what);
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": parse threw " + e, e);
        }
        try {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < btf.typeCount(); i++) {
                int id = i;
                BtfType t = btf.type(id);
                assertEquals(t.kind(), btf.kind(id));
                assertEquals(t.name(), btf.name(id));
                names.add(t.name());
                tolerate(() -> btf.resolveId(id));
                tolerate(() -> btf.sizeOf(id));
                tolerate(() -> btf.alignOf(id));
                if (t instanceof BtfComposite c) {
                    for (BtfMember m : c.members()) {
                        if (!m.name().isEmpty()) tolerate(() -> btf.member(id, m.name()));
                    }
                    tolerate(() -> btf.member(id, "no_such_member"));
                }
            }
            for (String name : names) {
                for (int id : btf.idsByName(name)) assertEquals(name, btf.name(id));
                for (BtfKind kind : BtfKind.values()) btf.findId(name, kind);
            }
            BtfDump.raw(btf);
            assertEquals(btf.types(), Btf.parse(BtfWriter.write(btf)).types(), "round trip");
            return true;
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": using the parsed BTF threw " + e, e);
        }
    }

    private interface Action {
        Object run();
    }

    private static void tolerate(Action action) {
        try {
            action.run();
        } catch (ObjectFormatException | IllegalArgumentException expected) {
            // loops and questions without an answer
        }
    }
}
