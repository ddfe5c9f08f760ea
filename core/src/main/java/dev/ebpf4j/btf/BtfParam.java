package dev.ebpf4j.btf;

/**
 * A parameter of a {@link BtfFuncProto}; the name is empty when the prototype does not name it.
 *
 * <pre>{@code
 * new BtfParam("ctx", voidPtrId);
 * }</pre>
 */
public record BtfParam(String name, int typeId) {
    public BtfParam {
        Checks.name(name);
        Checks.typeId(typeId, "parameter type");
    }
}
