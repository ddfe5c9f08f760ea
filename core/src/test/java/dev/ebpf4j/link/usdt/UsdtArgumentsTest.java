package dev.ebpf4j.link.usdt;

import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.StapsdtNote;
import dev.ebpf4j.elf.StapsdtNotes;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.ebpf4j.link.usdt.UsdtArchitecture.AARCH64;
import static dev.ebpf4j.link.usdt.UsdtArchitecture.X86_64;
import static dev.ebpf4j.link.usdt.UsdtArgument.Kind.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The argument specification parser on the specifications real binaries carry (HotSpot's libjvm.so of both JDKs,
 * the test binary), on a table of forms with their expected fields, and on malformed and unsupported operands.
 */
class UsdtArgumentsTest {
    /** Byte offsets of the x86-64 struct pt_regs fields (Linux 6.18, /work/ref/vmlinux.h). */
    static final Map<String, Integer> PT_REGS = Map.ofEntries(Map.entry("r15", 0), Map.entry("r14", 8),
            Map.entry("r13", 16), Map.entry("r12", 24), Map.entry("bp", 32), Map.entry("bx", 40), Map.entry("r11", 48),
            Map.entry("r10", 56), Map.entry("r9", 64), Map.entry("r8", 72), Map.entry("ax", 80), Map.entry("cx", 88),
            Map.entry("dx", 96), Map.entry("si", 104), Map.entry("di", 112), Map.entry("ip", 128),
            Map.entry("sp", 152));

    /** The pt_regs field an x86 register name (any width) lives in: rax/eax/ax/al → ax, r8d/r8w/r8b → r8. */
    static String field(String register) {
        if (register.matches("r(8|9|1[0-5])[dwb]?")) return register.replaceAll("[dwb]$", "");
        String r = register.replaceFirst("^[re]", "");
        if (r.matches("[abcd]l")) return r.charAt(0) + "x";
        if (r.endsWith("l")) r = r.substring(0, r.length() - 1);   // sil dil bpl spl
        return r;
    }

