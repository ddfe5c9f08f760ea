package dev.ebpf4j.asm;

/**
 * The bit fields of a BPF opcode (RFC 9669 and the kernel's extensions) as constants: class, source, ALU and jump
 * operations, load/store size and mode, atomic operations and the pseudo source values of {@code lddw} and
 * {@code call}. An opcode is class | operation | source, or class | size | mode.
 *
 * <pre>{@code
 * int addImm64 = Opcodes.ALU64 | Opcodes.ADD | Opcodes.K;   // 0x07
 * int ldxw = Opcodes.LDX | Opcodes.W | Opcodes.MEM;         // 0x61
 * }</pre>
 */
public final class Opcodes {
    private Opcodes() {
    }

    // Classes (low 3 bits).
    public static final int LD = 0x00;
    public static final int LDX = 0x01;
    public static final int ST = 0x02;
    public static final int STX = 0x03;
    public static final int ALU = 0x04;
    public static final int JMP = 0x05;
    public static final int JMP32 = 0x06;
    public static final int ALU64 = 0x07;

    // Source (bit 3) for ALU and jumps.
    public static final int K = 0x00;
    public static final int X = 0x08;
    /** Byte-swap direction for END in the ALU class: to little-endian (same bit as K). */
    public static final int TO_LE = 0x00;
    /** Byte-swap direction for END in the ALU class: to big-endian (same bit as X). */
    public static final int TO_BE = 0x08;

    // ALU operations (high 4 bits).
    public static final int ADD = 0x00;
    public static final int SUB = 0x10;
    public static final int MUL = 0x20;
    public static final int DIV = 0x30;
    public static final int OR = 0x40;
    public static final int AND = 0x50;
    public static final int LSH = 0x60;
    public static final int RSH = 0x70;
    public static final int NEG = 0x80;
    public static final int MOD = 0x90;
    public static final int XOR = 0xa0;
    public static final int MOV = 0xb0;
    public static final int ARSH = 0xc0;
    public static final int END = 0xd0;

    // Jump operations (high 4 bits).
    public static final int JA = 0x00;
    public static final int JEQ = 0x10;
    public static final int JGT = 0x20;
    public static final int JGE = 0x30;
    public static final int JSET = 0x40;
    public static final int JNE = 0x50;
    public static final int JSGT = 0x60;
    public static final int JSGE = 0x70;
    public static final int CALL = 0x80;
    public static final int EXIT = 0x90;
    public static final int JLT = 0xa0;
    public static final int JLE = 0xb0;
    public static final int JSLT = 0xc0;
    public static final int JSLE = 0xd0;
    /** {@code may_goto} (kernel extension, Linux 6.9). */
    public static final int JCOND = 0xe0;

    // Load/store sizes (bits 3-4).
    public static final int W = 0x00;
    public static final int H = 0x08;
    public static final int B = 0x10;
    public static final int DW = 0x18;

    // Load/store modes (bits 5-7).
    public static final int IMM = 0x00;
    public static final int ABS = 0x20;
    public static final int IND = 0x40;
    public static final int MEM = 0x60;
    public static final int MEMSX = 0x80;
    public static final int ATOMIC = 0xc0;

    // Atomic operations (immediate of STX|ATOMIC).
    public static final int ATOMIC_ADD = ADD;
    public static final int ATOMIC_OR = OR;
    public static final int ATOMIC_AND = AND;
    public static final int ATOMIC_XOR = XOR;
    public static final int FETCH = 0x01;
    public static final int XCHG = 0xe0 | FETCH;
    public static final int CMPXCHG = 0xf0 | FETCH;
    /** {@code load_acquire} (Linux 6.15): LDX-like atomic load with acquire semantics. */
    public static final int LOAD_ACQ = 0x100;
    /** {@code store_release} (Linux 6.15). */
    public static final int STORE_REL = 0x110;

    /**
     * Offset of {@code ALU64 | MOV | X} that makes it {@code addr_space_cast} (Linux 6.9, BPF arena): the immediate
     * holds {@code dst_address_space << 16 | src_address_space}.
     */
    public static final int ADDR_SPACE_CAST = 1;

    // Pseudo source register values of lddw.
    public static final int PSEUDO_MAP_FD = 1;
    public static final int PSEUDO_MAP_VALUE = 2;
    public static final int PSEUDO_BTF_ID = 3;
    public static final int PSEUDO_FUNC = 4;
    public static final int PSEUDO_MAP_IDX = 5;
    public static final int PSEUDO_MAP_IDX_VALUE = 6;

    // Pseudo source register values of call.
    public static final int PSEUDO_CALL = 1;
    public static final int PSEUDO_KFUNC_CALL = 2;

    /** The class bits of an opcode. */
    public static int opClass(int opcode) {
        return opcode & 0x07;
    }

    /** The operation bits (ALU/jump classes). */
    public static int operation(int opcode) {
        return opcode & 0xf0;
    }

    /** The source bit (ALU/jump classes). */
    public static int source(int opcode) {
        return opcode & 0x08;
    }

    /** The size bits (load/store classes). */
    public static int size(int opcode) {
        return opcode & 0x18;
    }

    /** The mode bits (load/store classes). */
    public static int mode(int opcode) {
        return opcode & 0xe0;
    }

    /** Bytes moved by a load/store of this size field. */
    public static int sizeBytes(int sizeBits) {
        return switch (sizeBits) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    /** The size field for an access of {@code bytes} (1, 2, 4 or 8). */
    public static int sizeOf(int bytes) {
        return switch (bytes) {
            case 1 -> B;
            case 2 -> H;
            case 4 -> W;
            case 8 -> DW;
            default -> throw new IllegalArgumentException("access size must be 1, 2, 4 or 8 bytes, not " + bytes);
        };
    }
}
