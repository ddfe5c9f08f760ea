package dev.ebpf4j.btf;

/**
 * A {@code .BTF.ext} func_info record: the function starting at {@code insnOffset} has the {@link BtfFunc}
 * {@code typeId}. In an object file the offset is in bytes from the start of the ELF section (divide by 8 for the
 * instruction index the kernel wants).
 *
 * <pre>{@code
 * for (BtfFuncInfo f : ext.funcInfos().getFirst().records()) System.out.println(btf.name(f.typeId()));
 * }</pre>
 */
public record BtfFuncInfo(int insnOffset, int typeId) {
}
