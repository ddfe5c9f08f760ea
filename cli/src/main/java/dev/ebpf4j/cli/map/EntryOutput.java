package dev.ebpf4j.cli.map;

import dev.ebpf4j.MapInfo;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.output.JsonWriter;

/**
 * Where map entries go, chosen as bpftool chooses: plain text; JSON (with {@code -j}, each entry in hex plus its
 * BTF-formatted form); or, in plain mode for maps that have BTF, bpftool's pretty JSON of the formatted entries.
 *
 * <pre>{@code
 * EntryOutput out = EntryOutput.forDump(session, allHaveBtf);
 * out.entry(info, format, key, value);
 * out.finish();
 * }</pre>
 */
final class EntryOutput {
    private final Session session;
    private final JsonWriter writer;
    private final boolean ownWriter;

    private EntryOutput(Session session, JsonWriter writer, boolean ownWriter) {
        this.session = session;
        this.writer = writer;
        this.ownWriter = ownWriter;
    }

    /** For {@code map dump}: BTF formatting in plain mode when every dumped map has BTF. */
    static EntryOutput forDump(Session session, boolean allHaveBtf) {
        if (session.json()) return new EntryOutput(session, session.jsonWriter(), false);
        if (allHaveBtf) return new EntryOutput(session, new JsonWriter(session.out(), true), true);
        return new EntryOutput(session, null, false);
    }

    /** For a single entry (lookup, pop): BTF formatting in plain mode when the map's BTF has a value type. */
    static EntryOutput forEntry(Session session, MapFormat format) {
        return forDump(session, format != null);
    }

    /** The JSON writer, or null for plain text. */
    JsonWriter writer() {
        return writer;
    }

    Session session() {
        return session;
    }

    void entry(MapInfo info, MapFormat format, byte[] key, byte[] value) {
        if (writer == null) {
            session.out().print(MapPrinter.entryPlain(info, key, value));
        } else if (ownWriter && format != null) {
            format.write(writer, key, value, true);
        } else {
            MapPrinter.entryJson(writer, info, key, value, format);
        }
    }

    /** Ends the output: the newline bpftool writes after its own JSON writer. */
    void finish() {
        if (ownWriter) {
            writer.closeAll();
            writer.finish();
        }
    }
}
