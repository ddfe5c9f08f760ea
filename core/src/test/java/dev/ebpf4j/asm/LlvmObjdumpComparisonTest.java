package dev.ebpf4j.asm;

import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;
import dev.ebpf4j.elf.ExternalTools;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.ebpf4j.asm.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks the decoder and the llvm-style disassembler against llvm-objdump-19 on real clang output: for every
 * executable section of every compiled test object, decode → encode must give back the exact bytes, and each
 * instruction's text must equal llvm-objdump's line (whitespace normalised), both without {@code --mcpu} and with
 * {@code --mcpu=v4} (sub-register forms). A synthetic object holding every opcode in the form clang emits it is
 * checked the same way.
 *
 * <p>Known limits of LLVM 19's disassembler are the only lines excused, see {@link #llvm19CannotShow}: it does not
 * know load-acquire/store-release (LLVM 20+), and without alu32 it cannot decode 32-bit atomics other than add and
 * ignores the fetch flag of a 32-bit add.
 */
class LlvmObjdumpComparisonTest {
    private static final String OBJDUMP = "llvm-objdump-19";
    private static final Pattern SECTION = Pattern.compile("^Disassembly of section (.*):$");
    private static final Pattern LINE = Pattern.compile("^\\s*(\\d+):\\t(.*)$");

    @BeforeAll
    static void needsObjdump() {
        assumeTrue(ExternalTools.onPath(OBJDUMP), OBJDUMP + " is not installed; ./run-tests installs it (apt llvm-19)");
    }

    static Stream<Path> compiledObjects() throws IOException {
        Path dir = TestObjects.dir();
        assertTrue(Files.isDirectory(dir), "no compiled test objects in " + dir + " (the build compiles src/test/bpf)");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> objects = files.filter(p -> p.getFileName().toString().endsWith(".bpf.o")).sorted().toList();
            assertFalse(objects.isEmpty(), "no *.bpf.o in " + dir);
            return objects.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compiledObjects")
    void decodeEncodeAndDisassemblyMatchLlvmObjdump(Path object) {
        ElfFile elf = ElfFile.read(object);
        int checked = 0;
        for (boolean alu32 : new boolean[] {false, true}) {
            Map<String, List<String>> llvm = objdump(object, alu32);
            for (ElfSection section : elf.sections()) {
                if (!section.isExecutable() || section.size() == 0) continue;
                byte[] bytes = elf.bytes(section);
                List<Instruction> code = InstructionDecoder.decode(elf.data(section), elf.byteOrder(), section.name());
                assertArrayEquals(bytes, Instructions.encode(code, elf.byteOrder()),
                        object.getFileName() + " " + section.name() + ": decode then encode changed the bytes");
                List<String> expected = llvm.get(section.name());
                assertTrue(expected != null, "llvm-objdump printed no section " + section.name());
                compare(object.getFileName() + " " + section.name() + (alu32 ? " (--mcpu=v4)" : ""), code,
                        Disassembler.llvm().withAlu32(alu32).withSymbols(symbolsOf(elf, section)), expected, alu32);
                checked += code.size();
            }
        }
        assertTrue(checked > 0, object + " has no code");
    }

    /** Every valid opcode, with the field values clang would emit, through llvm-mc and llvm-objdump. */
    @Test
    void everyOpcodeInClangsFormMatchesLlvmObjdump(@TempDir Path dir) throws IOException {
        assumeTrue(ExternalTools.onPath("llvm-mc-19"), "llvm-mc-19 is not installed; ./run-tests installs llvm-19");
        List<Instruction> code = canonicalInstructions();
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            String triple = order == ByteOrder.LITTLE_ENDIAN ? "bpfel" : "bpfeb";
            Path raw = dir.resolve(triple + ".bin");
            Files.write(raw, Instructions.encode(code, order));
            Path asm = dir.resolve(triple + ".s");
            Files.writeString(asm, "\t.section xdp,\"ax\",@progbits\n\t.globl f\nf:\n\t.incbin \"" + raw + "\"\n");
            Path object = dir.resolve(triple + ".o");
            ExternalTools.run("llvm-mc-19", "-triple", triple, "-filetype=obj", asm.toString(), "-o",
                    object.toString());
            ElfFile elf = ElfFile.read(object);
            ElfSection xdp = elf.section("xdp").orElseThrow();
            assertEquals(code, InstructionDecoder.decode(elf.data(xdp), order, "xdp"));
            for (boolean alu32 : new boolean[] {false, true}) {
                compare(triple + (alu32 ? " --mcpu=v4" : ""), code,
                        Disassembler.llvm().withAlu32(alu32).withSymbols(Map.of(0L, "f")),
                        objdump(object, alu32).get("xdp"), alu32);
            }
        }
    }

