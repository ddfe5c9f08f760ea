package dev.ebpf4j.internal.loader;

import java.util.Arrays;
import java.util.List;

/**
 * A struct_ops map of an object, as written in C: a variable of section {@code .struct_ops} or
 * {@code .struct_ops.link} whose type is a local copy of a kernel struct of function pointers (such as
 * {@code tcp_congestion_ops}). Function pointer members name programs of {@code struct_ops/...} sections (through the
 * section's relocations); other members hold data (a congestion control's {@code name}, flags). The kernel's layout
 * is only known at load ({@link StructOpsLayout}), so everything here is in the object's own layout.
 *
 * <pre>{@code
 * StructOpsDefinition d = model.structOps().getFirst();
 * d.typeName();                  // "tcp_congestion_ops"
 * d.members().get(0).program();  // "ebpf4j_ssthresh"
 * }</pre>
 *
 * @param name       the variable's name, which is also the map's name
 * @param section    ".struct_ops" or ".struct_ops.link" (with a leading "?" when not created by default)
 * @param offset     the variable's offset in its section
 * @param typeId     the struct's id in the object's BTF (typedefs and qualifiers skipped)
 * @param typeName   the struct's name as written (maybe with a {@code ___flavor} suffix)
 * @param data       the variable's bytes (function pointer members zeroed)
 * @param members    every member of the struct, in order
 * @param link       true for {@code .struct_ops.link}: registered through a bpf_link (map flag BPF_F_LINK)
 * @param autocreate false for sections starting with "?": the map is not created unless switched on
 */
public record StructOpsDefinition(String name, String section, long offset, int typeId, String typeName, byte[] data,
                                  List<Member> members, boolean link, boolean autocreate) {
    public StructOpsDefinition {
        data = data.clone();
        members = List.copyOf(members);
    }

    /**
     * One member of the local struct.
     *
     * @param name        the member's name
     * @param typeId      its type in the object's BTF
     * @param index       its index in the local struct
     * @param offset      its byte offset in the local struct
     * @param size        its size in bytes
     * @param bitfield    true when it is a bitfield (which struct_ops cannot translate)
     * @param functionPointer true when its type is a pointer to a function prototype
     * @param program     the program it points to, or null
     */
    public record Member(String name, int typeId, int index, int offset, int size, boolean bitfield, boolean functionPointer,
                         String program) {
    }

    /** The data bytes (a copy). */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The programs the struct points to, in member order (a program may fill several members). */
    public List<String> programs() {
        return members.stream().map(Member::program).filter(p -> p != null).distinct().toList();
    }

    /** The member named {@code name}, or null. */
    public Member member(String name) {
        for (Member m : members) if (m.name().equals(name)) return m;
        return null;
    }

    /** The type name without a {@code ___flavor} suffix: what the kernel calls the struct. */
    public String kernelTypeName() {
        for (int i = typeName.length() - 5; i >= 0; i--) {
            if (typeName.charAt(i) != '_' && typeName.startsWith("___", i + 1) && typeName.charAt(i + 4) != '_') {
                return typeName.substring(0, i + 1);
            }
        }
        return typeName;
    }

    /** A copy with other data bytes (same length). */
    public StructOpsDefinition withData(byte[] newData) {
        return new StructOpsDefinition(name, section, offset, typeId, typeName, newData, members, link, autocreate);
    }

    /** A copy created (or not) by default. */
    public StructOpsDefinition withAutocreate(boolean value) {
        return new StructOpsDefinition(name, section, offset, typeId, typeName, data, members, link, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StructOpsDefinition d && d.name.equals(name) && d.section.equals(section)
                && d.offset == offset && d.typeId == typeId && d.typeName.equals(typeName)
                && Arrays.equals(d.data, data) && d.members.equals(members) && d.link == link
                && d.autocreate == autocreate;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "StructOpsDefinition[" + name + ": struct " + typeName + " in " + section + ", programs " + programs()
                + "]";
    }
}
