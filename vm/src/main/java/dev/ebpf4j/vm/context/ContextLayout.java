package dev.ebpf4j.vm.context;

import java.util.List;

/**
 * The program context a program type sees ({@code struct xdp_md}, {@code struct __sk_buff}) and how the VM stores
 * it. Scalar fields sit at the same offsets in the VM's copy; the 32-bit {@code data}/{@code data_end}/
 * {@code data_meta} fields become 64-bit VM pointers stored after the struct, and the verifier rewrites their loads
 * ({@code r2 = *(u32 *)(r1 + 0)} becomes an 8-byte load of the pointer), as the kernel's {@code convert_ctx_access}
 * does.
 *
 * <pre>{@code
 * ContextLayout xdp = ContextLayouts.XDP;
 * xdp.fieldAt(4).orElseThrow().kind();   // PACKET_END
 * }</pre>
 *
 * @param name         the C struct
 * @param size         bytes the program may address
 * @param internalSize bytes of the VM's copy (struct plus pointer slots)
 * @param fields       accessible fields
 * @param directPacketAccess whether data/data_end are readable (true for XDP and tc, false for socket filters)
 */
public record ContextLayout(String name, int size, int internalSize, List<Field> fields, boolean directPacketAccess) {

    /** What loading a field produces. */
    public enum Kind { SCALAR, PACKET, PACKET_END, PACKET_META }

    /**
     * One accessible field.
     *
     * @param name           C name
     * @param offset         offset in the struct
     * @param size           bytes
     * @param readable       loads allowed
     * @param writable       stores allowed
     * @param narrow         loads/stores of 1, 2 (and 4) bytes inside the field allowed
     * @param kind           what a load yields
     * @param internalOffset where the VM keeps it (the pointer slot for pointer fields)
     */
    public record Field(String name, int offset, int size, boolean readable, boolean writable, boolean narrow, Kind kind,
                        int internalOffset) {
        public boolean contains(int off, int len) {
            return off >= offset && off + len <= offset + size;
        }
    }

    /** The field containing byte {@code off}. */
    public java.util.Optional<Field> fieldAt(int off) {
        for (Field f : fields) if (off >= f.offset && off < f.offset + f.size) return java.util.Optional.of(f);
        return java.util.Optional.empty();
    }
}
