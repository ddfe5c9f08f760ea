package dev.ebpf4j.asm;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * What one opcode byte means: its {@link Kind} and a short mnemonic, looked up in a 256-entry table built from the
 * rows of the ISA (ALU operations × sources, jump conditions × sources, load/store sizes × modes). Opcodes the ISA
 * does not define have kind {@link Kind#INVALID}.
 *
 * <p>Mnemonics follow one scheme: ALU operations carry their width ({@code add64}, {@code add32}), 32-bit jumps a
 * {@code 32} suffix ({@code jeq32}), memory accesses their size ({@code ldxw}, {@code stxdw}, {@code ldxsb} for
 * sign-extending loads, {@code ldabsh}, {@code ldindb}), atomics their width ({@code atomic64}; the operation is in
 * the immediate, see {@link AtomicOperation}).
 *
 * <pre>{@code
 * Opcode op = Opcode.of(0x61);                 // ldxw, Kind.LOAD, 4-byte access
 * op.accessBytes();                            // 4
 * Opcode.byMnemonic("jeq32").orElseThrow().code();   // 0x16 (the K form; | Opcodes.X for the register form)
 * }</pre>
 *
 * @param code     the opcode byte, 0..255
 * @param kind     what the instruction does
 * @param mnemonic a short name, or {@code "invalid"}
 */
public record Opcode(int code, Kind kind, String mnemonic) {

    /** The instruction kinds; one per shape of operands. */
    public enum Kind {
        /** 32-bit arithmetic (class ALU), including {@code le}/{@code be} byte-order conversion. */
        ALU32,
        /** 64-bit arithmetic (class ALU64), including {@code bswap}. */
        ALU64,
        /** Jumps comparing 64-bit operands (class JMP), {@code goto} and {@code may_goto}. */
        JUMP,
        /** Jumps comparing 32-bit operands (class JMP32) and {@code gotol}. */
        JUMP32,
        /** {@code call} (helper, bpf-to-bpf or kfunc, by the source field) and {@code callx}. */
        CALL,
        /** {@code exit}. */
        EXIT,
        /** The two-slot 64-bit immediate load {@code lddw}. */
        LOAD_IMM64,
        /** Legacy packet loads (BPF_ABS / BPF_IND), socket filters only. */
        LOAD_PACKET,
        /** {@code dst = *(size *)(src + off)}, zero-extending. */
        LOAD,
        /** {@code dst = *(s8/s16/s32 *)(src + off)}, sign-extending (v4). */
        LOAD_SIGNED,
        /** {@code *(size *)(dst + off) = imm}. */
        STORE_IMM,
        /** {@code *(size *)(dst + off) = src}. */
        STORE,
        /** Atomic operations (STX | ATOMIC); the operation is in the immediate. */
        ATOMIC,
        /** Not defined by the ISA. */
        INVALID
    }

    private static final Opcode[] TABLE = new Opcode[256];
    private static final Map<String, Opcode> BY_MNEMONIC;

    // ---- the rows of the ISA ---------------------------------------------------------------------------------

    /** ALU operation field → name; NEG and END are listed separately because their source bit means something else. */
    private static final Map<Integer, String> ALU_OPERATIONS = Map.ofEntries(
            Map.entry(ADD, "add"), Map.entry(SUB, "sub"), Map.entry(MUL, "mul"), Map.entry(DIV, "div"),
            Map.entry(OR, "or"), Map.entry(AND, "and"), Map.entry(LSH, "lsh"), Map.entry(RSH, "rsh"),
            Map.entry(MOD, "mod"), Map.entry(XOR, "xor"), Map.entry(MOV, "mov"), Map.entry(ARSH, "arsh"));

    /** Conditional jump operation field → name. */
    private static final Map<Integer, String> JUMP_CONDITIONS = Map.ofEntries(
            Map.entry(JEQ, "jeq"), Map.entry(JGT, "jgt"), Map.entry(JGE, "jge"), Map.entry(JSET, "jset"),
            Map.entry(JNE, "jne"), Map.entry(JSGT, "jsgt"), Map.entry(JSGE, "jsge"), Map.entry(JLT, "jlt"),
            Map.entry(JLE, "jle"), Map.entry(JSLT, "jslt"), Map.entry(JSLE, "jsle"));

    /** Size field → suffix. */
    private static final Map<Integer, String> SIZES = Map.of(W, "w", H, "h", B, "b", DW, "dw");

    /** Opcodes outside the regular rows: code, kind, mnemonic. */
    private static final Object[][] SPECIAL = {
            {ALU | NEG | K, Kind.ALU32, "neg32"},
            {ALU64 | NEG | K, Kind.ALU64, "neg64"},
            {ALU | END | TO_LE, Kind.ALU32, "le"},
            {ALU | END | TO_BE, Kind.ALU32, "be"},
            {ALU64 | END | K, Kind.ALU64, "bswap"},
            {JMP | JA | K, Kind.JUMP, "ja"},
            {JMP32 | JA | K, Kind.JUMP32, "gotol"},
            {JMP | JCOND | K, Kind.JUMP, "may_goto"},
            {JMP | CALL | K, Kind.CALL, "call"},
            {JMP | CALL | X, Kind.CALL, "callx"},
            {JMP | EXIT | K, Kind.EXIT, "exit"},
            {LD | DW | IMM, Kind.LOAD_IMM64, "lddw"},
    };

    static {
        for (int code = 0; code < 256; code++) TABLE[code] = new Opcode(code, Kind.INVALID, "invalid");
        for (var op : ALU_OPERATIONS.entrySet()) {
            for (int source : new int[] {K, X}) {
                define(ALU | op.getKey() | source, Kind.ALU32, op.getValue() + "32");
                define(ALU64 | op.getKey() | source, Kind.ALU64, op.getValue() + "64");
            }
        }
        for (var cond : JUMP_CONDITIONS.entrySet()) {
            for (int source : new int[] {K, X}) {
                define(JMP | cond.getKey() | source, Kind.JUMP, cond.getValue());
                define(JMP32 | cond.getKey() | source, Kind.JUMP32, cond.getValue() + "32");
            }
        }
        for (var size : SIZES.entrySet()) {
            String s = size.getValue();
            int bits = size.getKey();
            define(LDX | bits | MEM, Kind.LOAD, "ldx" + s);
            define(ST | bits | MEM, Kind.STORE_IMM, "st" + s);
            define(STX | bits | MEM, Kind.STORE, "stx" + s);
            define(STX | bits | ATOMIC, Kind.ATOMIC, "atomic" + 8 * sizeBytes(bits));
            if (bits != DW) {
                define(LDX | bits | MEMSX, Kind.LOAD_SIGNED, "ldxs" + s);
                define(LD | bits | ABS, Kind.LOAD_PACKET, "ldabs" + s);
                define(LD | bits | IND, Kind.LOAD_PACKET, "ldind" + s);
            }
        }
        for (Object[] row : SPECIAL) define((Integer) row[0], (Kind) row[1], (String) row[2]);

        Map<String, Opcode> byMnemonic = new HashMap<>();
        for (Opcode op : TABLE) {
            // The K (immediate) form is the canonical entry for a mnemonic shared by the K and X forms.
            if (op.kind != Kind.INVALID) byMnemonic.putIfAbsent(op.mnemonic, op);
        }
        BY_MNEMONIC = Collections.unmodifiableMap(byMnemonic);
    }

    private static void define(int code, Kind kind, String mnemonic) {
        TABLE[code] = new Opcode(code, kind, mnemonic);
    }

    public Opcode {
        if (code < 0 || code > 0xff) throw new IllegalArgumentException("opcode out of range: " + code);
    }

    /** The table entry for {@code code} (0..255); {@link Kind#INVALID} for undefined opcodes. */
    public static Opcode of(int code) {
        if (code < 0 || code > 0xff) throw new IllegalArgumentException("opcode out of range: " + code);
        return TABLE[code];
    }

    /** The opcode with this mnemonic (its immediate form when there are K and X forms), case-insensitive. */
    public static Optional<Opcode> byMnemonic(String mnemonic) {
        return Optional.ofNullable(BY_MNEMONIC.get(mnemonic.toLowerCase(Locale.ROOT)));
    }

    /** True unless the ISA leaves this opcode undefined. */
    public boolean isValid() {
        return kind != Kind.INVALID;
    }

    /** The class bits (low three). */
    public int opClass() {
        return Opcodes.opClass(code);
    }

    /** True when the second operand is a register (the X source bit of ALU and jump classes). */
    public boolean usesSourceRegister() {
        return switch (kind) {
            case ALU32, ALU64, JUMP, JUMP32 -> Opcodes.source(code) == X && Opcodes.operation(code) != END;
            case CALL -> code == (JMP | CALL | X);
            default -> false;
        };
    }

    /** Bytes a memory instruction moves (1, 2, 4 or 8); 0 for instructions that do not access memory. */
    public int accessBytes() {
        return switch (kind) {
            case LOAD, LOAD_SIGNED, STORE_IMM, STORE, ATOMIC, LOAD_PACKET -> sizeBytes(size(code));
            default -> 0;
        };
    }

    /** True for the kinds that transfer control: jumps, calls and exit. */
    public boolean isControlFlow() {
        return kind == Kind.JUMP || kind == Kind.JUMP32 || kind == Kind.CALL || kind == Kind.EXIT;
    }

    @Override
    public String toString() {
        return String.format("%s(0x%02x)", mnemonic, code);
    }
}
