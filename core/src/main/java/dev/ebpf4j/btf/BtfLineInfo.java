package dev.ebpf4j.btf;

/**
 * A {@code .BTF.ext} line_info record: the instruction at {@code insnOffset} (bytes from the section start in an
 * object file) comes from {@code fileName}:{@code lineNumber}:{@code column}, whose source text is {@code line}.
 * The encoding packs line and column as {@code line << 10 | column}.
 *
 * <pre>{@code
 * System.out.println(li.fileName() + ":" + li.lineNumber() + "  " + li.line());
 * }</pre>
 */
public record BtfLineInfo(int insnOffset, String fileName, String line, int lineNumber, int column) {
    public BtfLineInfo {
        Checks.name(fileName);
        Checks.name(line);
    }

    /** The encoded line/column word. */
    public int lineColumn() {
        return lineNumber << 10 | (column & 0x3ff);
    }
}
