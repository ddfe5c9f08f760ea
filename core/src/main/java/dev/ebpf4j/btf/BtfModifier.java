package dev.ebpf4j.btf;

/**
 * A type that only names or qualifies another: typedef, const, volatile, restrict and type tag. These are the kinds
 * {@link Btf#resolve(int)} looks through.
 *
 * <pre>{@code
 * int id = typeId;
 * while (btf.type(id) instanceof BtfModifier m) id = m.typeId();   // what Btf.resolveId does, loop-safe
 * }</pre>
 */
public sealed interface BtfModifier extends BtfType permits BtfTypedef, BtfConst, BtfVolatile, BtfRestrict, BtfTypeTag {
    /** The type being named or qualified (0: void). */
    int typeId();
}
