package dev.ebpf4j.internal.loader;

/**
 * A function defined in an executable section: a program entry (a global function outside {@code .text}) or a
 * subprogram. Slots are 8-byte instruction slots from the section start; indexes are instruction indexes.
 *
 * <pre>{@code
 * FunctionSymbol f = code.functionAt(0);
 * List<Instruction> body = code.instructions().subList(f.startIndex(), f.endIndex());
 * }</pre>
 *
 * @param name         symbol name
 * @param sectionIndex the section it is in
 * @param section      that section's name
 * @param startSlot    first slot
 * @param endSlot      one past the last slot
 * @param startIndex   first instruction index
 * @param endIndex     one past the last instruction index
 * @param global       global or weak binding (a program entry when outside .text)
 */
public record FunctionSymbol(String name, int sectionIndex, String section, int startSlot, int endSlot,
                             int startIndex, int endIndex, boolean global) {

    /** True when this function is a program entry point: global and not in {@code .text}. */
    public boolean isProgram() {
        return global && !section.equals(".text");
    }

    /** "function 'name' (section)" for messages. */
    public String describe() {
        return "function '" + name + "' (" + section + ")";
    }
}
