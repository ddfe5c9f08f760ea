package dev.ebpf4j.cli;

/**
 * The C library's text for an error number ({@code strerror}), for the few places where bpftool's output embeds
 * it (per-entry lookup errors in {@code map dump}).
 *
 * <pre>{@code
 * Strerror.of(2);   // "No such file or directory"
 * }</pre>
 */
public final class Strerror {
    private Strerror() {
    }

    public static String of(int errno) {
        return switch (errno) {
            case 1 -> "Operation not permitted";
            case 2 -> "No such file or directory";
            case 3 -> "No such process";
            case 4 -> "Interrupted system call";
            case 5 -> "Input/output error";
            case 7 -> "Argument list too long";
            case 9 -> "Bad file descriptor";
            case 11 -> "Resource temporarily unavailable";
            case 12 -> "Cannot allocate memory";
            case 13 -> "Permission denied";
            case 14 -> "Bad address";
            case 16 -> "Device or resource busy";
            case 17 -> "File exists";
            case 19 -> "No such device";
            case 22 -> "Invalid argument";
            case 28 -> "No space left on device";
            case 34 -> "Numerical result out of range";
            case 95 -> "Operation not supported";
            default -> "Unknown error " + errno;
        };
    }
}
