package dev.ebpf4j.cli;

/**
 * A command with its own usage text: the object groups ({@link CommandGroup}) and the top-level tools
 * ({@code veristat}, {@code execsnoop}). {@code help} and {@code -h} print it.
 *
 * <pre>{@code
 * public String usage(String bin) { return "Usage: " + bin + " veristat OBJ...\n"; }
 * }</pre>
 */
public interface UsageText {
    /** The usage text; {@code bin} is the command name ("ebpf4j"). */
    String usage(String bin);
}
