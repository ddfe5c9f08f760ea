package dev.ebpf4j.btf;

import java.util.List;

/**
 * A struct or union: a byte size and members. {@link Btf#member(int, String)} finds members by name, looking
 * into anonymous members.
 *
 * <pre>{@code
 * if (btf.type(id) instanceof BtfComposite c) {
 *     for (BtfMember m : c.members()) System.out.println(m.name() + " @" + m.bitOffset());
 * }
 * }</pre>
 */
public sealed interface BtfComposite extends BtfType permits BtfStruct, BtfUnion {
    /** Byte size, an unsigned 32-bit value. */
    int size();

    /** The members in declaration order. */
    List<BtfMember> members();

    /** True when any member is a bitfield with an explicit width (the encoding's kind_flag). */
    default boolean hasBitfieldMembers() {
        for (BtfMember m : members()) {
            if (m.bitfieldSize() != 0) return true;
        }
        return false;
    }
}
