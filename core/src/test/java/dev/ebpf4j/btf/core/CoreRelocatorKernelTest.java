package dev.ebpf4j.btf.core;

import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Opcodes;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfEnumeration;
import dev.ebpf4j.btf.BtfMemberPath;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CO-RE relocation of clang-built objects ({@code core_kernel.bpf.c}, {@code core_poison.bpf.c}) against the running
 * kernel's BTF: the relocated values equal the kernel's layout, the relocated programs load and compute the right
 * thing under BPF_PROG_TEST_RUN, libbpf (through bpftool) relocates them to the same instructions, and unresolvable
 * relocations poison their instruction so that the verifier points at it.
 */
@KernelTest
class CoreRelocatorKernelTest {
    private static final CoreObject KERNEL = CoreObject.of("core_kernel");
    private static final CoreObject POISON = CoreObject.of("core_poison");
    private static final Btf VMLINUX = Btf.vmlinux();
    private static final byte[] EMPTY_PACKET = new byte[64];

    private static CoreResult relocate(CoreObject object, String program) {
        CoreObject.Prog p = object.program(program);
        return CoreRelocator.forRunningKernel().apply(p.name(), p.instructions(), object.btf(), p.relocations());
    }

    private static Program load(String name, List<Instruction> insns) {
        return Program.load(ProgramSpec.builder(ProgramType.SOCKET_FILTER).name(name).license("GPL")
                .instructions(insns).build());
    }

    /** Relocates, loads and test-runs one program of core_kernel on {@code packet} (Ethernet header first). */
    private static int run(String program, byte[] packet) {
        CoreResult r = relocate(KERNEL, program);
        try (Program prog = load(program, r.instructions())) {
            return (int) prog.testRun(TestRun.withData(packet)).returnValue();
        }
    }

    private static int task() {
        return VMLINUX.findStruct("task_struct").orElseThrow().id();
    }

    private static BtfMemberPath member(String struct, String path) {
        return VMLINUX.member(VMLINUX.findStruct(struct).orElseThrow().id(), path).orElseThrow();
    }

    private static long enumerator(String type, String name) {
        int id = VMLINUX.findId(type, dev.ebpf4j.btf.BtfKind.ENUM).orElseThrow();
        return ((BtfEnumeration) VMLINUX.type(id)).value(name).orElseThrow();
    }

