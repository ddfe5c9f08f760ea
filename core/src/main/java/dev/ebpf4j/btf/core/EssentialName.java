package dev.ebpf4j.btf.core;

/**
 * CO-RE "flavors": a local type or enumerator named {@code task_struct___old} stands for the target's
 * {@code task_struct}. The essential name is the name without its last {@code ___suffix}, where the separator is
 * exactly three underscores between a non-underscore character and a non-underscore suffix ({@code a___b}; neither
 * {@code ____b} nor {@code a___} has a flavor).
 */
final class EssentialName {
    private EssentialName() {
    }

    /** The length of the essential part of {@code name} (the whole length when it has no flavor suffix). */
    static int length(String name) {
        for (int i = name.length() - 5; i >= 0; i--) {
            if (isSeparatorAt(name, i)) return i + 1;
        }
        return name.length();
    }

    /** The essential part of {@code name}. */
    static String of(String name) {
        return name.substring(0, length(name));
    }

    /** True when both names have the same essential part; an empty name matches only an empty one. */
    static boolean same(String a, String b) {
        int n = length(a);
        return n == length(b) && a.regionMatches(0, b, 0, n);
    }

    /**
     * Name equality as CO-RE's type matching uses it: anonymous (empty) names match anything, other names match when
     * their essential parts are equal.
     */
    static boolean matchesOrAnonymous(String a, String b) {
        return a.isEmpty() || b.isEmpty() || same(a, b);
    }

    /** True when {@code name} has a flavor suffix. */
    static boolean hasFlavor(String name) {
        return length(name) != name.length();
    }

    private static boolean isSeparatorAt(CharSequence s, int i) {
        return s.charAt(i) != '_' && s.charAt(i + 1) == '_' && s.charAt(i + 2) == '_' && s.charAt(i + 3) == '_'
                && s.charAt(i + 4) != '_';
    }
}
