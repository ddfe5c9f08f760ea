package dev.ebpf4j.btf;

/**
 * The void type, type id 0. It has no record in a BTF blob; {@link Btf#type(int) Btf.type(0)} returns
 * {@link #INSTANCE}.
 *
 * <pre>{@code
 * boolean returnsVoid = btf.type(proto.returnTypeId()) instanceof BtfVoid;
 * }</pre>
 */
public record BtfVoid() implements BtfType {
    /** The one void type. */
    public static final BtfVoid INSTANCE = new BtfVoid();

    @Override
    public String name() {
        return "";
    }

    @Override
    public BtfKind kind() {
        return BtfKind.VOID;
    }
}