    private static void compare(String what, List<Instruction> code, Disassembler disassembler, List<String> llvm,
                                boolean alu32) {
        List<String> mismatches = new ArrayList<>();
        int slot = 0;
        int line = 0;
        for (Instruction insn : code) {
            String mine = slot + ": " + normalise(disassembler.format(insn, slot));
            String theirs = line < llvm.size() ? llvm.get(line) : "<missing>";
            assertFalse(mine.endsWith("<unknown>"), what + ": " + insn + " should be known: " + mine);
            if (!mine.equals(theirs) && !llvm19CannotShow(insn, alu32)) {
                mismatches.add("ebpf4j: " + mine + "\n  llvm: " + theirs);
            }
            slot += insn.slots();
            line++;
        }
        assertEquals(code.size(), llvm.size(), what + ": instruction count");
        assertTrue(mismatches.isEmpty(), what + ": " + mismatches.size() + " lines differ:\n"
                + String.join("\n", mismatches));
    }

    /** Lines LLVM 19's disassembler cannot print correctly (see the class comment). */
    private static boolean llvm19CannotShow(Instruction insn, boolean alu32) {
        if (Opcode.of(insn.opcode()).kind() != Opcode.Kind.ATOMIC) return false;
        if (insn.imm() == LOAD_ACQ || insn.imm() == STORE_REL) return true;
        return !alu32 && size(insn.opcode()) == W && insn.imm() != ATOMIC_ADD;
    }

    /** llvm-objdump's instruction lines per section, as "slot: text" with whitespace runs collapsed. */
    private static Map<String, List<String>> objdump(Path object, boolean alu32) {
        List<String> command = new ArrayList<>(List.of(OBJDUMP, "-d", "--no-show-raw-insn"));
        if (alu32) command.add("--mcpu=v4");
        command.add(object.toString());
        String out = ExternalTools.run(command.toArray(String[]::new));
        Map<String, List<String>> bySection = new LinkedHashMap<>();
        List<String> current = null;
        for (String l : out.split("\n")) {
            Matcher m = SECTION.matcher(l);
            if (m.matches()) {
                current = bySection.computeIfAbsent(m.group(1), k -> new ArrayList<>());
                continue;
            }
            m = LINE.matcher(l);
            if (m.matches() && current != null) current.add(m.group(1) + ": " + normalise(m.group(2)));
        }
        return bySection;
    }

