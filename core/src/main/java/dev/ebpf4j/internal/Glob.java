package dev.ebpf4j.internal;

/**
 * Shell-style name patterns as libbpf uses them for multi-probe targets ({@code uprobe.multi/BIN:PATTERN},
 * {@code kprobe.multi/PATTERN}): {@code *} matches any run of characters (also none), {@code ?} exactly one; every
 * other character matches itself. No character classes, no escapes.
 *
 * <pre>{@code
 * Glob.matches("ebpf4j_multi_*", "ebpf4j_multi_add");   // true
 * Glob.matches("mall?c", "malloc");                      // true
 * Glob.isPattern("malloc");                              // false
 * }</pre>
 */
public final class Glob {
    private Glob() {
    }

    /** True when {@code name} matches {@code pattern} as a whole. */
    public static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int starAt = -1;     // pattern index just after the last '*'
        int resumeAt = 0;    // name index that '*' currently swallows up to
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                starAt = ++p;
                resumeAt = n;
            } else if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (starAt >= 0) {
                p = starAt;
                n = ++resumeAt;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }

    /** True when {@code text} contains a wildcard ({@code *} or {@code ?}). */
    public static boolean isPattern(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }
}
