package dev.ebpf4j.vm;

/**
 * A program array ({@code BPF_MAP_TYPE_PROG_ARRAY}) for tail calls: slot {@code i} holds a {@link VmProgram} that
 * {@code bpf_tail_call(ctx, &array, i)} jumps to. Programs must be loaded with the same {@link VmMaps}.
 *
 * <pre>{@code
 * VmProgramArray jumps = (VmProgramArray) maps.create(MapSpec.builder(MapType.PROG_ARRAY).name("jumps")
 *         .keySize(4).valueSize(4).maxEntries(8).build());
 * jumps.set(1, Vm.load(secondSpec, maps));
 * }</pre>
 */
public interface VmProgramArray extends VmMap {
    /** Puts {@code program} in slot {@code index} (null clears it). */
    void set(int index, VmProgram program);

    /** The program in slot {@code index}, or null. */
    VmProgram get(int index);
}
