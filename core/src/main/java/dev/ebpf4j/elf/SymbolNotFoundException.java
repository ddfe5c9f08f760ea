package dev.ebpf4j.elf;

import dev.ebpf4j.BpfArgumentException;

import java.util.List;

/**
 * A symbol asked for by name is not defined in an ELF file. The message names the file and lists similar names;
 * {@link #nearby()} returns them for programmatic use.
 *
 * <pre>{@code
 * try { ElfSymbols.fileOffset(Path.of("/usr/bin/bash"), "readlien"); }
 * catch (SymbolNotFoundException e) { System.err.println(e.getMessage()); }
 * // symbol 'readlien' not found in /usr/bin/bash; nearby: readline, ...
 * }</pre>
 */
public class SymbolNotFoundException extends BpfArgumentException {
    private final String symbol;
    private final String file;
    private final List<String> nearby;

    public SymbolNotFoundException(String symbol, String file, String message, List<String> nearby) {
        super(message);
        this.symbol = symbol;
        this.file = file;
        this.nearby = List.copyOf(nearby);
    }

    /** The name that was looked up. */
    public String symbol() {
        return symbol;
    }

    /** The file it was looked up in. */
    public String file() {
        return file;
    }

    /** Defined names similar to {@link #symbol()}, most similar first (possibly empty). */
    public List<String> nearby() {
        return nearby;
    }
}
