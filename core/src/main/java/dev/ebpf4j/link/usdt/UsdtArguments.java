package dev.ebpf4j.link.usdt;

import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectFormatException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a USDT probe's argument specification — space-separated {@code SIZE@LOCATION} operands, SIZE one of
 * {@code 1 2 4 8} (negative for signed values) and LOCATION an operand in the assembler syntax of the binary's
 * architecture — into {@link UsdtArgument}s.
 *
 * <table>
 * <caption>Forms understood</caption>
 * <tr><th></th><th>x86-64</th><th>aarch64</th></tr>
 * <tr><td>register</td><td>{@code -4@%edi}, {@code 1@%al}, {@code 8@%r12}</td><td>{@code -8@x4}, {@code -4@w1}</td></tr>
 * <tr><td>memory at register + offset</td><td>{@code 8@-16(%rbp)}, {@code -8@(%rax)}</td>
 *     <td>{@code -4@[sp, 96]}, {@code 8@[x0]}</td></tr>
 * <tr><td>constant</td><td>{@code 4@$5}, {@code -4@$-7}</td><td>{@code 4@5}, {@code 4@#5}</td></tr>
 * </table>
 *
 * <p>Malformed specifications (a bad size, an unknown register, trailing garbage) raise
 * {@link ObjectFormatException} saying which argument and why. Valid operands that {@code <bpf/usdt.bpf.h>} cannot
 * describe — x86 scaled-index addressing ({@code 8@-8(%rbp,%rax,8)}) and symbol-relative operands
 * ({@code 4@counter(%rip)}) — raise {@link NotSupportedException}.
 *
 * <pre>{@code
 * List<UsdtArgument> args = UsdtArguments.parse("-4@%esi -4@-24(%rbp) 2@%ax 8@$42", UsdtArchitecture.X86_64);
 * }</pre>
 */
public final class UsdtArguments {
    private static final Pattern SIZED = Pattern.compile("(-?)([0-9]+)@(.+)", Pattern.DOTALL);
    private static final Pattern INTEGER = Pattern.compile("[-+]?(0[xX][0-9a-fA-F]+|[0-9]+)");
    private static final Pattern X86_MEMORY = Pattern.compile("([^(]*)\\((.*)\\)");
    private static final Pattern ARM_MEMORY = Pattern.compile("\\[\\s*([a-z0-9]+)\\s*(?:,\\s*#?\\s*([^\\]\\s]+)\\s*)?]");

    private UsdtArguments() {
    }

    /**
     * The arguments of {@code spec} (empty for an empty or blank specification).
     *
     * @throws ObjectFormatException  when the specification is malformed
     * @throws NotSupportedException when an operand is valid but cannot be described to {@code usdt.bpf.h}
     */
    public static List<UsdtArgument> parse(String spec, UsdtArchitecture arch) {
        List<String> operands = split(spec);
        List<UsdtArgument> out = new ArrayList<>(operands.size());
        for (int i = 0; i < operands.size(); i++) out.add(parseOne(operands.get(i), i, spec, arch));
        return Collections.unmodifiableList(out);
    }

    /** Splits at white space outside brackets (aarch64 memory operands contain ", "). */
    static List<String> split(String spec) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '[' || c == '(') depth++;
            if (c == ']' || c == ')') depth = Math.max(0, depth - 1);
            if (Character.isWhitespace(c) && depth == 0) {
                if (!cur.isEmpty()) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) out.add(cur.toString());
        return out;
    }

    private static UsdtArgument parseOne(String text, int index, String spec, UsdtArchitecture arch) {
        Matcher m = SIZED.matcher(text);
        if (!m.matches()) throw malformed(text, index, spec, "expected SIZE@LOCATION, such as -4@%edi");
        int size;
        try {
            size = Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw malformed(text, index, spec, "size " + m.group(1) + m.group(2) + " is not 1, 2, 4 or 8 (negative "
                    + "for signed values)");
        }
        boolean signed = !m.group(1).isEmpty();
        String location = m.group(3).strip();
        return switch (arch) {
            case X86_64 -> x86(text, index, spec, size, signed, location, arch);
            case AARCH64 -> aarch64(text, index, spec, size, signed, location, arch);
        };
    }

    private static UsdtArgument x86(String text, int i, String spec, int size, boolean signed, String loc,
                                    UsdtArchitecture arch) {
        if (loc.startsWith("%")) {
            String reg = loc.substring(1);
            return new UsdtArgument(text, UsdtArgument.Kind.REGISTER, size, signed, reg,
                    register(arch, reg, text, i, spec), 0);
        }
        if (loc.startsWith("$")) {
            String value = loc.substring(1);
            if (!INTEGER.matcher(value).matches()) {
                if (value.matches("[A-Za-z_.$][A-Za-z0-9_.$@+-]*")) throw symbolic(text, i, spec);
                throw malformed(text, i, spec, "constant '" + value + "' is not an integer");
            }
            return new UsdtArgument(text, UsdtArgument.Kind.CONSTANT, size, signed, null, 0,
                    integer(value, text, i, spec));
        }
        Matcher mem = X86_MEMORY.matcher(loc);
        if (mem.matches()) {
            String displacement = mem.group(1).strip();
            String[] parts = mem.group(2).split(",", -1);
            if (parts.length > 1) {
                throw NotSupportedException.notImplemented("USDT arguments with scaled-index addressing",
                        argument(text, i, spec) + ": base + index * scale operands have no representation in "
                        + "<bpf/usdt.bpf.h>'s struct __bpf_usdt_arg_spec (libbpf 1.1 layout); read the value with "
                        + "bpf_probe_read_user() from the registers yourself");
            }
            String base = parts[0].strip();
            if (!base.startsWith("%")) throw malformed(text, i, spec, "memory operand base '" + base + "' is not a "
                    + "register");
            String reg = base.substring(1);
            long offset = 0;
            if (!displacement.isEmpty()) {
                if (!INTEGER.matcher(displacement).matches()) {
                    if (displacement.matches("[A-Za-z_.$][A-Za-z0-9_.$@+-]*")) throw symbolic(text, i, spec);
                    throw malformed(text, i, spec, "displacement '" + displacement + "' is not an integer");
                }
                offset = integer(displacement, text, i, spec);
            }
            return new UsdtArgument(text, UsdtArgument.Kind.REGISTER_DEREF, size, signed, reg,
                    register(arch, reg, text, i, spec), offset);
        }
        throw malformed(text, i, spec, "location '" + loc + "' is not %REGISTER, $CONSTANT or OFFSET(%REGISTER)");
    }

    private static UsdtArgument aarch64(String text, int i, String spec, int size, boolean signed, String loc,
                                        UsdtArchitecture arch) {
        if (loc.startsWith("[")) {
            Matcher mem = ARM_MEMORY.matcher(loc);
            if (!mem.matches()) throw malformed(text, i, spec, "memory operand '" + loc + "' is not [REGISTER] or "
                    + "[REGISTER, OFFSET]");
            String reg = mem.group(1);
            long offset = 0;
            if (mem.group(2) != null) {
                if (!INTEGER.matcher(mem.group(2)).matches()) {
                    throw malformed(text, i, spec, "offset '" + mem.group(2) + "' is not an integer");
                }
                offset = integer(mem.group(2), text, i, spec);
            }
            return new UsdtArgument(text, UsdtArgument.Kind.REGISTER_DEREF, size, signed, reg,
                    register(arch, reg, text, i, spec), offset);
        }
        String value = loc.startsWith("#") ? loc.substring(1) : loc;
        if (INTEGER.matcher(value).matches()) {
            return new UsdtArgument(text, UsdtArgument.Kind.CONSTANT, size, signed, null, 0,
                    integer(value, text, i, spec));
        }
        if (loc.matches("[a-z][a-z0-9]*")) {
            return new UsdtArgument(text, UsdtArgument.Kind.REGISTER, size, signed, loc,
                    register(arch, loc, text, i, spec), 0);
        }
        throw malformed(text, i, spec, "location '" + loc + "' is not REGISTER, CONSTANT or [REGISTER, OFFSET]");
    }

    private static int register(UsdtArchitecture arch, String name, String text, int i, String spec) {
        var off = arch.registerOffset(name);
        if (off.isPresent()) return off.getAsInt();
        if (arch == UsdtArchitecture.X86_64 && name.matches("[abcd]h")) {
            throw NotSupportedException.notImplemented("USDT arguments in high-byte registers", argument(text, i, spec)
                    + ": %" + name + " is bits 8-15 of a register; <bpf/usdt.bpf.h> reads registers from bit 0");
        }
        throw malformed(text, i, spec, "unknown " + arch + " register '" + name + "'");
    }

    private static long integer(String value, String text, int i, String spec) {
        boolean negative = value.startsWith("-");
        String digits = value.startsWith("-") || value.startsWith("+") ? value.substring(1) : value;
        try {
            long magnitude = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
            if (negative && Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0) throw new NumberFormatException();
            return negative ? -magnitude : magnitude;
        } catch (NumberFormatException e) {
            throw malformed(text, i, spec, "integer '" + value + "' does not fit in 64 bits");
        }
    }

    private static String argument(String text, int i, String spec) {
        return "argument #" + i + " '" + text + "' of '" + spec + "'";
    }

    private static ObjectFormatException malformed(String text, int i, String spec, String problem) {
        return new ObjectFormatException(null, -1, "malformed USDT " + argument(text, i, spec) + ": " + problem);
    }

    private static NotSupportedException symbolic(String text, int i, String spec) {
        return NotSupportedException.notImplemented("USDT arguments relative to symbols", argument(text, i, spec)
                + " names a symbol; ebpf4j (like libbpf) describes only register, register + constant offset and "
                + "constant operands");
    }
}
