package dev.ebpf4j.btf.core;

import dev.ebpf4j.asm.Instruction;

import java.util.List;

/**
 * What {@link CoreRelocator#apply} produced for one program: the relocated instructions and human-readable notes
 * (one line per relocation that could not be satisfied and was poisoned, so the verifier log can be understood).
 *
 * <pre>{@code
 * CoreResult r = CoreRelocator.forRunningKernel().apply("handle_exec", insns, objectBtf, relocations);
 * r.notes().forEach(System.err::println);
 * }</pre>
 *
 * @param instructions the program with every CO-RE relocation applied
 * @param notes        notes about poisoned relocations; empty when every relocation was satisfied
 */
public record CoreResult(List<Instruction> instructions, List<String> notes) {
    public CoreResult {
        instructions = List.copyOf(instructions);
        notes = List.copyOf(notes);
    }
}
