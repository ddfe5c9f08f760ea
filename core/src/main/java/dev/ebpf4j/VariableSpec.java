package dev.ebpf4j;

/**
 * A global variable of a BPF object: where it lives in a global data section ({@code .data}, {@code .rodata},
 * {@code .bss} or a custom {@code .data.*}/{@code .rodata.*} section). Set its initial value before loading with
 * {@link ObjectSpec#withVariable(String, long)}; read and write it after loading through
 * {@link BpfObject#variable(String)}.
 *
 * <pre>{@code
 * VariableSpec v = spec.variable("min_duration_ns");
 * v.section();    // ".rodata"
 * v.size();       // 8
 * ObjectSpec tuned = spec.withVariable("min_duration_ns", 1_000_000L);
 * }</pre>
 *
 * @param name      the variable's symbol name
 * @param section   the data section (also the name of the map that holds it)
 * @param offset    byte offset in the section
 * @param size      size in bytes
 * @param btfTypeId the variable's type in the object's BTF (0 when the object has no BTF for it)
 * @param readOnly  true for {@code .rodata} variables: constant for the program, frozen after load
 */
public record VariableSpec(String name, String section, int offset, int size, int btfTypeId, boolean readOnly) {
}
