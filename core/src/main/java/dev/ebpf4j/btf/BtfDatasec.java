package dev.ebpf4j.btf;

import java.util.List;

/**
 * A data section ({@code .data}, {@code .bss}, {@code .rodata}, {@code .maps}, {@code .ksyms}, …) and the variables
 * in it. clang writes size 0 and leaves sizes/offsets for the loader to fill in.
 *
 * <pre>{@code
 * int sec = builder.add(new BtfDatasec(".bss", 8, List.of(new BtfVarSecinfo(counterVar, 0, 8))));
 * }</pre>
 *
 * @param size byte size, an unsigned 32-bit value
 */
public record BtfDatasec(String name, int size, List<BtfVarSecinfo> vars) implements BtfType {
    public BtfDatasec {
        Checks.name(name);
        vars = Checks.vlenList(vars, "DATASEC variables");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.DATASEC;
    }
}
