package dev.ebpf4j.cli;

import dev.ebpf4j.cli.output.JsonWriter;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * One run of the {@code ebpf4j} command: where output goes, the global options ({@code --json}, {@code --pretty},
 * {@code --debug}, {@code --bpffs}) and the JSON writer shared by everything that prints.
 *
 * <pre>{@code
 * if (session.json()) session.jsonWriter().nullValue(); else session.out().println("done");
 * }</pre>
 */
public final class Session {
    private final InputStream in;
    private final PrintStream bytesOut;
    private final PrintWriter out;
    private final PrintWriter err;
    private boolean json;
    private boolean pretty;
    private boolean debug;
    private boolean showPinned;
    private JsonWriter writer;

    /** {@code bytesOut} is the stream under {@code out}, for output that must be written as raw bytes. */
    public Session(InputStream in, PrintStream bytesOut, PrintWriter out, PrintWriter err) {
        this.in = in;
        this.bytesOut = bytesOut;
        this.out = out;
        this.err = err;
    }

    /** Applies the global options once they are parsed; {@code --pretty} implies {@code --json}, as in bpftool. */
    void configure(boolean jsonOption, boolean prettyOption, boolean debugOption, boolean bpffsOption) {
        this.json = jsonOption || prettyOption;
        this.pretty = prettyOption;
        this.debug = debugOption;
        this.showPinned = bpffsOption;
        this.writer = json ? new JsonWriter(out, pretty) : null;
    }

    public InputStream in() {
        return in;
    }

    public PrintWriter out() {
        return out;
    }

    /**
     * Standard output as a byte stream, for tools that print bytes as they come (execsnoop's arguments); flushes
     * {@link #out()} first so that output stays in order.
     */
    public PrintStream bytesOut() {
        out.flush();
        return bytesOut;
    }

    public PrintWriter err() {
        return err;
    }

    /** True with {@code -j/--json} or {@code -p/--pretty}. */
    public boolean json() {
        return json;
    }

    public boolean debug() {
        return debug;
    }

    /** True with {@code -f/--bpffs}: listings show where objects are pinned. */
    public boolean showPinned() {
        return showPinned;
    }

    /** The JSON writer; only in JSON mode. */
    public JsonWriter jsonWriter() {
        if (writer == null) throw new IllegalStateException("not in JSON mode");
        return writer;
    }

    /** The JSON writer or null in plain mode. */
    JsonWriter jsonWriterOrNull() {
        return writer;
    }

    /** bpftool's acknowledgement of a command that prints nothing: {@code null} in JSON mode, nothing otherwise. */
    public void done() {
        if (json) writer.nullValue();
    }

    /** A warning on stderr (plain mode only, as bpftool's p_info). */
    public void info(String message) {
        if (!json) err.println(message);
    }
}
