package dev.ebpf4j.btf;

/**
 * A forward declaration of a struct ({@code union == false}) or union: {@code struct sock;}.
 *
 * <pre>{@code
 * int sockFwd = builder.add(new BtfFwd("sock", false));
 * }</pre>
 */
public record BtfFwd(String name, boolean union) implements BtfType {
    public BtfFwd {
        Checks.name(name);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.FWD;
    }
}
