package dev.ebpf4j.btf.core;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.asm.Opcodes;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * libbpf as the oracle for relocation decisions: {@code bpftool -d prog loadall} logs, for every CO-RE relocation,
 * the instruction it patched and the new value, or that it poisoned the instruction — also for objects whose
 * programs then fail verification. Every such decision must equal ebpf4j's for the same object and kernel.
 */
@KernelTest
class CoreRelocatorLibbpfTest {
    private static final Path BPFTOOL = Path.of("/usr/sbin/bpftool");
    private static final Pattern PATCHED = Pattern.compile(
            "prog '(\\w+)': relo #\\d+: patched insn #(\\d+) \\((ALU/ALU64|LDX/ST/STX|LDIMM64)\\) (imm|off|imm64) "
                    + "(\\d+) -> (\\d+)");
    private static final Pattern RESIZED = Pattern.compile(
            "prog '(\\w+)': relo #\\d+: patched insn #(\\d+) \\(LDX/ST/STX\\) mem_sz (\\d+) -> (\\d+)");
    private static final Pattern POISONED = Pattern.compile(
            "prog '(\\w+)': relo #\\d+: substituting insn #(\\d+) w/ invalid insn");

    /** libbpf's decisions as "program insn" → "value V" / "poison" / "value V size S". */
    private static Map<String, String> libbpfDecisions(Path object) throws IOException {
        Path dir = KernelFilesystems.bpffs().resolve("ebpf4j-core-oracle-" + ProcessHandle.current().pid() + "-"
                + ThreadLocalRandom.current().nextInt(1_000_000));
        String log;
        try {
            log = Shell.exec(60, BPFTOOL.toString(), "-d", "prog", "loadall", object.toString(), dir.toString())
                    .output();
        } finally {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            }
        }
        Map<String, String> decisions = new TreeMap<>();
        for (String line : log.split("\n")) {
            Matcher p = PATCHED.matcher(line);
            if (p.find()) {
                String key = p.group(1) + " " + p.group(2);
                long value = Long.parseUnsignedLong(p.group(6));
                if (p.group(3).equals("LDX/ST/STX")) value = (short) value;
                if (p.group(3).equals("ALU/ALU64")) value = (int) value;
                decisions.merge(key, "value " + value, (a, b) -> a + " " + b);
            }
            Matcher r = RESIZED.matcher(line);
            if (r.find()) decisions.merge(r.group(1) + " " + r.group(2), "size " + r.group(4), (a, b) -> a + " " + b);
            Matcher x = POISONED.matcher(line);
            if (x.find()) decisions.putIfAbsent(x.group(1) + " " + x.group(2), "poison");
        }
        return decisions;
    }

    private static Map<String, String> ourDecisions(CoreObject object) {
        Map<String, String> decisions = new TreeMap<>();
        for (CoreObject.Prog p : object.programs().values()) {
            CoreResult r = CoreRelocator.forRunningKernel().apply(p.name(), p.instructions(), object.btf(),
                    p.relocations());
            int[] before = Instructions.slotOffsets(p.instructions());
            for (BtfCoreRelo relo : p.relocations()) {
                int slot = relo.insnOffset() / 8;
                Instruction original = p.instructions().get(Instructions.indexAtSlot(p.instructions(), slot));
                Instruction now = r.instructions().get(Instructions.indexAtSlot(r.instructions(), slot));
                String decision;
                if (now.equals(CoreTesting.POISON)) {
                    decision = "poison";
                    if (original.isWide()) decisions.put(p.name() + " " + (slot + 1), "poison");  // both halves
                } else if (original.opClass() == Opcodes.LDX
                        || original.opClass() == Opcodes.ST
                        || original.opClass() == Opcodes.STX) {
                    decision = "value " + now.offset();
                    if (now.opcode() != original.opcode()) {
                        decision += " size " + Opcodes.sizeBytes(Opcodes.size(now.opcode()));
                    }
                } else {
                    decision = "value " + now.constant();
                }
                decisions.merge(p.name() + " " + slot, decision, (a, b) -> a + " " + b);
            }
            assertEquals(before[before.length - 1], Instructions.slotCount(r.instructions()));
        }
        return decisions;
    }

    @ParameterizedTest
    @ValueSource(strings = {"core_kernel", "core_poison", "btf_core"})
    void everyRelocationIsDecidedAsLibbpfDecidesIt(String name) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(BPFTOOL), "bpftool is not installed");
        CoreObject object = CoreObject.of(name);
        Map<String, String> libbpf = libbpfDecisions(object.path());
        assertFalse(libbpf.isEmpty(), "bpftool -d logged no CO-RE decisions for " + name);
        assertEquals(libbpf, ourDecisions(object));
    }
}
