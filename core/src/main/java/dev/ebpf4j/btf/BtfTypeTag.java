package dev.ebpf4j.btf;

/**
 * A type tag ({@code __attribute__((btf_type_tag("user")))}) on {@code typeId}, as in {@code int __user *}.
 *
 * <pre>{@code
 * int tagged = builder.add(new BtfTypeTag("user", intId));
 * int ptr = builder.add(new BtfPtr(tagged));
 * }</pre>
 */
public record BtfTypeTag(String name, int typeId) implements BtfModifier {
    public BtfTypeTag {
        Checks.name(name);
        Checks.typeId(typeId, "TYPE_TAG target");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.TYPE_TAG;
    }
}
