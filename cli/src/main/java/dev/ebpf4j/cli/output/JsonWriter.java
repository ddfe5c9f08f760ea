package dev.ebpf4j.cli.output;

import java.io.PrintWriter;

/**
 * A small streaming JSON writer that lays out output exactly as bpftool does: compact by default, bpftool's
 * four-space "pretty" layout with {@code -p} (members on their own lines, array elements written by {@link #raw}
 * kept on one line), commas handled automatically. Unlike bpftool it escapes strings as valid JSON.
 *
 * <pre>{@code
 * JsonWriter w = new JsonWriter(out, false);
 * w.startObject(); w.uintField("id", 4); w.stringField("type", "hash"); w.endObject();
 * w.finish();                     // {"id":4,"type":"hash"} and a newline
 * }</pre>
 */
public final class JsonWriter {
    private final PrintWriter out;
    private final boolean pretty;
    private final StringBuilder open = new StringBuilder();
    private boolean written;
    private int depth;
    private boolean needsComma;

    public JsonWriter(PrintWriter out, boolean pretty) {
        this.out = out;
        this.pretty = pretty;
    }

    public boolean pretty() {
        return pretty;
    }

    /** Open objects and arrays. */
    public int depth() {
        return depth;
    }

    /** True until anything was written. */
    public boolean isEmpty() {
        return !written;
    }

    public JsonWriter startObject() {
        return begin('{');
    }

    public JsonWriter endObject() {
        return end('}');
    }

    public JsonWriter startArray() {
        return begin('[');
    }

    public JsonWriter endArray() {
        return end(']');
    }

    /** A member name; the value follows. */
    public JsonWriter name(String name) {
        separate();
        newline();
        needsComma = false;
        quote(name);
        out.append(':');
        if (pretty) out.append(' ');
        return this;
    }

    /** A value written verbatim (a number, {@code true}, a pre-quoted string). */
    public JsonWriter raw(String value) {
        separate();
        out.append(value);
        return this;
    }

    public JsonWriter string(String value) {
        separate();
        quote(value);
        return this;
    }

    public JsonWriter uint(long value) {
        return raw(Long.toUnsignedString(value));
    }

    public JsonWriter integer(long value) {
        return raw(Long.toString(value));
    }

    public JsonWriter bool(boolean value) {
        return raw(value ? "true" : "false");
    }

    public JsonWriter nullValue() {
        return raw("null");
    }

    public JsonWriter stringField(String name, String value) {
        return name(name).string(value);
    }

    public JsonWriter uintField(String name, long value) {
        return name(name).uint(value);
    }

    public JsonWriter intField(String name, long value) {
        return name(name).integer(value);
    }

    public JsonWriter boolField(String name, boolean value) {
        return name(name).bool(value);
    }

    public JsonWriter nullField(String name) {
        return name(name).nullValue();
    }

    /** Bytes as an array of {@code "0x.."} strings, on one line (bpftool's hex data arrays). */
    public JsonWriter hexBytes(byte[] data, int offset, int length) {
        startArray();
        for (int i = 0; i < length; i++) raw("\"0x" + Hex.byteHex(data[offset + i]) + "\"");
        return endArray();
    }

    /** Bytes as an array of decimal numbers. */
    public JsonWriter decimalBytes(byte[] data) {
        startArray();
        for (byte b : data) raw(Integer.toString(b & 0xff));
        return endArray();
    }

    /** Forgets that a value was written at the top level, so the next one gets no comma (bpftool's jsonw_reset). */
    public void reset() {
        if (depth == 0) needsComma = false;
    }

    /** Closes everything still open (used before reporting an error in the middle of output). */
    public void closeAll() {
        while (depth > 0) end(open.charAt(open.length() - 1) == '{' ? '}' : ']');
    }

    /** Ends the document: a final newline, as bpftool writes when it exits. */
    public void finish() {
        out.append('\n');
        written = true;
    }

    private JsonWriter begin(char c) {
        separate();
        out.append(c);
        open.append(c);
        depth++;
        needsComma = false;
        return this;
    }

    private JsonWriter end(char c) {
        if (depth == 0) throw new IllegalStateException("JSON: nothing open to close with " + c);
        depth--;
        open.setLength(open.length() - 1);
        if (needsComma) newline();
        out.append(c);
        needsComma = true;
        return this;
    }

    private void separate() {
        written = true;
        if (needsComma) out.append(',');
        needsComma = true;
    }

    private void newline() {
        if (!pretty) return;
        out.append('\n');
        for (int i = 0; i < depth; i++) out.append("    ");
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '\b' -> out.append("\\b");
                default -> {
                    if (c < 0x20) out.append("\\u00").append(Hex.byteHex((byte) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
