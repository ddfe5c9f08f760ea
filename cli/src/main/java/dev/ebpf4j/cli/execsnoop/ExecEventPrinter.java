package dev.ebpf4j.cli.execsnoop;

import dev.ebpf4j.RecordBytes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;

/**
 * Prints execsnoop's lines byte for byte as libbpf-tools' execsnoop does: the header
 * ({@code PCOMM            PID    PPID   RET ARGS}, preceded by the optional TIME, TIME(s) and UID columns) and one
 * line per event, arguments as raw bytes (separated by spaces, or quoted with {@code -q}) and {@code " ..."} when
 * arguments were left out. Each line is written and flushed at once. The record layout is
 * {@code struct exec_event} of src/main/bpf/execsnoop.h. One line buffer is reused: nothing is allocated per event
 * except with {@code -T} (the clock reading).
 *
 * <pre>{@code
 * ExecEventPrinter p = new ExecEventPrinter(options, System.out, System.nanoTime());
 * p.printHeader();
 * p.print(record);        // "true             4242   4200     0 /bin/true x y \n"
 * }</pre>
 */
public final class ExecEventPrinter {
    static final int PID = 0;
    static final int PPID = 4;
    static final int UID = 8;
    static final int RETVAL = 12;
    static final int ARGS_COUNT = 16;
    static final int ARGS_SIZE = 20;
    static final int COMM = 24;
    static final int COMM_SIZE = 16;
    static final int ARGS = 40;
    static final int ARGS_BYTES = ExecsnoopOptions.MAX_ARGS_LIMIT * 128;

    private final ExecsnoopOptions options;
    private final OutputStream out;
    private final long startNanos;
    private final byte[] name;
    private final byte[] line;
    private byte[] buf = new byte[512];
    private int len;

    /** {@code startNanos}: the {@link System#nanoTime()} that {@code -t} counts from. */
    public ExecEventPrinter(ExecsnoopOptions options, OutputStream out, long startNanos) {
        this.options = options;
        this.out = out;
        this.startNanos = startNanos;
        this.name = options.name() == null ? null : options.name().getBytes(StandardCharsets.UTF_8);
        this.line = options.line() == null ? null : options.line().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the header line. */
    public void printHeader() throws IOException {
        len = 0;
        if (options.time()) padRight("TIME", 9);
        if (options.timestamp()) {
            padRight("TIME(s)", 8);
            put((byte) ' ');
        }
        if (options.printUid()) {
            padRight("UID", 6);
            put((byte) ' ');
        }
        padRight("PCOMM", 16);
        put((byte) ' ');
        padRight("PID", 6);
        put((byte) ' ');
        padRight("PPID", 6);
        put((byte) ' ');
        put("RET");
        put((byte) ' ');
        put("ARGS");
        put((byte) '\n');
        flush();
    }

    /** Writes the line for one event, unless the {@code -n}/{@code -l} filters drop it; returns whether it did. */
    public boolean print(RecordBytes e) throws IOException {
        if (e.length() < ARGS) return false;
        int commLen = cStringLength(e, COMM, COMM_SIZE);
        int argsSize = (int) Math.min(Math.max(0, e.getInt(ARGS_SIZE)), Math.min(ARGS_BYTES, e.length() - ARGS));
        if (name != null && !contains(e, COMM, commLen, name)) return false;
        if (line != null && !contains(e, ARGS, argsSize, line)) return false;
        len = 0;
        if (options.time()) {
            LocalTime t = LocalTime.now();
            twoDigits(t.getHour());
            put((byte) ':');
            twoDigits(t.getMinute());
            put((byte) ':');
            twoDigits(t.getSecond());
            put((byte) ' ');
        }
        if (options.timestamp()) seconds(System.nanoTime() - startNanos);
        if (options.printUid()) padRight(e.getInt(UID), 6);
        int start = len;
        for (int i = 0; i < commLen; i++) put(e.getByte(COMM + i));
        pad(start, 16);
        put((byte) ' ');
        padRight(e.getInt(PID), 6);
        put((byte) ' ');
        padRight(e.getInt(PPID), 6);
        put((byte) ' ');
        padLeft(e.getInt(RETVAL), 3);
        put((byte) ' ');
        arguments(e, argsSize, e.getInt(ARGS_COUNT));
        put((byte) '\n');
        flush();
        return true;
    }

    private void arguments(RecordBytes e, int size, int count) {
        boolean quote = options.quote();
        if (quote) put((byte) '"');
        int seen = 0;
        for (int i = 0; i < size && seen < count; i++) {
            byte c = e.getByte(ARGS + i);
            if (c == 0) {
                seen++;
                if (quote) {
                    put((byte) '"');
                    put((byte) ' ');
                    if (seen < count) put((byte) '"');
                } else {
                    put((byte) ' ');
                }
            } else if (quote && c == '"') {
                put((byte) '\\');
                put((byte) '"');
            } else if (quote && c == '\t') {
                put((byte) '\\');
                put((byte) 't');
            } else if (quote && c == '\n') {
                put((byte) '\\');
                put((byte) 'n');
            } else {
                put(c);
            }
        }
        if (count == options.maxArgs() + 1) put(" ...");
    }

    private static int cStringLength(RecordBytes e, int offset, int max) {
        int n = 0;
        while (n < max && e.getByte(offset + n) != 0) n++;
        return n;
    }

    /** strstr over the record's bytes (NULs included for arguments, where they separate arguments). */
    private static boolean contains(RecordBytes e, int offset, int size, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= size; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (e.getByte(offset + i + k) != needle[k]) continue outer;
            }
            return true;
        }
        return needle.length == 0;
    }

    /** {@code printf("%-8.3f", seconds)}. */
    private void seconds(long nanos) {
        int start = len;
        long millis = Math.round(nanos / 1e6);
        number(millis / 1000);
        put((byte) '.');
        long frac = millis % 1000;
        put((byte) ('0' + frac / 100));
        put((byte) ('0' + frac / 10 % 10));
        put((byte) ('0' + frac % 10));
        pad(start, 8);
    }

    private void twoDigits(int v) {
        put((byte) ('0' + v / 10));
        put((byte) ('0' + v % 10));
    }

    /** {@code %-Nd}. */
    private void padRight(int v, int width) {
        int start = len;
        number(v);
        pad(start, width);
    }

    /** {@code %Nd}. */
    private void padLeft(int v, int width) {
        int start = len;
        number(v);
        int used = len - start;
        if (used >= width) return;
        int shift = width - used;
        ensure(shift);
        System.arraycopy(buf, start, buf, start + shift, used);
        for (int i = 0; i < shift; i++) buf[start + i] = ' ';
        len += shift;
    }

    /** {@code %-Ns}. */
    private void padRight(String s, int width) {
        int start = len;
        put(s);
        pad(start, width);
    }

    private void pad(int start, int width) {
        while (len - start < width) put((byte) ' ');
    }

    private void number(long v) {
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        int start = len;
        do {
            put((byte) ('0' + v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void put(String s) {
        for (int i = 0; i < s.length(); i++) put((byte) s.charAt(i));
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int n) {
        if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    private void flush() throws IOException {
        out.write(buf, 0, len);
        out.flush();
    }
}
