package dev.ebpf4j.btf;

import java.util.List;

/**
 * A struct of {@code size} bytes.
 *
 * <pre>{@code
 * int pair = builder.add(new BtfStruct("pair", 8, List.of(
 *         new BtfMember("a", intId, 0, 0),
 *         new BtfMember("b", intId, 32, 0))));
 * }</pre>
 *
 * @param size byte size, an unsigned 32-bit value
 */
public record BtfStruct(String name, int size, List<BtfMember> members) implements BtfComposite {
    public BtfStruct {
        Checks.name(name);
        members = Checks.vlenList(members, "STRUCT members");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.STRUCT;
    }
}