    static UsdtArgument one(String spec, UsdtArchitecture arch) {
        List<UsdtArgument> args = UsdtArguments.parse(spec, arch);
        assertEquals(1, args.size(), spec);
        return args.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // spec           | kind           | size | signed | register | offset | value
            "-4@%edi          | REGISTER       | 4    | true   | edi      | 112    | 0",
            "8@%rax           | REGISTER       | 8    | false  | rax      | 80     | 0",
            "1@%al            | REGISTER       | 1    | false  | al       | 80     | 0",
            "-2@%ax           | REGISTER       | 2    | true   | ax       | 80     | 0",
            "1@%dil           | REGISTER       | 1    | false  | dil      | 112    | 0",
            "1@%sil           | REGISTER       | 1    | false  | sil      | 104    | 0",
            "-1@%bpl          | REGISTER       | 1    | true   | bpl      | 32     | 0",
            "8@%rsp           | REGISTER       | 8    | false  | rsp      | 152    | 0",
            "8@%rip           | REGISTER       | 8    | false  | rip      | 128    | 0",
            "1@%r12b          | REGISTER       | 1    | false  | r12b     | 24     | 0",
            "-4@%r14d         | REGISTER       | 4    | true   | r14d     | 8      | 0",
            "-2@%r9w          | REGISTER       | 2    | true   | r9w      | 64     | 0",
            "8@%r15           | REGISTER       | 8    | false  | r15      | 0      | 0",
            "8@-16(%rbp)      | REGISTER_DEREF | 8    | false  | rbp      | 32     | -16",
            "-4@-392(%rbp)    | REGISTER_DEREF | 4    | true   | rbp      | 32     | -392",
            "8@152(%rdi)      | REGISTER_DEREF | 8    | false  | rdi      | 112    | 152",
            "-8@(%rax)        | REGISTER_DEREF | 8    | true   | rax      | 80     | 0",
            "1@29(%r14)       | REGISTER_DEREF | 1    | false  | r14      | 8      | 29",
            "4@0x10(%rsp)     | REGISTER_DEREF | 4    | false  | rsp      | 152    | 16",
            "4@$5             | CONSTANT       | 4    | false  |          | 0      | 5",
            "-4@$-7           | CONSTANT       | 4    | true   |          | 0      | -7",
            "1@$-1            | CONSTANT       | 1    | false  |          | 0      | -1",
            "8@$0xfedcba9876543210 | CONSTANT  | 8    | false  |          | 0      | -81985529216486896",
            "8@$18446744073709551615 | CONSTANT | 8   | false  |          | 0      | -1",
    })
    void x86Forms(String spec, UsdtArgument.Kind kind, int size, boolean signed, String register, int offset,
                  long value) {
        UsdtArgument a = one(spec, X86_64);
        assertEquals(new UsdtArgument(spec, kind, size, signed, register, offset, value), a);
        assertEquals(64 - 8 * size, a.bitShift());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-4@x0            | REGISTER       | 4    | true   | x0       | 0      | 0",
            "8@x30            | REGISTER       | 8    | false  | x30      | 240    | 0",
            "-4@w3            | REGISTER       | 4    | true   | w3       | 24     | 0",
            "8@sp             | REGISTER       | 8    | false  | sp       | 248    | 0",
            "-4@[sp, 96]      | REGISTER_DEREF | 4    | true   | sp       | 248    | 96",
            "8@[x29, -8]      | REGISTER_DEREF | 8    | false  | x29      | 232    | -8",
            "2@[x1]           | REGISTER_DEREF | 2    | false  | x1       | 8      | 0",
            "4@[x2, #12]      | REGISTER_DEREF | 4    | false  | x2       | 16     | 12",
            "4@5              | CONSTANT       | 4    | false  |          | 0      | 5",
            "-4@#-9           | CONSTANT       | 4    | true   |          | 0      | -9",
    })
    void aarch64Forms(String spec, UsdtArgument.Kind kind, int size, boolean signed, String register, int offset,
                      long value) {
        assertEquals(new UsdtArgument(spec, kind, size, signed, register, offset, value), one(spec, AARCH64));
    }

    @Test
    void specificationsSplitAtSpacesOutsideBrackets() {
        List<UsdtArgument> x86 = UsdtArguments.parse("  8@%rdx -4@%eax\t8@152(%rdi) 1@%cl ", X86_64);
        assertEquals(List.of("8@%rdx", "-4@%eax", "8@152(%rdi)", "1@%cl"), x86.stream().map(UsdtArgument::text).toList());
        List<UsdtArgument> arm = UsdtArguments.parse("-4@[sp, 96] 8@x1 4@[x2]", AARCH64);
        assertEquals(List.of("-4@[sp, 96]", "8@x1", "4@[x2]"), arm.stream().map(UsdtArgument::text).toList());
        assertEquals(List.of(), UsdtArguments.parse("", X86_64));
        assertEquals(List.of(), UsdtArguments.parse("   ", AARCH64));
    }

    @Test
    void widenClearsOrSignExtendsTheUpperBits() {
        assertEquals(-1, one("-4@%eax", X86_64).widen(0x1234_5678_ffff_ffffL));
        assertEquals(0xffff_ffffL, one("4@%eax", X86_64).widen(0x1234_5678_ffff_ffffL));
        assertEquals(-128, one("-1@%al", X86_64).widen(0x80));
        assertEquals(128, one("1@%al", X86_64).widen(0xff80));
        assertEquals(-2, one("-2@%ax", X86_64).widen(0xabcd_fffeL));
        assertEquals(0xabcd_fffe_0000_0001L, one("8@%rax", X86_64).widen(0xabcd_fffe_0000_0001L));
        assertEquals(255, one("1@$-1", X86_64).widen(-1), "what bpf_usdt_arg returns for (uint8_t) 255");
    }

    /** Every specification in the HotSpot libjvm.so of every installed JDK and in the test binary. */
    static List<String> realSpecs() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path jdk : jdks.sorted().toList()) {
                Path lib = jdk.resolve("lib/server/libjvm.so");
                if (Files.isRegularFile(lib) && !Files.isSymbolicLink(jdk)) files.add(lib);
            }
        }
        files.add(TestObjects.nativeBinary("usdt_target"));
        files.add(TestObjects.nativeBinary("libusdt_lib"));
        TreeSet<String> specs = new TreeSet<>();
        for (Path f : files) for (StapsdtNote n : StapsdtNotes.read(ElfFile.read(f))) specs.add(n.arguments());
        return List.copyOf(specs);
    }

    @Test
    void everySpecificationOfHotspotAndTheTestBinaryParsesToTheRightRegisters() throws IOException {
        List<String> specs = realSpecs();
        assertTrue(specs.size() > 100, "HotSpot has many distinct argument lists: " + specs.size());
        int registers = 0;
        int memory = 0;
        int constants = 0;
        for (String spec : specs) {
            List<UsdtArgument> args = UsdtArguments.parse(spec, X86_64);
            assertEquals(spec.isBlank() ? 0 : spec.strip().split("\\s+").length, args.size(), spec);
            for (UsdtArgument a : args) {
                String what = spec + ": " + a.text();
                assertEquals(a.text().startsWith("-"), a.signed(), what);
                assertEquals(Integer.parseInt(a.text().substring(0, a.text().indexOf('@')).replace("-", "")), a.size(),
                        what);
                switch (a.kind()) {
                    case REGISTER -> {
                        registers++;
                        assertEquals(a.text().substring(a.text().indexOf('%') + 1), a.register(), what);
                        assertEquals(PT_REGS.get(field(a.register())), a.registerOffset(), what);
                    }
                    case REGISTER_DEREF -> {
                        memory++;
                        String inside = a.text().substring(a.text().indexOf("(%") + 2, a.text().length() - 1);
                        assertEquals(inside, a.register(), what);
                        assertEquals(PT_REGS.get(field(a.register())), a.registerOffset(), what);
                        String disp = a.text().substring(a.text().indexOf('@') + 1, a.text().indexOf('('));
                        assertEquals(disp.isEmpty() ? 0 : Long.parseLong(disp), a.valueOffset(), what);
                    }
                    case CONSTANT -> {
                        constants++;
                        assertEquals(Long.parseLong(a.text().substring(a.text().indexOf('$') + 1)), a.valueOffset(),
                                what);
                    }
                }
            }
        }
        assertTrue(registers > 0 && memory > 0 && constants > 0, registers + " " + memory + " " + constants);
    }

    @Test
    void everyRegisterNameOfX86HasItsSlot() {
        for (String r : List.of("rax", "eax", "ax", "al", "rbx", "ebx", "bx", "bl", "rcx", "ecx", "cx", "cl", "rdx",
                "edx", "dx", "dl", "rsi", "esi", "si", "sil", "rdi", "edi", "di", "dil", "rbp", "ebp", "bp", "bpl",
                "rsp", "esp", "sp", "spl", "rip", "eip")) {
            assertEquals(PT_REGS.get(field(r)), X86_64.registerOffset(r).orElseThrow(), r);
        }
        for (int n = 8; n <= 15; n++) {
            for (String s : List.of("", "d", "w", "b")) {
                assertEquals(PT_REGS.get("r" + n), X86_64.registerOffset("r" + n + s).orElseThrow(), "r" + n + s);
            }
        }
        assertTrue(X86_64.registerOffset("xmm0").isEmpty());
        assertTrue(AARCH64.registerOffset("rax").isEmpty());
        assertEquals(UsdtArchitecture.X86_64, UsdtArchitecture.ofMachine(62).orElseThrow());
        assertEquals(UsdtArchitecture.AARCH64, UsdtArchitecture.ofMachine(183).orElseThrow());
        assertTrue(UsdtArchitecture.ofMachine(247).isEmpty(), "EM_BPF");
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "%edi                | argument #0 '%edi' of '%edi': expected SIZE@LOCATION",
            "3@%eax              | argument #0 '3@%eax' of '3@%eax': size 3 is not 1, 2, 4 or 8",
            "-16@%rax            | size -16 is not 1, 2, 4 or 8",
            "4@%eax 99999999999@%eax | argument #1 '99999999999@%eax' of '4@%eax 99999999999@%eax': size 99999999999",
            "8@%xmm0             | unknown x86-64 register 'xmm0'",
            "8@%                 | unknown x86-64 register ''",
            "8@eax               | location 'eax' is not %REGISTER, $CONSTANT or OFFSET(%REGISTER)",
            "4@$1.5              | constant '1.5' is not an integer",
            "8@$99999999999999999999 | integer '99999999999999999999' does not fit in 64 bits",
            "8@$-9223372036854775809 | integer '-9223372036854775809' does not fit in 64 bits",
            "8@16(rbp)           | memory operand base 'rbp' is not a register",
            "8@1x(%rbp)          | displacement '1x' is not an integer",
            "8@-8(%rbx           | location '-8(%rbx' is not %REGISTER",
            "4@                  | expected SIZE@LOCATION",
    })
    void malformedX86SpecificationsSayWhichArgumentAndWhy(String spec, String fragment) {
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> UsdtArguments.parse(spec, X86_64));
        assertTrue(e.getMessage().startsWith("malformed USDT argument #"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "8@x31               | unknown aarch64 register 'x31'",
            "8@[x1, 4x]          | offset '4x' is not an integer",
            "8@[x1 4]            | memory operand '[x1 4]' is not [REGISTER] or [REGISTER, OFFSET]",
            "8@%x1               | location '%x1' is not REGISTER, CONSTANT or [REGISTER, OFFSET]",
    })
    void malformedAarch64Specifications(String spec, String fragment) {
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> UsdtArguments.parse(spec, AARCH64));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "8@-8(%rbp;%rax;8)   | USDT arguments with scaled-index addressing are not implemented by ebpf4j yet: argument #0",
            "4@(%rax;%rcx)       | scaled-index addressing",
            "4@counter(%rip)     | USDT arguments relative to symbols are not implemented by ebpf4j yet: argument #0 '4@counter(%rip)'",
            "4@counter+8(%rip)   | relative to symbols",
            "8@$table            | relative to symbols",
            "1@%ah               | USDT arguments in high-byte registers are not implemented by ebpf4j yet: argument #0 '1@%ah' of '1@%ah': %ah is bits 8-15",
    })
    void validOperandsUsdtBpfHCannotDescribeAreNotSupported(String spec, String fragment) {
        String real = spec.replace(';', ',');
        NotSupportedException e = assertThrows(NotSupportedException.class, () -> UsdtArguments.parse(real, X86_64));
        assertTrue(e.getMessage().startsWith("USDT arguments "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment.replace(';', ',')), e.getMessage());
    }
}
