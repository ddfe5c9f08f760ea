package dev.ebpf4j.btf;

import java.util.List;

/**
 * Where a member found by {@link Btf#member(int, String)} lies: the member itself, its bit offset from the start of
 * the outer type (summed over anonymous and named levels), and the member index taken at each level, as a CO-RE
 * access string lists them after its leading {@code 0}.
 *
 * <pre>{@code
 * int linkInfo = btf.findStruct("bpf_link_info").orElseThrow().id();
 * BtfMemberPath p = btf.member(linkInfo, "raw_tracepoint.tp_name").orElseThrow();
 * long off = p.byteOffset();                  // 16
 * String access = "0:" + p.accessString();    // e.g. "0:3:0:0"
 * }</pre>
 *
 * @param bitOffset bit offset from the start of the outer type
 * @param indices   member index at each level, outermost first
 */
public record BtfMemberPath(BtfMember member, long bitOffset, List<Integer> indices) {
    public BtfMemberPath {
        java.util.Objects.requireNonNull(member, "member");
        indices = List.copyOf(indices);
    }

    /** The byte holding the member's first bit. */
    public long byteOffset() {
        return bitOffset >>> 3;
    }

    /** The member's type id. */
    public int typeId() {
        return member.typeId();
    }

    /** The bitfield width, or 0 for an ordinary member. */
    public int bitfieldSize() {
        return member.bitfieldSize();
    }

    /** The indices joined with ':'. */
    public String accessString() {
        StringBuilder sb = new StringBuilder();
        for (int i : indices) {
            if (!sb.isEmpty()) sb.append(':');
            sb.append(i);
        }
        return sb.toString();
    }
}
