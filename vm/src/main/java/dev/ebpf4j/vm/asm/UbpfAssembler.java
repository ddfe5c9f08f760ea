package dev.ebpf4j.vm.asm;

import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Register;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Assembles the uBPF / BPF-conformance text syntax into {@link Instruction}s:
 * <pre>
 * mov %r0, 1            add32 %r1, %r2        neg64 %r3            be16 %r0   le32 %r0   bswap64 %r0
 * sdiv %r0, 3           smod32 %r0, %r1       movsx832 %r2, %r1    movsx3264 %r0, %r9
 * ldxdw %r0, [%r1+8]    ldxsb %r0, [%r1-2]    stw [%r10-4], 5      stxb [%r1], %r2     lddw %r0, 0x1122334455667788
 * ldabsh 12             ldindw %r2, 4
 * ja label              ja32 label            jne %r0, 15, label   jeq32 %r1, %r2, +3
 * call 5                call local func       call %r2             exit
 * lock add [%r10-8], %r1      lock fetch xor32 [%r1+4], %r3     lock xchg [%r1], %r2     lock cmpxchg32 [%r1], %r2
 * name:                 # comment
 * </pre>
 * Without a suffix ALU operations are 64-bit ({@code add} = {@code add64}). 32-bit immediates are signed decimal
 * (-2147483648..2147483647) or hex up to 0xffffffff; offsets are -32768..65535; {@code lddw} takes any 64-bit value.
 *
 * <pre>{@code
 * List<Instruction> prog = UbpfAssembler.assemble("""
 *     mov %r0, 0
 *     ldxb %r0, [%r1+2]
 *     exit
 *     """);
 * }</pre>
 */
public final class UbpfAssembler {
    private UbpfAssembler() {
    }

    private static final Pattern LABEL = Pattern.compile("([A-Za-z_.$][\\w.$]*):");
    private static final Pattern MEMORY = Pattern.compile("\\[\\s*(%?r\\d+)\\s*(?:([+-])\\s*(\\w+))?\\s*]");
    private static final Map<String, Integer> ALU_OPS = Map.ofEntries(
            Map.entry("add", ADD), Map.entry("sub", SUB), Map.entry("mul", MUL), Map.entry("div", DIV),
            Map.entry("or", OR), Map.entry("and", AND), Map.entry("lsh", LSH), Map.entry("rsh", RSH),
            Map.entry("mod", MOD), Map.entry("xor", XOR), Map.entry("mov", MOV), Map.entry("arsh", ARSH),
            Map.entry("sdiv", DIV), Map.entry("smod", MOD));
    private static final Map<String, Integer> JUMPS = Map.ofEntries(
            Map.entry("jeq", JEQ), Map.entry("jgt", JGT), Map.entry("jge", JGE), Map.entry("jlt", JLT),
            Map.entry("jle", JLE), Map.entry("jset", JSET), Map.entry("jne", JNE), Map.entry("jsgt", JSGT),
            Map.entry("jsge", JSGE), Map.entry("jslt", JSLT), Map.entry("jsle", JSLE));
    private static final Map<String, Integer> SIZES = Map.of("b", B, "h", H, "w", W, "dw", DW);
    private static final Map<String, Integer> ATOMIC_OPS = Map.of("add", ATOMIC_ADD, "or", ATOMIC_OR,
            "and", ATOMIC_AND, "xor", ATOMIC_XOR, "xchg", XCHG, "cmpxchg", CMPXCHG);

