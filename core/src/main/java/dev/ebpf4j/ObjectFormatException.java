package dev.ebpf4j;

/**
 * Malformed input: an ELF object, BTF blob or instruction stream that cannot be parsed. Names the section (or
 * structure) and the byte offset of the problem.
 *
 * <pre>{@code
 * try { Instructions.decode(bytes); }
 * catch (ObjectFormatException e) { System.err.println(e.section() + " @ " + e.offset() + ": " + e.getMessage()); }
 * }</pre>
 */
public class ObjectFormatException extends BpfException {
    private final String section;
    private final long offset;

    public ObjectFormatException(String section, long offset, String problem) {
        this(section, offset, problem, null);
    }

    public ObjectFormatException(String section, long offset, String problem, Throwable cause) {
        super(where(section, offset) + problem, 0, cause);
        this.section = section;
        this.offset = offset;
    }

    private ObjectFormatException(String message, String section, long offset, Throwable cause) {
        super(message, 0, cause);
        this.section = section;
        this.offset = offset;
    }

    private static String where(String section, long offset) {
        if (section == null) return offset >= 0 ? "at offset " + offset + ": " : "";
        return offset >= 0 ? section + " at offset " + offset + ": " : section + ": ";
    }

    /** The section or structure the problem is in, e.g. {@code ".BTF"}; may be null. */
    public String section() {
        return section;
    }

    /** The byte offset of the problem within the section (or file), or -1 when not known. */
    public long offset() {
        return offset;
    }

    @Override
    public ObjectFormatException withContext(String context) {
        return new ObjectFormatException(context + ": " + getMessage(), section, offset, this);
    }
}
