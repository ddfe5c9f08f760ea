package dev.ebpf4j.link;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Suggests the names closest to a misspelt one ("sys_enter_opnat" → "sys_enter_openat"), for error messages that
 * say what exists instead. Ranks by edit distance; substring matches count as close.
 *
 * <pre>{@code
 * List<String> similar = NearMisses.find("sched_swich", List.of("sched_switch", "sched_wakeup"), 5);
 * }</pre>
 */
final class NearMisses {
    private NearMisses() {
    }

    /** Up to {@code max} candidates close to {@code wanted}, closest first. */
    static List<String> find(String wanted, Collection<String> candidates, int max) {
        int limit = Math.max(2, wanted.length() / 3);
        record Scored(String name, int score) {
        }
        return candidates.stream()
                .map(c -> new Scored(c, score(wanted, c)))
                .filter(s -> s.score <= limit)
                .sorted(Comparator.comparingInt(Scored::score).thenComparing(Scored::name))
                .limit(max)
                .map(Scored::name)
                .toList();
    }

    /** " (similar: a, b)" or "" when nothing is close. */
    static String hint(String wanted, Collection<String> candidates) {
        List<String> near = find(wanted, candidates, 5);
        return near.isEmpty() ? "" : "; similar names: " + String.join(", ", near);
    }

    private static int score(String wanted, String candidate) {
        if (candidate.equals(wanted)) return 0;
        if (candidate.contains(wanted) || wanted.contains(candidate)) return 1;
        return distance(wanted, candidate);
    }

    /** Levenshtein distance, two rows. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
