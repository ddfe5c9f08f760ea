package dev.ebpf4j.cli.output;

/**
 * Hex formatting in bpftool's styles: bytes separated by a string ({@code "01 00 00 00"}) and the offset/hex/ASCII
 * dump {@code prog run} prints for output data written to standard output.
 *
 * <pre>{@code
 * Hex.bytes(new byte[] {1, 0, 0, 0}, 0, 4, " ");   // "01 00 00 00"
 * }</pre>
 */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Two lowercase hex digits. */
    public static String byteHex(byte b) {
        return new String(new char[] {DIGITS[(b >> 4) & 0xf], DIGITS[b & 0xf]});
    }

    /** {@code length} bytes from {@code offset} as two-digit hex, joined by {@code separator}. */
    public static String bytes(byte[] data, int offset, int length, String separator) {
        StringBuilder sb = new StringBuilder(length * (2 + separator.length()));
        for (int i = 0; i < length; i++) {
            if (i > 0) sb.append(separator);
            byte b = data[offset + i];
            sb.append(DIGITS[(b >> 4) & 0xf]).append(DIGITS[b & 0xf]);
        }
        return sb.toString();
    }

    /** All of {@code data} as two-digit hex joined by {@code separator}. */
    public static String bytes(byte[] data, String separator) {
        return bytes(data, 0, data.length, separator);
    }

    /**
     * A dump of 16 bytes per line: a 7-digit offset, a tab, hex in pairs, {@code "| "}, and the bytes as ASCII
     * ({@code '.'} for unprintable ones), as {@code bpftool prog run ... data_out -} prints.
     */
    public static String dump(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < data.length; i += 16) {
            String off = Integer.toHexString(i);
            sb.append("0".repeat(Math.max(0, 7 - off.length()))).append(off).append('\t');
            int j = i;
            for (; j < i + 16 && j < data.length; j++) {
                sb.append(byteHex(data[j]));
                if (j % 2 != 0) sb.append(' ');
            }
            for (; j < i + 16; j++) {
                sb.append("  ");
                if (j % 2 != 0) sb.append(' ');
            }
            sb.append("| ");
            for (j = i; j < i + 16 && j < data.length; j++) {
                int c = data[j];
                sb.append(c < ' ' || c > '~' ? '.' : (char) c);
                if (j == i + 7) sb.append(' ');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
