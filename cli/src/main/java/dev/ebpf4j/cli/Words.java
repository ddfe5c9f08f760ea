package dev.ebpf4j.cli;

import java.util.List;

/**
 * A cursor over a command's words in bpftool's keyword grammar ({@code map update pinned /sys/fs/bpf/m key 1 0 0 0
 * value ...}). Keywords match by prefix as in bpftool ({@code pin} means {@code pinned}); numbers parse like C's
 * {@code strtoul(s, 0)}: decimal, {@code 0x} hex or leading-zero octal. Grammar mistakes raise
 * {@link UsageException}.
 *
 * <pre>{@code
 * Words w = new Words(List.of("id", "12"));
 * if (w.take("id")) { long id = w.number("ID"); }
 * w.end();
 * }</pre>
 */
public final class Words {
    private final List<String> words;
    private int next;

    public Words(List<String> words) {
        this.words = List.copyOf(words);
    }

    public boolean atEnd() {
        return next >= words.size();
    }

    /** Words not yet consumed. */
    public int remaining() {
        return words.size() - next;
    }

    /** The next word without consuming it, or null at the end. */
    public String peek() {
        return atEnd() ? null : words.get(next);
    }

    /** True when the next word is a (non-empty) prefix of {@code keyword}. */
    public boolean is(String keyword) {
        return !atEnd() && isPrefix(words.get(next), keyword);
    }

    /** Consumes the next word when it is {@code keyword} (or a prefix of it). */
    public boolean take(String keyword) {
        if (!is(keyword)) return false;
        next++;
        return true;
    }

    /** Consumes and returns the next word; {@code what} names it in the error when there is none. */
    public String next(String what) {
        if (atEnd()) throw new UsageException("missing " + what + (next == 0 ? "" : " after '" + words.get(next - 1) + "'"));
        return words.get(next++);
    }

    /** Consumes the next word as an unsigned number (C {@code strtoul} syntax) no larger than 2^32-1. */
    public long number(String what) {
        String s = next(what);
        long v = parseNumber(s);
        if (v < 0 || v > 0xffff_ffffL) throw new UsageException("can't parse " + s + " as " + what);
        return v;
    }

    /** Fails unless every word was consumed. */
    public void end() {
        if (!atEnd()) throw new UsageException("unexpected argument '" + peek() + "'");
    }

    /** bpftool's is_prefix: {@code word} is a non-empty prefix of {@code keyword}. */
    public static boolean isPrefix(String word, String keyword) {
        return !word.isEmpty() && keyword.startsWith(word);
    }

    /** Parses like {@code strtoul(s, NULL, 0)}; -1 when {@code s} is not entirely a number. */
    public static long parseNumber(String s) {
        int radix = 10;
        String digits = s;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            radix = 16;
            digits = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            digits = s.substring(1);
        }
        return parseDigits(digits, radix);
    }

    /** Parses like {@code strtoul(s, NULL, 16)} (an optional {@code 0x} prefix); -1 when not a number. */
    public static long parseHex(String s) {
        String digits = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
        return parseDigits(digits, 16);
    }

    private static long parseDigits(String digits, int radix) {
        if (digits.isEmpty() || digits.length() > 22) return -1;
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) return -1;
            v = v * radix + d;
            if (v > 0xffff_ffff_ffffL) return -1;
        }
        return v;
    }
}
