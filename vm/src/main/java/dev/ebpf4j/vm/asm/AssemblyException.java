package dev.ebpf4j.vm.asm;

import dev.ebpf4j.BpfException;

/**
 * The text assembler refused a line: unknown mnemonic, wrong operand count, bad register, immediate or offset out of
 * range, undefined label. The message names the line number and the text.
 *
 * <pre>{@code
 * try { UbpfAssembler.assemble("ldxq %r0, %r1"); }
 * catch (AssemblyException e) { System.err.println(e.line() + ": " + e.getMessage()); }
 * }</pre>
 */
public class AssemblyException extends BpfException {
    private final int line;

    public AssemblyException(int line, String message) {
        super(line > 0 ? "line " + line + ": " + message : message);
        this.line = line;
    }

    /** 1-based line number, or 0 when the error concerns the whole text. */
    public int line() {
        return line;
    }
}
