package dev.ebpf4j.btf;

/**
 * One BTF type: a record per kind. Types refer to each other by type id (1-based; 0 is void) rather than by
 * reference, so a huge kernel BTF costs nothing until a record is asked for; {@link Btf} resolves ids.
 *
 * <p>Sub-families group kinds that share a shape: {@link BtfComposite} (struct, union), {@link BtfEnumeration} (enum,
 * enum64) and {@link BtfModifier} (typedef, const, volatile, restrict, type tag — the kinds {@link Btf#resolve}
 * sees through). Anonymous types have the empty name.
 *
 * <pre>{@code
 * Btf btf = Btf.vmlinux();
 * switch (btf.type(id)) {
 *     case BtfStruct s -> System.out.println("struct " + s.name() + " of " + s.size() + " bytes");
 *     case BtfModifier m -> System.out.println(m.kind() + " of [" + m.typeId() + "]");
 *     default -> { }
 * }
 * }</pre>
 */
public sealed interface BtfType
        permits BtfVoid, BtfInt, BtfPtr, BtfArray, BtfComposite, BtfEnumeration, BtfFwd, BtfModifier, BtfFunc,
        BtfFuncProto, BtfVar, BtfDatasec, BtfFloat, BtfDeclTag {

    /** The type's name; empty for anonymous types. */
    String name();

    /** The record kind. */
    BtfKind kind();

    /** True when the type has no name. */
    default boolean isAnonymous() {
        return name().isEmpty();
    }
}
