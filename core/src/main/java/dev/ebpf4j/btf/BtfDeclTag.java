package dev.ebpf4j.btf;

/**
 * A declaration tag ({@code __attribute__((btf_decl_tag("name")))}) on {@code typeId}: on the whole declaration
 * when {@code componentIndex} is -1, else on the struct/union member or function parameter with that index. The
 * kernel marks kfuncs with the {@code bpf_kfunc} tag.
 *
 * <pre>{@code
 * builder.add(new BtfDeclTag("bpf_kfunc", funcId, -1));
 * }</pre>
 */
public record BtfDeclTag(String name, int typeId, int componentIndex) implements BtfType {
    /** The component index meaning "the whole declaration". */
    public static final int WHOLE = -1;

    public BtfDeclTag {
        Checks.name(name);
        Checks.typeId(typeId, "DECL_TAG target");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.DECL_TAG;
    }
}
