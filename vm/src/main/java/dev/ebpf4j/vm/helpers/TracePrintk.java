package dev.ebpf4j.vm.helpers;

import java.nio.charset.StandardCharsets;

/**
 * Formats {@code bpf_trace_printk}'s format string with up to three arguments, as the kernel does for the common
 * conversions: {@code %d %i %u %x %X %c %p %%} with {@code l}/{@code ll}/{@code h} modifiers (strings are printed as
 * {@code (str)}: the VM does not follow pointers in trace output).
 *
 * <pre>{@code
 * TracePrintk.format("x=%d\n".getBytes(), new long[] {42});   // "x=42\n"
 * }</pre>
 */
public final class TracePrintk {
    private TracePrintk() {
    }

    public static String format(byte[] fmtBytes, long[] args) {
        int len = 0;
        while (len < fmtBytes.length && fmtBytes[len] != 0) len++;
        String fmt = new String(fmtBytes, 0, len, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        int arg = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                out.append(c);
                continue;
            }
            int j = i + 1;
            if (fmt.charAt(j) == '%') {
                out.append('%');
                i = j;
                continue;
            }
            int longs = 0;
            boolean half = false;
            while (j < fmt.length() && (fmt.charAt(j) == 'l' || fmt.charAt(j) == 'h')) {
                if (fmt.charAt(j) == 'l') longs++; else half = true;
                j++;
            }
            if (j >= fmt.length()) {
                out.append(fmt, i, j);
                break;
            }
            char conv = fmt.charAt(j);
            long v = arg < args.length ? args[arg] : 0;
            arg++;
            long value = longs > 0 ? v : half ? (short) v : (int) v;
            long unsignedValue = longs > 0 ? v : half ? v & 0xffff : v & 0xffffffffL;
            switch (conv) {
                case 'd', 'i' -> out.append(value);
                case 'u' -> out.append(Long.toUnsignedString(unsignedValue));
                case 'x' -> out.append(Long.toHexString(unsignedValue));
                case 'X' -> out.append(Long.toHexString(unsignedValue).toUpperCase(java.util.Locale.ROOT));
                case 'c' -> out.append((char) (v & 0xff));
                case 'p' -> out.append("0x").append(Long.toHexString(v));
                case 's' -> out.append("(str)");
                default -> out.append(fmt, i, j + 1);
            }
            i = j;
        }
        return out.toString();
    }
}
