package dev.ebpf4j.asm;

/**
 * Names call targets for the {@link Disassembler#bpftool() bpftool style} where the instruction alone cannot: the
 * hook bpftool gives the kernel's instruction printer. In a loaded program's translated instructions a helper or
 * kfunc call holds an address relative to {@code __bpf_call_base} and a bpf-to-bpf call holds its relative offset in
 * {@code off} and the callee's index in {@code imm}, so naming them needs kernel symbols and the program's
 * JIT-compiled function addresses. Return null to print the default.
 *
 * <ul>
 *   <li>bpf-to-bpf calls ({@code src_reg} 1): the text after {@code call pc}, e.g. {@code +5#bpf_prog_1a2b_sub};</li>
 *   <li>helper calls whose {@code imm} is no helper id, and kfunc calls: the name printed before {@code #imm}.</li>
 * </ul>
 *
 * <pre>{@code
 * CallNames names = call -> call.src() == 1 ? (call.offset() >= 0 ? "+" : "") + call.offset() : null;
 * String text = Disassembler.bpftool().withCallNames(names).listing(program.xlatedInstructions());
 * }</pre>
 */
@FunctionalInterface
public interface CallNames {
    /** The name (or, for bpf-to-bpf calls, the text after {@code call pc}) of {@code call}'s target, or null. */
    String name(Instruction call);
}
