package dev.ebpf4j.btf.core;

import dev.ebpf4j.asm.Instruction;

import java.util.List;

/**
 * The outcome of {@link CoreRelocator#apply}: the relocated instructions (same slot layout as the input: a poisoned
 * {@code lddw} becomes two one-slot calls) and one note per relocation that could not be resolved against the target
 * — poisoned instructions and values that became 0 — naming the program, relocation, instruction slot, kind and the
 * C access path.
 *
 * <pre>{@code
 * CoreResult r = CoreRelocator.forRunningKernel().apply("handle_exec", insns, objectBtf, relos);
 * r.notes().forEach(System.err::println);
 * // prog 'handle_exec': relo #3: insn #12: field byte offset of struct task_struct.pid (access 0:17) not found
 * //   in target BTF (1 candidate in vmlinux, none has it): instruction poisoned
 * }</pre>
 */
public record CoreResult(List<Instruction> instructions, List<String> notes) {
    public CoreResult {
        instructions = List.copyOf(instructions);
        notes = List.copyOf(notes);
    }
}
