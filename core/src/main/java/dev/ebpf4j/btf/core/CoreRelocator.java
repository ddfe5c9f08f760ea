package dev.ebpf4j.btf.core;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.btf.BtfCoreReloKind;
import dev.ebpf4j.btf.BtfExt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies CO-RE relocations ({@code .BTF.ext} core_relo records) to a program's instructions so that a program
 * compiled against one set of type definitions runs on a kernel with another — libbpf's semantics, in Java.
 *
 * <p>For each relocation the local type's <em>essential name</em> (the name without a {@code ___flavor} suffix) is
 * looked up in the target BTF: vmlinux first, kernel modules only when vmlinux has no type of that name and kind.
 * Each candidate is checked against the access path (members by name, looking into anonymous members, compatible
 * member types, array bounds); all candidates that fit must agree on the relocated value, otherwise the relocation
 * is ambiguous and fails. The value is written into the instruction — an ALU immediate, a load/store offset (with
 * the access size adjusted when an unsigned integer or pointer changed size), or an {@code lddw} immediate — after
 * checking that the instruction holds the value computed from the local BTF.
 *
 * <p>A relocation whose type or field does not exist in the target does not fail the load, as in libbpf: existence
 * checks ({@code bpf_core_field_exists}, {@code bpf_core_type_exists}, {@code bpf_core_enum_value_exists},
 * {@code bpf_core_type_matches}) and type sizes/ids become 0, and the instruction of any other relocation is
 * <em>poisoned</em>: replaced with {@code call 0xbad2310} ({@link #POISON_HELPER_ID}), a helper that does not exist.
 * If the program can reach it, the verifier rejects the program with {@code invalid func unknown#195896080} at that
 * instruction; if the program guarded it (by an existence check), the verifier removes it as dead code. Either way
 * {@link CoreResult#notes()} names the relocation.
 *
 * <p>Malformed relocations (bad type id or access string, an access beyond a type's members, an instruction that
 * does not hold the expected value) raise {@link ObjectFormatException} naming {@code .BTF.ext}; ambiguous or
 * inexpressible targets raise {@link BpfException}. A relocator is thread-safe; target BTF is loaded and indexed
 * once and shared by all programs relocated against it.
 *
 * <pre>{@code
 * BtfExt ext = BtfExt.parse(btfExtBytes, objectBtf);
 * CoreResult r = CoreRelocator.forRunningKernel()
 *         .apply("handle_exec", programInsns, objectBtf, ext.coreRelos("tp/sched/sched_process_exec"));
 * r.notes().forEach(System.err::println);
 * ProgramSpec spec = ProgramSpec.builder(ProgramType.TRACEPOINT).name("handle_exec")
 *         .instructions(r.instructions()).build();
 * }</pre>
 */
public final class CoreRelocator {
    /** The helper id a poisoned instruction calls: {@code 0xbad2310} ("bad relo"), as libbpf. */
    public static final int POISON_HELPER_ID = InstructionPatcher.POISON_HELPER;

    private static final class RunningKernel {
        static final CoreRelocator INSTANCE = new CoreRelocator(TargetSet.runningKernel());
    }

    private final TargetSet targets;

    private CoreRelocator(TargetSet targets) {
        this.targets = targets;
    }

    /**
     * Relocates against the running kernel: {@link Btf#vmlinux()} and, for types vmlinux lacks, the BTF of the loaded
     * kernel modules. The kernel's BTF is read on the first relocation that needs it, once per process.
     */
    public static CoreRelocator forRunningKernel() {
        return RunningKernel.INSTANCE;
    }

    /**
     * Relocates against explicit target BTFs (offline relocation, tests). The first is searched first (all of its
     * types); the others — typically module BTF split on the first — only when it has no candidate, each for its
     * own types.
     */
    public static CoreRelocator forTargets(List<Btf> targets) {
        Objects.requireNonNull(targets, "targets");
        if (targets.isEmpty()) throw new IllegalArgumentException("at least one target BTF is needed");
        for (Btf b : targets) Objects.requireNonNull(b, "target BTF");
        return new CoreRelocator(TargetSet.of(List.copyOf(targets)));
    }

    /**
     * Applies {@code relocations} to {@code insns}. Relocation offsets are byte offsets into {@code insns} as encoded
     * (slot × 8, {@code lddw} taking two slots); type ids refer to {@code localBtf}, the object's BTF. Returns the
     * relocated instructions (the input is not changed) and notes on relocations the target could not satisfy.
     *
     * @throws ObjectFormatException a relocation is malformed or does not fit its instruction
     * @throws BpfException          a relocation is ambiguous in the target, or the target BTF cannot be read
     */
    public CoreResult apply(String programName, List<Instruction> insns, Btf localBtf, List<BtfCoreRelo> relocations) {
        Objects.requireNonNull(programName, "programName");
        Objects.requireNonNull(insns, "insns");
        Objects.requireNonNull(localBtf, "localBtf");
        Objects.requireNonNull(relocations, "relocations");
        if (relocations.isEmpty()) return new CoreResult(insns, List.of());
        ProgramRelocation program = new ProgramRelocation(programName, insns, localBtf);
        for (int i = 0; i < relocations.size(); i++) {
            BtfCoreRelo relo = Objects.requireNonNull(relocations.get(i), "relocation");
            try {
                program.apply(i, relo);
            } catch (CoreFailure f) {
                String where = "program '" + programName + "': CO-RE relocation #" + i + " (" + describe(localBtf, relo)
                        + ")";
                if (f.objectFault()) throw new ObjectFormatException(BtfExt.SECTION, -1, where + ": " + f.getMessage());
                throw new BpfException(where + ": " + f.getMessage(), EINVAL);
            } catch (BpfException e) {
                throw e.withContext("program '" + programName + "': CO-RE relocation #" + i);
            }
        }
        return new CoreResult(program.result(), program.notes);
    }

    private static final int EINVAL = 22;

    /** {@code field byte offset of [5] task_struct, access "0:1", insn at byte 96}. */
    private static String describe(Btf btf, BtfCoreRelo relo) {
        String type = relo.typeId() >= 0 && relo.typeId() < btf.typeCount()
                ? CoreTypes.describe(btf, relo.typeId()) + " [" + relo.typeId() + "]" : "type [" + relo.typeId() + "]";
        return CoreText.kind(relo.kind()) + " of " + type + ", access \"" + relo.accessString() + "\", insn at byte "
                + relo.insnOffset();
    }

    /** One program being relocated: its instructions, the per-type candidate lists and the notes. */
    private final class ProgramRelocation {
        private final String name;
        private final Btf localBtf;
        private final Instruction[] code;
        private final boolean[] wideAndPoisoned;
        private final int[] slots;
        private final Map<Integer, List<Candidate>> candidatesByType = new HashMap<>();
        private final List<String> notes = new ArrayList<>();

        ProgramRelocation(String name, List<Instruction> insns, Btf localBtf) {
            this.name = name;
            this.localBtf = localBtf;
            this.code = insns.toArray(new Instruction[0]);
            this.wideAndPoisoned = new boolean[code.length];
            this.slots = Instructions.slotOffsets(insns);
        }

        void apply(int number, BtfCoreRelo relo) {
            int index = instructionAt(relo.insnOffset());
            int slot = slots[index];
            AccessSpec local = LocalSpecParser.parse(localBtf, relo.typeId(), relo.accessString(), relo.kind());
            RelocationCalculator.Outcome outcome;
            switch (relo.kind()) {
                case TYPE_ID_LOCAL -> outcome = new RelocationCalculator.Outcome(
                        RelocationCalculator.calculate(local, local), 0, null);
                default -> {
                    String typeName = localBtf.name(relo.typeId());
                    if (typeName.isEmpty()) {
                        throw CoreFailure.object("relocations against anonymous types are not supported (only a "
                                + "local type id can be taken of one)");
                    }
                    List<Candidate> candidates = candidatesByType.computeIfAbsent(relo.typeId(), id ->
                            new ArrayList<>(targets.candidates(EssentialName.of(typeName), localBtf.kind(id))));
                    outcome = RelocationCalculator.resolve(local, candidates);
                }
            }
            Resolution r = outcome.resolution();
            String prefix = "prog '" + name + "': relo #" + number + ": insn #" + slot + ": ";
            if (r.poison()) {
                poison(index);
                notes.add(prefix + CoreText.subject(local) + " not found in target BTF" + searched(local, outcome)
                        + ": instruction poisoned");
                return;
            }
            Instruction patched = InstructionPatcher.patch(code[index], slot, r);
            if (patched == null) {
                poison(index);
                notes.add(prefix + CoreText.subject(local) + ": the field is accessed with " + r.expectedSize()
                        + " bytes but has " + r.targetSize() + " bytes in " + outcome.matched().source()
                        + ", and only pointers and unsigned integers may change size: instruction poisoned");
                return;
            }
            code[index] = patched;
            if (outcome.matched() == null && relo.kind() != BtfCoreReloKind.TYPE_ID_LOCAL) {
                notes.add(prefix + CoreText.subject(local) + " not found in target BTF" + searched(local, outcome)
                        + ": value " + r.value());
            }
        }

        private String searched(AccessSpec local, RelocationCalculator.Outcome outcome) {
            if (outcome.candidates() == 0) return " (it has no " + CoreText.kindAndName(local) + ")";
            return " (" + outcome.candidates() + (outcome.candidates() == 1 ? " candidate " : " candidates ")
                    + CoreText.kindAndName(local) + ", none matches)";
        }

        private void poison(int index) {
            if (code[index].isWide()) wideAndPoisoned[index] = true;
            code[index] = InstructionPatcher.POISON;
        }

        private int instructionAt(int byteOffset) {
            if (byteOffset < 0 || byteOffset % 8 != 0) {
                throw CoreFailure.object("instruction offset " + byteOffset + " is not a multiple of 8");
            }
            int slot = byteOffset / 8;
            if (slot >= slots[code.length]) {
                throw CoreFailure.object("instruction offset " + byteOffset + " is past the program's end ("
                        + slots[code.length] + " instructions)");
            }
            int index = Arrays.binarySearch(slots, 0, code.length, slot);
            if (index < 0) {
                throw CoreFailure.object("instruction offset " + byteOffset + " points into the middle of an lddw");
            }
            return index;
        }

        List<Instruction> result() {
            List<Instruction> out = new ArrayList<>(code.length + 1);
            for (int i = 0; i < code.length; i++) {
                out.add(code[i]);
                if (wideAndPoisoned[i]) out.add(InstructionPatcher.POISON);
            }
            return out;
        }
    }
}