    private static int currentTid() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();   // "PID/task/TID"
        return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    }

    @Test
    void fieldOffsetsAndSizesAreTheKernels() {
        long pid = member("task_struct", "pid").byteOffset();
        long comm = member("task_struct", "comm").byteOffset();
        assertNotEquals(0x1c, pid, "the local layout must differ from the kernel's for this test to mean anything");
        CoreResult r = relocate(KERNEL, "pid_offset");
        assertEquals(pid, r.instructions().getFirst().constant(), "patched mov immediate");
        assertEquals(List.of(), r.notes());
        assertEquals(pid, run("pid_offset", EMPTY_PACKET));
        assertEquals(16, run("comm_size", EMPTY_PACKET));
        assertEquals(comm + 2, run("comm2_offset", EMPTY_PACKET));
        assertEquals(VMLINUX.sizeOf(task()), run("task_size", EMPTY_PACKET));
        assertEquals(task(), run("task_id", EMPTY_PACKET));
    }

    @Test
    void existenceThroughAFlavorAndForAMissingMember() {
        assertEquals(10, run("flavor_exists", EMPTY_PACKET));
        CoreResult r = relocate(KERNEL, "flavor_exists");
        assertEquals(List.of("prog 'flavor_exists': relo #0: insn #0: field existence of struct task_struct___old"
                + ".no_such_member_anywhere (access 0:0) not found in target BTF (1 candidate struct task_struct, "
                + "none matches): value 0"), r.notes());
    }

    @Test
    void probeReadsSeeTheCurrentTask() throws IOException {
        assertEquals(ProcessHandle.current().pid(), run("read_tgid", EMPTY_PACKET));
        assertEquals(currentTid(), run("read_pid_flavor", EMPTY_PACKET));
    }

    @Test
    void directLoadsThroughBtfPointers() throws IOException {
        assertEquals(currentTid(), run("direct_pid", EMPTY_PACKET));
        // flags is an unsigned long long locally and an unsigned int in the kernel: the load shrinks to 4 bytes.
        CoreResult r = relocate(KERNEL, "direct_flags");
        Instruction load = r.instructions().get(1);
        assertEquals(Opcodes.LDX | Opcodes.MEM | Opcodes.W, load.opcode());
        assertEquals(member("task_struct", "flags").byteOffset(), load.offset());
        assertEquals(4, VMLINUX.sizeOf(member("task_struct", "flags").typeId()));
        int flags = run("direct_flags", EMPTY_PACKET);
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long procFlags = Long.parseLong(fields[6]);                  // field 9: the task's PF_* flags
        assertEquals(procFlags, Integer.toUnsignedLong(flags));
    }

    @Test
    void typeExistenceAndMatches() {
        // task_struct exists (1), no_such_kernel_type does not (0), list_head matches (4), list_head___bad not (0)
        assertEquals(5, run("types", EMPTY_PACKET));
        CoreResult r = relocate(KERNEL, "types");
        assertEquals(2, r.notes().size(), String.join("\n", r.notes()));
        assertTrue(r.notes().get(0).contains("type existence of struct no_such_kernel_type not found in target BTF "
                + "(it has no struct no_such_kernel_type): value 0"), r.notes().get(0));
        assertTrue(r.notes().get(1).contains("type match of struct list_head___bad not found in target BTF "
                + "(1 candidate struct list_head, none matches): value 0"), r.notes().get(1));
    }

    @Test
    void enumeratorValuesAndExistence() {
        long sid = enumerator("pid_type", "PIDTYPE_SID");
        long pgid = enumerator("pid_type", "PIDTYPE_PGID");
        assertEquals(sid + 16 + 64 * pgid, run("enums", EMPTY_PACKET));
    }

    @Test
    void enum64ValuesAndLocalTypeIds() {
        int id = VMLINUX.findId("perf_callchain_context", dev.ebpf4j.btf.BtfKind.ENUM64).orElseThrow();
        long kernel = ((BtfEnumeration) VMLINUX.type(id)).value("PERF_CONTEXT_KERNEL").orElseThrow();
        CoreResult r = relocate(KERNEL, "enum64_value");
        assertEquals(kernel, r.instructions().getFirst().constant(), "the full 64-bit value in the lddw");
        assertEquals((int) kernel, run("enum64_value", EMPTY_PACKET));
        assertEquals(KERNEL.btf().findStruct("task_struct").orElseThrow().id(), run("local_id", EMPTY_PACKET));
    }

    /** A packet whose payload (after the 14-byte Ethernet header) is a kernel struct bpf_reg_state with iter set. */
    private static byte[] regStatePacket(int depth, int state) {
        BtfMemberPath d = member("bpf_reg_state", "iter.depth");
        BtfMemberPath s = member("bpf_reg_state", "iter.state");
        assertEquals(30, d.bitfieldSize());
        assertEquals(2, s.bitfieldSize());
        byte[] packet = new byte[14 + 64];
        ByteBuffer b = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
        long word = d.bitOffset() / 64 * 64;                         // the u64 holding both fields
        assertTrue(d.bitOffset() + 30 <= word + 64 && s.bitOffset() >= word);
        long bits = ((long) (depth & 0x3fff_ffff) << (d.bitOffset() - word)) | ((long) state << (s.bitOffset() - word));
        b.putLong(14 + (int) (word / 8), bits);
        return packet;
    }

    @Test
    void bitfieldsAreExtractedWithTheKernelsLayout() {
        byte[] packet = regStatePacket(-5, 2);
        assertEquals(-5, run("iter_depth", packet));
        assertEquals(-5, run("iter_depth_probed", packet));
        // state (unsigned enum bitfield) × 100 + depth is signed × 10 + state is signed
        assertEquals(210, run("iter_state", packet));
        assertEquals(123456, run("iter_depth", regStatePacket(123456, 1)));
    }

    @Test
    void libbpfRelocatesToTheSameInstructions() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "bpftool is not installed");
        Path dir = KernelFilesystems.bpffs().resolve("ebpf4j-core-" + ProcessHandle.current().pid() + "-"
                + ThreadLocalRandom.current().nextInt(1_000_000));
        Shell.run("/usr/sbin/bpftool", "prog", "loadall", KERNEL.path().toString(), dir.toString());
        try {
            List<String> compared = new ArrayList<>();
            for (CoreObject.Prog p : KERNEL.programs().values()) {
                CoreResult r = relocate(KERNEL, p.name());
                try (Program mine = load(p.name(), r.instructions());
                     Program libbpf = Program.fromPinned(dir.resolve(p.name()))) {
                    assertEquals(libbpf.xlatedInstructions(), mine.xlatedInstructions(), p.name());
                    compared.add(p.name());
                }
            }
            assertEquals(KERNEL.programs().size(), compared.size());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aGuardedPoisonedInstructionIsDeadCode() {
        CoreObject.Prog p = POISON.program("guarded");
        CoreResult r = CoreRelocator.forRunningKernel().apply(p.name(), p.instructions(), POISON.btf(),
                p.relocations());
        int poisoned = r.instructions().indexOf(new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, 0,
                CoreRelocator.POISON_HELPER_ID));
        assertTrue(poisoned > 0);
        assertEquals(List.of(
                "prog 'guarded': relo #0: insn #2: field existence of struct task_struct___gone"
                        + ".no_such_member_anywhere (access 0:0) not found in target BTF (1 candidate struct "
                        + "task_struct, none matches): value 0",
                "prog 'guarded': relo #1: insn #" + poisoned + ": field byte offset of struct task_struct___gone"
                        + ".no_such_member_anywhere (access 0:0) not found in target BTF (1 candidate struct "
                        + "task_struct, none matches): instruction poisoned"), r.notes());
        try (Program prog = load("guarded", r.instructions())) {
            assertEquals(7, prog.testRun(TestRun.withData(EMPTY_PACKET)).returnValue());
        }
    }

    private static void assertVerifierPointsAtPoison(String program, String note) {
        CoreObject.Prog p = POISON.program(program);
        CoreResult r = CoreRelocator.forRunningKernel().apply(p.name(), p.instructions(), POISON.btf(),
                p.relocations());
        assertEquals(1, r.notes().size(), String.join("\n", r.notes()));
        assertTrue(r.notes().getFirst().contains(note), r.notes().getFirst());
        int slot = Integer.parseInt(r.notes().getFirst().replaceAll(".*: insn #(\\d+): .*", "$1"));
        VerifierException e = assertThrows(VerifierException.class, () -> load(program, r.instructions()).close());
        assertTrue(e.log().contains("unknown#" + CoreRelocator.POISON_HELPER_ID), e.log());
        assertEquals(slot, e.instruction(), e.getMessage());
    }

    @Test
    void anUnguardedPoisonedInstructionFailsVerificationThere() {
        assertVerifierPointsAtPoison("unguarded", "field byte offset of struct task_struct___gone"
                + ".no_such_member_anywhere (access 0:0) not found in target BTF");
    }

    @Test
    void aSignedFieldOfAnotherSizeIsPoisoned() {
        assertVerifierPointsAtPoison("wrong_size", "field byte offset of struct task_struct___wide.pid (access 0:0): "
                + "the field is accessed with 8 bytes but has 4 bytes in vmlinux, and only pointers and unsigned "
                + "integers may change size: instruction poisoned");
    }

    @Test
    void aMissingEnumeratorPoisonsBothSlotsOfItsLddw() {
        CoreObject.Prog p = POISON.program("missing_enum");
        assertTrue(p.instructions().getFirst().isWide());
        CoreResult r = CoreRelocator.forRunningKernel().apply(p.name(), p.instructions(), POISON.btf(),
                p.relocations());
        Instruction call = new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, 0, CoreRelocator.POISON_HELPER_ID);
        assertEquals(List.of(call, call), r.instructions().subList(0, 2));
        assertEquals(dev.ebpf4j.asm.Instructions.slotCount(p.instructions()),
                dev.ebpf4j.asm.Instructions.slotCount(r.instructions()));
        assertVerifierPointsAtPoison("missing_enum", "enumerator value of enum pid_type___gone::PIDTYPE_GONE "
                + "(access 0) not found in target BTF (1 candidate enum pid_type, none matches): instruction poisoned");
    }
}
