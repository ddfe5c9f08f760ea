package dev.ebpf4j.btf;

import java.util.List;

/**
 * A union of {@code size} bytes; members usually all start at bit 0.
 *
 * <pre>{@code
 * int number = builder.add(new BtfUnion("number", 8, List.of(
 *         new BtfMember("i", intId, 0, 0),
 *         new BtfMember("d", doubleId, 0, 0))));
 * }</pre>
 *
 * @param size byte size, an unsigned 32-bit value
 */
public record BtfUnion(String name, int size, List<BtfMember> members) implements BtfComposite {
    public BtfUnion {
        Checks.name(name);
        members = Checks.vlenList(members, "UNION members");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.UNION;
    }
}
