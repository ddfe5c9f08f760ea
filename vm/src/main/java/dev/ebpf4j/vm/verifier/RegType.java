package dev.ebpf4j.vm.verifier;

/**
 * What the verifier knows a register (or spilled stack slot) holds; the names follow the kernel's log.
 *
 * <pre>{@code
 * RegType.MAP_VALUE_OR_NULL.isNullable();   // true
 * }</pre>
 */
public enum RegType {
    NOT_INIT("?"),
    SCALAR("scalar"),
    PTR_TO_CTX("ctx"),
    PTR_TO_STACK("fp"),
    PTR_TO_PACKET("pkt"),
    PTR_TO_PACKET_META("pkt_meta"),
    PTR_TO_PACKET_END("pkt_end"),
    CONST_PTR_TO_MAP("map_ptr"),
    PTR_TO_MAP_VALUE("map_value"),
    MAP_VALUE_OR_NULL("map_value_or_null"),
    PTR_TO_MEM("mem"),
    MEM_OR_NULL("mem_or_null"),
    PTR_TO_FUNC("func");

    private final String logName;

    RegType(String logName) {
        this.logName = logName;
    }

    public String logName() {
        return logName;
    }

    public boolean isPointer() {
        return this != NOT_INIT && this != SCALAR;
    }

    public boolean isNullable() {
        return this == MAP_VALUE_OR_NULL || this == MEM_OR_NULL;
    }

    public boolean isPacket() {
        return this == PTR_TO_PACKET || this == PTR_TO_PACKET_META;
    }

    /** The type after a successful NULL check. */
    public RegType nonNull() {
        return switch (this) {
            case MAP_VALUE_OR_NULL -> PTR_TO_MAP_VALUE;
            case MEM_OR_NULL -> PTR_TO_MEM;
            default -> this;
        };
    }
}