    /** Assembles {@code text}; throws {@link AssemblyException} naming the line on any error. */
    public static List<Instruction> assemble(String text) {
        Asm asm = new Asm();
        String[] lines = text.split("\\R", -1);
        int count = 0;
        State state = new State();
        state.exitIsLabel = text.matches("(?s).*(^|\\n)\\s*exit\\s*:.*");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.trim();
            if (line.isEmpty()) continue;
            Matcher label = LABEL.matcher(line);
            if (label.matches()) {
                try {
                    asm.label(label.group(1));
                } catch (IllegalArgumentException e) {
                    throw new AssemblyException(n + 1, e.getMessage());
                }
                continue;
            }
            try {
                line(asm, line, state);
                count++;
            } catch (AssemblyException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new AssemblyException(n + 1, e.getMessage() + ": '" + line + "'");
            }
        }
        if (count == 0) throw new AssemblyException(0, "no instructions");
        try {
            return asm.build();
        } catch (IllegalArgumentException e) {
            throw new AssemblyException(0, e.getMessage());
        }
    }

    /**
     * Jumps to an undefined label {@code exit} (the suite's shorthand) go to the next {@code exit} instruction:
     * such a jump gets the label of the next exit's ordinal, defined when that exit is emitted.
     */
    private static final class State {
        boolean exitIsLabel;
        int exits;

        String target(String label) {
            return !exitIsLabel && label.equals("exit") ? "__exit_" + exits : label;
        }
    }

    private static void line(Asm asm, String line, State state) {
        String mnemonic;
        String rest;
        int space = indexOfWhitespace(line);
        if (space < 0) {
            mnemonic = line;
            rest = "";
        } else {
            mnemonic = line.substring(0, space);
            rest = line.substring(space).trim();
        }
        mnemonic = mnemonic.toLowerCase(Locale.ROOT);
        if (mnemonic.equals("lock")) {
            lock(asm, rest);
            return;
        }
        List<String> ops = operands(rest);
        if (mnemonic.equals("exit")) {
            count(mnemonic, ops, 0);
            if (!state.exitIsLabel) asm.label("__exit_" + state.exits++);
            asm.exit();
            return;
        }
        if (mnemonic.equals("call")) {
            call(asm, rest);
            return;
        }
        if (mnemonic.equals("ja") || mnemonic.equals("ja32")) {
            count(mnemonic, ops, 1);
            String t = state.target(ops.get(0));
            if (mnemonic.equals("ja")) {
                if (isNumericOffset(t)) asm.raw(new Instruction(JMP | JA, 0, 0, offset16(t), 0));
                else asm.ja(t);
            } else if (isNumericOffset(t)) {
                asm.raw(new Instruction(JMP32 | JA, 0, 0, 0, imm32(t)));
            } else {
                asm.gotol(t);
            }
            return;
        }
        if (mnemonic.equals("lddw")) {
            count(mnemonic, ops, 2);
            asm.lddw(reg(ops.get(0)), imm64(ops.get(1)));
            return;
        }
        if (mnemonic.startsWith("neg")) {
            Boolean wide = width(mnemonic.substring(3));
            if (wide != null) {
                count(mnemonic, ops, 1);
                if (wide) asm.neg64(reg(ops.get(0))); else asm.neg32(reg(ops.get(0)));
                return;
            }
        }
        if (byteSwap(asm, mnemonic, ops)) return;
        if (mnemonic.startsWith("movsx")) {
            movsx(asm, mnemonic, ops);
            return;
        }
        if (memory(asm, mnemonic, ops)) return;
        if (jump(asm, mnemonic, ops, state)) return;
        if (alu(asm, mnemonic, ops)) return;
        throw new IllegalArgumentException("Invalid mnemonic '" + mnemonic + "'");
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }

    private static List<String> operands(String rest) {
        List<String> out = new ArrayList<>();
        if (rest.isEmpty()) return out;
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : rest.toCharArray()) {
            if (c == '[') depth++;
            if (c == ']') depth--;
            if (c == ',' && depth == 0) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().trim());
        for (String o : out) if (o.isEmpty()) throw new IllegalArgumentException("empty operand");
        return out;
    }

    private static void count(String mnemonic, List<String> ops, int n) {
        if (ops.size() != n) {
            throw new IllegalArgumentException("Invalid number of operands for " + mnemonic + ": expected " + n
                    + ", got " + ops.size());
        }
    }

    /** "" and "64" → true (64-bit), "32" → false, anything else → null. */
    private static Boolean width(String suffix) {
        return switch (suffix) {
            case "", "64" -> Boolean.TRUE;
            case "32" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static boolean alu(Asm asm, String mnemonic, List<String> ops) {
        for (var e : ALU_OPS.entrySet()) {
            if (!mnemonic.startsWith(e.getKey())) continue;
            Boolean wide = width(mnemonic.substring(e.getKey().length()));
            if (wide == null) continue;
            count(mnemonic, ops, 2);
            boolean signed = e.getKey().equals("sdiv") || e.getKey().equals("smod");
            Register dst = reg(ops.get(0));
            String srcText = ops.get(1);
            int cls = wide ? ALU64 : ALU;
            if (isRegister(srcText)) {
                asm.raw(new Instruction(cls | e.getValue() | X, dst.number(), reg(srcText).number(), signed ? 1 : 0, 0));
            } else {
                asm.raw(new Instruction(cls | e.getValue() | K, dst.number(), 0, signed ? 1 : 0, imm32(srcText)));
            }
            return true;
        }
        return false;
    }

    private static boolean byteSwap(Asm asm, String mnemonic, List<String> ops) {
        String[] kinds = {"be", "le", "bswap", "swap"};
        for (String k : kinds) {
            if (!mnemonic.startsWith(k)) continue;
            String bits = mnemonic.substring(k.length());
            if (!bits.equals("16") && !bits.equals("32") && !bits.equals("64")) continue;
            count(mnemonic, ops, 1);
            Register dst = reg(ops.get(0));
            int b = Integer.parseInt(bits);
            switch (k) {
                case "be" -> asm.toBe(dst, b);
                case "le" -> asm.toLe(dst, b);
                default -> asm.bswap(dst, b);
            }
            return true;
        }
        return false;
    }

    private static void movsx(Asm asm, String mnemonic, List<String> ops) {
        String spec = mnemonic.substring(5);
        int from;
        boolean wide;
        switch (spec) {
            case "832" -> { from = 8; wide = false; }
            case "1632" -> { from = 16; wide = false; }
            case "864" -> { from = 8; wide = true; }
            case "1664" -> { from = 16; wide = true; }
            case "3264" -> { from = 32; wide = true; }
            default -> throw new IllegalArgumentException("Invalid mnemonic '" + mnemonic + "'");
        }
        count(mnemonic, ops, 2);
        if (!isRegister(ops.get(1))) throw new IllegalArgumentException(mnemonic + " takes a register source");
        if (wide) asm.movsx64(reg(ops.get(0)), reg(ops.get(1)), from);
        else asm.movsx32(reg(ops.get(0)), reg(ops.get(1)), from);
    }

    private static boolean memory(Asm asm, String mnemonic, List<String> ops) {
        if (mnemonic.startsWith("ldabs") || mnemonic.startsWith("ldind")) {
            Integer size = SIZES.get(mnemonic.substring(5));
            if (size == null || size == DW) return false;
            int bytes = sizeBytes(size);
            if (mnemonic.startsWith("ldabs")) {
                count(mnemonic, ops, 1);
                asm.ldAbs(bytes, imm32(ops.get(0)));
            } else {
                count(mnemonic, ops, 2);
                asm.ldInd(bytes, reg(ops.get(0)), imm32(ops.get(1)));
            }
            return true;
        }
        if (mnemonic.startsWith("ldxs")) {
            Integer size = SIZES.get(mnemonic.substring(4));
            if (size != null && size != DW) {
                count(mnemonic, ops, 2);
                Mem m = mem(ops.get(1));
                asm.raw(new Instruction(LDX | size | MEMSX, reg(ops.get(0)).number(), m.reg.number(), m.offset, 0));
                return true;
            }
        }
        if (mnemonic.startsWith("ldx")) {
            Integer size = SIZES.get(mnemonic.substring(3));
            if (size == null) return false;
            count(mnemonic, ops, 2);
            Mem m = mem(ops.get(1));
            asm.raw(new Instruction(LDX | size | MEM, reg(ops.get(0)).number(), m.reg.number(), m.offset, 0));
            return true;
        }
        if (mnemonic.startsWith("stx")) {
            Integer size = SIZES.get(mnemonic.substring(3));
            if (size == null) return false;
            count(mnemonic, ops, 2);
            Mem m = mem(ops.get(0));
            asm.raw(new Instruction(STX | size | MEM, m.reg.number(), reg(ops.get(1)).number(), m.offset, 0));
            return true;
        }
        if (mnemonic.startsWith("st")) {
            Integer size = SIZES.get(mnemonic.substring(2));
            if (size == null) return false;
            count(mnemonic, ops, 2);
            Mem m = mem(ops.get(0));
            asm.raw(new Instruction(ST | size | MEM, m.reg.number(), 0, m.offset, imm32(ops.get(1))));
            return true;
        }
        return false;
    }

    private static boolean jump(Asm asm, String mnemonic, List<String> ops, State state) {
        for (var e : JUMPS.entrySet()) {
            if (!mnemonic.startsWith(e.getKey())) continue;
            Boolean wide = width(mnemonic.substring(e.getKey().length()));
            if (wide == null) continue;
            count(mnemonic, ops, 3);
            Register dst = reg(ops.get(0));
            String t = state.target(ops.get(2));
            int cls = wide ? JMP : JMP32;
            boolean x = isRegister(ops.get(1));
            if (isNumericOffset(t)) {
                asm.raw(x ? new Instruction(cls | e.getValue() | X, dst.number(), reg(ops.get(1)).number(), offset16(t), 0)
                        : new Instruction(cls | e.getValue() | K, dst.number(), 0, offset16(t), imm32(ops.get(1))));
            } else if (x) {
                asm.jump(e.getValue(), wide, dst, reg(ops.get(1)), t);
            } else {
                asm.jump(e.getValue(), wide, dst, imm32(ops.get(1)), t);
            }
            return true;
        }
        return false;
    }

    private static void call(Asm asm, String rest) {
        String[] words = rest.trim().split("\\s+");
        if (rest.isBlank()) throw new IllegalArgumentException("Invalid number of operands for call");
        if (words[0].equalsIgnoreCase("local")) {
            if (words.length != 2) throw new IllegalArgumentException("Invalid number of operands for call local");
            if (isNumericOffset(words[1])) {
                asm.raw(new Instruction(JMP | CALL, 0, PSEUDO_CALL, 0, imm32(words[1])));
            } else {
                asm.callLocal(words[1]);
            }
            return;
        }
        if (words.length != 1) throw new IllegalArgumentException("Invalid number of operands for call");
        if (isRegister(words[0])) asm.callx(reg(words[0]));
        else asm.call(imm32(words[0]));
    }

    private static void lock(Asm asm, String rest) {
        int bracket = rest.indexOf('[');
        if (bracket < 0) throw new IllegalArgumentException("Invalid number of operands for lock");
        String[] words = rest.substring(0, bracket).trim().toLowerCase(Locale.ROOT).split("\\s+");
        List<String> ops = operands(rest.substring(bracket));
        if (ops.size() != 2 || words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException("Invalid number of operands for lock");
        }
        boolean fetch = words[0].equals("fetch");
        if (fetch && words.length != 2 || !fetch && words.length != 1) {
            throw new IllegalArgumentException("Invalid number of operands for lock");
        }
        String op = words[words.length - 1];
        boolean wide = true;
        if (op.endsWith("32")) {
            wide = false;
            op = op.substring(0, op.length() - 2);
        } else if (op.endsWith("64")) {
            op = op.substring(0, op.length() - 2);
        }
        Integer code = ATOMIC_OPS.get(op);
        if (code == null) throw new IllegalArgumentException("Invalid atomic operation '" + op + "'");
        if (fetch && (code == XCHG || code == CMPXCHG)) {
            throw new IllegalArgumentException("'fetch' is implied by " + op);
        }
        if (fetch) code |= FETCH;
        Mem m = mem(ops.get(0));
        asm.atomic(wide ? 8 : 4, code, m.reg, m.offset, reg(ops.get(1)));
    }

    private record Mem(Register reg, int offset) {
    }

    private static Mem mem(String text) {
        Matcher m = MEMORY.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("Invalid memory operand '" + text + "'");
        Register r = reg(m.group(1));
        int off = 0;
        if (m.group(2) != null) {
            long v = parse(m.group(3));
            if (m.group(2).equals("-")) v = -v;
            if (v < -32768 || v > 65535) throw new IllegalArgumentException("Offset " + v + " out of 16-bit range");
            off = (short) v;
        }
        return new Mem(r, off);
    }

    private static boolean isRegister(String s) {
        return s.startsWith("%") || s.matches("r\\d+");
    }

    private static Register reg(String s) {
        String t = s.startsWith("%") ? s.substring(1) : s;
        if (!t.matches("r\\d{1,3}")) throw new IllegalArgumentException("Invalid register '" + s + "'");
        int n = Integer.parseInt(t.substring(1));
        if (n > 10) throw new IllegalArgumentException("Invalid register '" + s + "'");
        return Register.of(n);
    }

    private static boolean isNumericOffset(String s) {
        return s.matches("[+-]\\s*(0x[0-9a-fA-F]+|\\d+)");
    }

    private static int offset16(String s) {
        long v = parse(s.replace(" ", ""));
        if (v < -32768 || v > 32767) throw new IllegalArgumentException("Jump offset " + v + " out of 16-bit range");
        return (int) v;
    }

    /** A signed integer in decimal or 0x hex, optionally signed. */
    private static long parse(String s) {
        String t = s.trim();
        boolean neg = false;
        if (t.startsWith("+") || t.startsWith("-")) {
            neg = t.startsWith("-");
            t = t.substring(1).trim();
        }
        BigInteger v;
        try {
            v = t.toLowerCase(Locale.ROOT).startsWith("0x") ? new BigInteger(t.substring(2), 16) : new BigInteger(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid number '" + s + "'");
        }
        if (v.bitLength() > 63) throw new IllegalArgumentException("Number '" + s + "' out of range");
        return neg ? -v.longValue() : v.longValue();
    }

    /** A 32-bit immediate: signed decimal, or hex up to 0xffffffff (taken as its 32-bit pattern). */
    private static int imm32(String s) {
        String t = s.trim();
        boolean hex = t.replaceFirst("^[+-]", "").trim().toLowerCase(Locale.ROOT).startsWith("0x");
        long v = parse(t);
        if (hex) {
            if (v < -0x80000000L || v > 0xffffffffL) throw new IllegalArgumentException("Immediate " + s + " out of 32-bit range");
        } else if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Immediate " + s + " out of 32-bit range");
        }
        return (int) v;
    }

    /** Any 64-bit value: signed, or unsigned up to 2^64-1. */
    private static long imm64(String s) {
        String t = s.trim();
        boolean neg = t.startsWith("-");
        String body = t.replaceFirst("^[+-]", "").trim();
        BigInteger v;
        try {
            v = body.toLowerCase(Locale.ROOT).startsWith("0x") ? new BigInteger(body.substring(2), 16)
                    : new BigInteger(body);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid number '" + s + "'");
        }
        if (neg) v = v.negate();
        if (v.bitLength() > 64 || (v.signum() < 0 && v.bitLength() > 63)) {
            throw new IllegalArgumentException("Immediate " + s + " out of 64-bit range");
        }
        return v.longValue();
    }
}
