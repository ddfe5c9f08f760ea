package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ProgramSections;

/**
 * One program of an object: its entry function's name, section, the section's meaning (null when the section name
 * is unknown; loading it then fails naming the near misses), the linked code and whether it loads by default.
 *
 * <pre>{@code
 * ProgramDefinition p = model.programs().getFirst();
 * p.match().definition().programType();
 * }</pre>
 *
 * @param name     the entry function's name
 * @param section  the ELF section name as written ("?tp/syscalls/sys_enter_execve")
 * @param match    the SEC() table row it matches, or null for unknown section names
 * @param code     the linked program
 * @param autoload loaded by {@code BpfObject.load} unless switched off ('?' sections start switched off)
 */
public record ProgramDefinition(String name, String section, ProgramSections.Match match, LinkedProgram code,
                                boolean autoload) {

    public ProgramDefinition withAutoload(boolean value) {
        return new ProgramDefinition(name, section, match, code, value);
    }

    /** "program 'name' (section)" for messages. */
    public String describe() {
        return "program '" + name + "' (" + section + ")";
    }
}
