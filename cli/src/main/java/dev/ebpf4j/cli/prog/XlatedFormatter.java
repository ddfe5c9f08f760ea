package dev.ebpf4j.cli.prog;

import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;

/**
 * A small disassembler for the kernel's translated ("xlated") instructions in the kernel verifier's notation, which
 * {@code bpftool prog dump xlated} uses: {@code (b7) r0 = 2}, {@code (61) r2 = *(u32 *)(r1 +0)},
 * {@code (85) call bpf_map_lookup_elem#123}, {@code (18) r1 = map[id:4]}. Internal to the CLI until the library's
 * disassembler lands; helper calls are named through kernel symbols when available.
 *
 * <pre>{@code
 * String text = new XlatedFormatter(KernelSymbols.load()).format(insn);   // "(b7) r0 = 2"
 * }</pre>
 */
public final class XlatedFormatter {
    private static final String[] ALU = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=",
            "s>>=", "endian", "BUG_alu", "BUG_alu"};
    private static final String[] JMP = {"jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=",
            "s<", "s<=", "BUG_jmp", "BUG_jmp"};
    private static final String[] SIZE = {"u32", "u16", "u8", "u64"};
    private static final String[] CLASS = {"ld", "ldx", "st", "stx", "alu", "jmp", "jmp32", "alu64"};

    private final KernelSymbols symbols;
    private final long[] jitedFunctions;

    /** {@code symbols} may be null: helper calls are then named by helper id only when the id is in range. */
    public XlatedFormatter(KernelSymbols symbols) {
        this(symbols, new long[0]);
    }

    /**
     * With the kernel addresses of the program's JIT-compiled functions, calls to subprograms are named
     * ({@code call pc+27#bpf_prog_..._cb}) as bpftool names them.
     */
    public XlatedFormatter(KernelSymbols symbols, long[] jitedFunctions) {
        this.symbols = symbols;
        this.jitedFunctions = jitedFunctions;
    }

    /** One instruction, without the index and newline: {@code (bf) r6 = r1}. */
    public String format(Instruction insn) {
        int code = insn.opcode();
        int cls = code & 0x07;
        String c = "(" + hex2(code) + ") ";
        return switch (cls) {
            case 0x04, 0x07 -> c + alu(insn, cls == 0x04 ? 'w' : 'r');
            case 0x03 -> stx(insn, c);
            case 0x02 -> st(insn, c);
            case 0x01 -> ldx(insn, c);
            case 0x00 -> ld(insn, c);
            case 0x05, 0x06 -> jmp(insn, c, cls == 0x06 ? 'w' : 'r');
            default -> c + CLASS[cls];
        };
    }

    private static String alu(Instruction insn, char reg) {
        int code = insn.opcode();
        int op = code >> 4;
        int d = insn.dst();
        int s = insn.src();
        boolean x = (code & 0x08) != 0;
        if (op == 0x0d) {
            if (reg == 'r') return "r" + d + " = bswap" + insn.imm() + " r" + d;
            return "r" + d + " = " + (x ? "be" : "le") + insn.imm() + " r" + d;
        }
        if (op == 0x08) return reg + "" + d + " = -" + reg + d;
        String opText = ALU[op];
        if ((op == 0x03 || op == 0x09) && insn.offset() == 1) opText = "s" + opText;
        if (x) {
            if (op == 0x0b && insn.offset() != 0) return reg + "" + d + " = (s" + insn.offset() + ")" + reg + s;
            return reg + "" + d + " " + opText + " " + reg + s;
        }
        return reg + "" + d + " " + opText + " " + insn.imm();
    }

    private static String stx(Instruction insn, String c) {
        int code = insn.opcode();
        int mode = code & 0xe0;
        String size = SIZE[(code >> 3) & 3];
        String mem = "(" + size + " *)(r" + insn.dst() + " " + signed(insn.offset()) + ")";
        if (mode == 0x60) return c + "*" + mem + " = r" + insn.src();
        if (mode == 0xc0) {
            int imm = insn.imm();
            String width = size.equals("u64") ? "64" : "";
            int aluOp = imm & 0xf0;
            boolean plain = imm == 0x00 || imm == 0x50 || imm == 0x40 || imm == 0xa0;
            boolean fetch = imm == 0x01 || imm == 0x51 || imm == 0x41 || imm == 0xa1;
            if (plain) return c + "lock *" + mem + " " + ALU[aluOp >> 4] + " r" + insn.src();
            if (fetch) {
                String name = switch (aluOp) {
                    case 0x00 -> "add";
                    case 0x50 -> "and";
                    case 0x40 -> "or";
                    default -> "xor";
                };
                return c + "r" + insn.src() + " = atomic" + width + "_fetch_" + name + "(" + mem + ", r" + insn.src()
                        + ")";
            }
            if (imm == 0xf1) return c + "r0 = atomic" + width + "_cmpxchg(" + mem + ", r0, r" + insn.src() + ")";
            if (imm == 0xe1) return c + "r" + insn.src() + " = atomic" + width + "_xchg(" + mem + ", r" + insn.src() + ")";
        }
        return "BUG_" + hex2(code);
    }

    private static String st(Instruction insn, String c) {
        int code = insn.opcode();
        int mode = code & 0xe0;
        if (mode == 0x60) {
            return c + "*(" + SIZE[(code >> 3) & 3] + " *)(r" + insn.dst() + " " + signed(insn.offset()) + ") = "
                    + insn.imm();
        }
        if (mode == 0xc0) return c + "nospec";
        return "BUG_st_" + hex2(code);
    }

    private static String ldx(Instruction insn, String c) {
        int code = insn.opcode();
        int mode = code & 0xe0;
        String size = SIZE[(code >> 3) & 3];
        if (mode == 0x60) {
            return c + "r" + insn.dst() + " = *(" + size + " *)(r" + insn.src() + " " + signed(insn.offset()) + ")";
        }
        if (mode == 0x80) {
            return c + "r" + insn.dst() + " = *(s" + size.substring(1) + " *)(r" + insn.src() + " "
                    + signed(insn.offset()) + ")";
        }
        return "BUG_ldx_" + hex2(code);
    }

    private static String ld(Instruction insn, String c) {
        int code = insn.opcode();
        int mode = code & 0xe0;
        String size = SIZE[(code >> 3) & 3];
        if (mode == 0x20) return c + "r0 = *(" + size + " *)skb[" + insn.imm() + "]";
        if (mode == 0x40) return c + "r0 = *(" + size + " *)skb[r" + insn.src() + " + " + insn.imm() + "]";
        if (code == Instruction.LDDW) return c + "r" + insn.dst() + " = " + immediate(insn);
        return "BUG_ld_" + hex2(code);
    }

    private static String immediate(Instruction insn) {
        long full = insn.constant();
        int lo = (int) full;
        int hi = (int) (full >>> 32);
        return switch (insn.src()) {
            case 1 -> "map[id:" + Integer.toUnsignedString(lo) + "]";
            case 2 -> "map[id:" + Integer.toUnsignedString(lo) + "][0]+" + Integer.toUnsignedString(hi);
            case 6 -> "map[idx:" + Integer.toUnsignedString(lo) + "]+" + Integer.toUnsignedString(hi);
            case 4 -> "subprog[" + signed(lo) + "]";
            default -> "0x" + Long.toHexString(full);
        };
    }

    private String jmp(Instruction insn, String c, char reg) {
        int code = insn.opcode();
        int op = code >> 4;
        if (op == 0x08) {
            if (insn.src() == 1) return c + "call pc" + subprogram(insn);
            return c + "call " + helperName(insn) + "#" + insn.imm();
        }
        if (code == 0x05) return c + "goto pc" + signed(insn.offset());
        if (code == 0x06) return c + "gotol pc" + signed(insn.imm());
        if (code == 0x95) return c + "exit";
        if ((code & 0x08) != 0) {
            return c + "if " + reg + insn.dst() + " " + JMP[op] + " " + reg + insn.src() + " goto pc"
                    + signed(insn.offset());
        }
        return c + "if " + reg + insn.dst() + " " + JMP[op] + " 0x" + Integer.toHexString(insn.imm()) + " goto pc"
                + signed(insn.offset());
    }

    /** A helper's (or kfunc's) name: by helper id, else the kernel symbol at {@code __bpf_call_base + imm}. */
    private String helperName(Instruction insn) {
        int imm = insn.imm();
        if (insn.src() == 0 && imm >= 0) {
            String byId = HelperFunction.fromNumber(imm).map(HelperFunction::cName).orElse(null);
            if (byId != null) return byId;
        }
        if (symbols != null && symbols.callBase() != 0) {
            long address = symbols.callBase() + imm;
            String name = symbols.nameAt(address);
            return name != null ? name : "0x" + Long.toHexString(address);
        }
        return insn.src() == 2 ? "kernel-function" : "unknown";
    }

    /** A call to a subprogram: the offset, and with JIT addresses the function's kernel symbol. */
    private String subprogram(Instruction insn) {
        if (jitedFunctions.length == 0) return signed(insn.offset());
        int index = insn.imm();
        long address = index >= 0 && index < jitedFunctions.length ? jitedFunctions[index]
                : (symbols == null ? 0 : symbols.callBase() + index);
        String name = symbols == null ? null : symbols.nameAt(address);
        return signed(insn.offset()) + "#" + (name != null ? name : "0x" + Long.toHexString(address));
    }

    /** C's {@code %+d}. */
    static String signed(int v) {
        return v >= 0 ? "+" + v : Integer.toString(v);
    }

    private static String hex2(int v) {
        String h = Integer.toHexString(v & 0xff);
        return h.length() == 1 ? "0" + h : h;
    }
}
