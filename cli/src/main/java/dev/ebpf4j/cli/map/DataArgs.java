package dev.ebpf4j.cli.map;

import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;

import java.io.ByteArrayOutputStream;

/**
 * bpftool's DATA: bytes given one per word, in decimal (or {@code 0x..} hex, {@code 0..} octal) by default, or in hex
 * after the keyword {@code hex}: {@code key 1 0 0 0}, {@code key hex 01 00 00 00}, {@code value 0x2a 0 0 0}. Bytes are
 * read until a word that is not a byte (the next keyword), so a wrong count reaches the map's own size check.
 *
 * <pre>{@code
 * byte[] key = DataArgs.bytes(words, "key");   // words: "hex", "01", "00", "00", "00", "value", ...
 * }</pre>
 */
public final class DataArgs {
    private DataArgs() {
    }

    /** Reads DATA after the keyword {@code what} ("key", "value"). */
    public static byte[] bytes(Words words, String what) {
        boolean hex = words.take("hex");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!words.atEnd()) {
            String w = words.peek();
            long v = hex ? Words.parseHex(w) : Words.parseNumber(w);
            if (v < 0) break;
            if (v > 255) {
                throw new UsageException("error parsing byte: " + w + " (each word of " + what + " DATA is one byte, "
                        + "0-255" + (hex ? " / 00-ff" : "") + ")");
            }
            out.write((int) v);
            words.next(what);
        }
        if (out.size() == 0) {
            throw new UsageException("missing " + what + " bytes" + (words.atEnd() ? "" : ", got '" + words.peek() + "'")
                    + " (DATA := { [hex] BYTES })");
        }
        return out.toByteArray();
    }
}
