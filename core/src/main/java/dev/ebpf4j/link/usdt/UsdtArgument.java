package dev.ebpf4j.link.usdt;

/**
 * One argument of a USDT probe, parsed from its note's argument specification ({@code "-4@%edi"},
 * {@code "8@-16(%rbp)"}, {@code "4@$5"}, aarch64 {@code "-4@[sp, 96]"}): where the value is when the probe fires and
 * how to widen it to 64 bits. These are the fields of libbpf's {@code struct __bpf_usdt_arg_spec}, which the BPF side
 * ({@code bpf_usdt_arg()} in {@code <bpf/usdt.bpf.h>}) interprets.
 *
 * <pre>{@code
 * UsdtArgument a = UsdtArguments.parse("-4@%edi", UsdtArchitecture.X86_64).get(0);
 * a.kind();            // REGISTER
 * a.registerOffset();  // 112: offsetof(struct pt_regs, di)
 * a.bitShift();        // 32: the upper half is cleared and the value sign-extended
 * a.widen(0xffff_ffffL);   // -1
 * }</pre>
 *
 * @param text           the argument's text in the specification, e.g. {@code "-4@%edi"}
 * @param kind           where the value is
 * @param size           the value's size in bytes: 1, 2, 4 or 8
 * @param signed         true when the size was negative in the specification (a signed value)
 * @param register       the register named (as written, without {@code %}), or null for constants
 * @param registerOffset the register's byte offset in the probed process's saved registers ({@code struct pt_regs}
 *                       on x86-64, {@code struct user_pt_regs} on aarch64); 0 for constants
 * @param valueOffset    the constant ({@link Kind#CONSTANT}) or the displacement from the register's value
 *                       ({@link Kind#REGISTER_DEREF}); 0 for {@link Kind#REGISTER}
 */
public record UsdtArgument(String text, Kind kind, int size, boolean signed, String register, int registerOffset,
                           long valueOffset) {

    /** Where an argument's value is ({@code enum __bpf_usdt_arg_type}). */
    public enum Kind {
        /** A constant ({@code 4@$5}): the value is {@link #valueOffset()}. */
        CONSTANT(0),
        /** In a register ({@code -4@%edi}). */
        REGISTER(1),
        /** In memory at a register's value plus {@link #valueOffset()} ({@code 8@-16(%rbp)}). */
        REGISTER_DEREF(2);

        private final int abiValue;

        Kind(int abiValue) {
            this.abiValue = abiValue;
        }

        /** The value of {@code enum __bpf_usdt_arg_type} for this kind. */
        public int abiValue() {
            return abiValue;
        }
    }

    public UsdtArgument {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("argument size " + size + " is not 1, 2, 4 or 8");
        }
    }

    /**
     * How many upper bits of the 8 bytes read are not part of the value: {@code 64 - 8 * size}. The BPF side shifts
     * left by this, then right (arithmetically when {@link #signed()}): {@code arg_bitshift}.
     */
    public int bitShift() {
        return 64 - 8 * size;
    }

    /** What {@code bpf_usdt_arg()} returns for the 8 bytes {@code raw} read from the argument's location. */
    public long widen(long raw) {
        int shift = bitShift();
        if (shift == 0) return raw;
        return signed ? (raw << shift) >> shift : (raw << shift) >>> shift;
    }
}
