package dev.ebpf4j.btf;

/**
 * A typedef: {@code name} stands for {@code typeId}. Tracing attach points are found through typedefs, e.g. tp_btf
 * programs attach to the {@code btf_trace_<tracepoint>} typedef in vmlinux.
 *
 * <pre>{@code
 * int id = Btf.vmlinux().findTypedef("btf_trace_sched_switch").orElseThrow().id();
 * }</pre>
 */
public record BtfTypedef(String name, int typeId) implements BtfModifier {
    public BtfTypedef {
        Checks.name(name);
        Checks.typeId(typeId, "TYPEDEF target");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.TYPEDEF;
    }
}