    private static String normalise(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    /** Byte offset → name of the symbols llvm-objdump uses to annotate jump targets in {@code section}. */
    private static Map<Long, String> symbolsOf(ElfFile elf, ElfSection section) {
        Map<Long, String> names = new HashMap<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.sectionIndex() != section.index() || s.name().isEmpty()) continue;
            if (s.type() == ElfConstants.STT_SECTION || s.type() == ElfConstants.STT_FILE) continue;
            names.merge(s.value(), s.name(), (a, b) -> a);
        }
        return names;
    }

    /** One instruction per valid opcode (and per variant selected by offset or immediate), as clang emits them. */
    static List<Instruction> canonicalInstructions() {
        List<Instruction> out = new ArrayList<>();
        for (int code = 0; code < 256; code++) {
            Opcode op = Opcode.of(code);
            switch (op.kind()) {
                case ALU32, ALU64 -> {
                    boolean wide = op.kind() == Opcode.Kind.ALU64;
                    int operation = operation(code);
                    boolean reg = source(code) == X;
                    if (operation == END) {
                        for (int bits : new int[] {16, 32, 64}) out.add(new Instruction(code, 3, 0, 0, bits));
                    } else if (operation == NEG) {
                        out.add(new Instruction(code, 3, 0, 0, 0));
                    } else if (reg) {
                        out.add(new Instruction(code, 3, 4, 0, 0));
                        if (operation == DIV || operation == MOD) out.add(new Instruction(code, 3, 4, 1, 0));
                        if (operation == MOV) {
                            for (int bits : wide ? new int[] {8, 16, 32} : new int[] {8, 16}) {
                                out.add(new Instruction(code, 3, 4, bits, 0));
                            }
                            if (wide) {
                                out.add(new Instruction(code, 3, 4, ADDR_SPACE_CAST, 1));
                                out.add(new Instruction(code, 3, 4, ADDR_SPACE_CAST, 1 << 16));
                            }
                        }
                    } else {
                        out.add(new Instruction(code, 3, 0, 0, 0x7f));
                        out.add(new Instruction(code, 3, 0, 0, -0x1234));
                        if (operation == DIV || operation == MOD) out.add(new Instruction(code, 3, 0, 1, 7));
                    }
                }
                case JUMP, JUMP32 -> {
                    int operation = operation(code);
                    if (operation == JA && op.kind() == Opcode.Kind.JUMP32) {
                        out.add(new Instruction(code, 0, 0, 0, -3));
                    } else if (operation == JA || operation == JCOND) {
                        out.add(new Instruction(code, 0, 0, 2, 0));
                    } else if (source(code) == X) {
                        out.add(new Instruction(code, 5, 6, -2, 0));
                    } else {
                        out.add(new Instruction(code, 5, 0, 1, -9));
                    }
                }
                case CALL -> {
                    if (code == (JMP | CALL | X)) {
                        out.add(new Instruction(code, 2, 0, 0, 0));
                    } else {
                        out.add(new Instruction(code, 0, 0, 0, 1));
                        out.add(new Instruction(code, 0, PSEUDO_CALL, 0, -1));
                        out.add(new Instruction(code, 0, PSEUDO_KFUNC_CALL, 0, 1234));
                    }
                }
                case EXIT -> out.add(new Instruction(code, 0, 0, 0, 0));
                case LOAD_IMM64 -> {
                    out.add(new Instruction(code, 1, 0, 0, 0));
                    out.add(new Instruction(code, 1, 0, 0, 0x1122334455667788L));
                    out.add(new Instruction(code, 1, 0, 0, -2));
                    for (int src = 1; src <= 6; src++) out.add(new Instruction(code, 1, src, 0, 7 | (8L << 32)));
                }
                case LOAD_PACKET -> out.add(mode(code) == ABS ? new Instruction(code, 0, 0, 0, 14)
                        : new Instruction(code, 0, 7, 0, 0));
                case LOAD, LOAD_SIGNED -> {
                    out.add(new Instruction(code, 1, 10, -8, 0));
                    out.add(new Instruction(code, 1, 2, 0x7fff, 0));
                }
                case STORE_IMM -> out.add(new Instruction(code, 10, 0, -16, -1));
                case STORE -> out.add(new Instruction(code, 10, 3, -24, 0));
                case ATOMIC -> {
                    for (AtomicOperation a : AtomicOperation.values()) {
                        int size = size(code);
                        if ((size == B || size == H) && !a.allowsNarrowAccess()) continue;
                        out.add(new Instruction(code, 1, 2, 8, a.imm()));
                    }
                }
                case INVALID -> {
                }
            }
        }
        return out;
    }
}
