package dev.ebpf4j;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A struct_ops variable of an object (a {@code SEC(".struct_ops")} or {@code SEC(".struct_ops.link")} global whose
 * type is a kernel struct of function pointers, such as {@code tcp_congestion_ops}), as the object declares it: its
 * members in the object's own layout, the programs its function pointers name and the bytes of its data members. The
 * loader translates it to the kernel's layout member by member, by name; {@link BpfObject#attachStructOps} registers
 * it. Edit data members before loading with {@link ObjectSpec#withStructOpsMember}.
 *
 * <pre>{@code
 * StructOpsSpec cc = spec.structOps("ebpf4j_cc");
 * cc.typeName();                     // "tcp_congestion_ops"
 * cc.program("ssthresh");            // Optional[ebpf4j_ssthresh]
 * new String(cc.memberValue("name")).trim();   // "ebpf4j_cc"
 * }</pre>
 *
 * @param name       the variable's name, which is also its map's name
 * @param typeName   the struct's name as written ({@code tcp_congestion_ops}, maybe with a {@code ___flavor} suffix)
 * @param section    {@code .struct_ops} or {@code .struct_ops.link} (with a leading {@code ?} when off by default)
 * @param link       registered through a bpf_link ({@code .struct_ops.link})
 * @param autocreate created by {@link BpfObject#load} ({@code ?} sections start off)
 * @param members    the struct's members in declaration order
 */
public record StructOpsSpec(String name, String typeName, String section, boolean link, boolean autocreate,
                            byte[] data, List<Member> members) {
    public StructOpsSpec {
        data = data.clone();
        members = List.copyOf(members);
    }

    /**
     * A member of the struct.
     *
     * @param name    the member's name
     * @param offset  its byte offset in the object's struct
     * @param size    its size in bytes
     * @param program the program a function pointer member names, or null (data members, unset pointers)
     */
    public record Member(String name, int offset, int size, String program) {
    }

    /** The struct's bytes in the object's layout (function pointers zero), a copy. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The program function pointer member {@code member} names. */
    public Optional<String> program(String member) {
        return Optional.ofNullable(member(member).program());
    }

    /** The bytes of member {@code member}. */
    public byte[] memberValue(String member) {
        Member m = member(member);
        return Arrays.copyOfRange(data, m.offset(), m.offset() + m.size());
    }

    /** The member named {@code name}; {@link BpfArgumentException} naming the members when absent. */
    public Member member(String name) {
        for (Member m : members) if (m.name().equals(name)) return m;
        throw new BpfArgumentException("struct_ops variable '" + this.name + "' (struct " + typeName + ") has no member '"
                + name + "'; its members are " + members.stream().map(Member::name).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StructOpsSpec s && s.name.equals(name) && s.typeName.equals(typeName)
                && s.section.equals(section) && s.link == link && s.autocreate == autocreate
                && Arrays.equals(s.data, data) && s.members.equals(members);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "StructOpsSpec[" + name + ": struct " + typeName + " in " + section + "]";
    }
}
