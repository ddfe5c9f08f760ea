package dev.ebpf4j.btf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Member lookup by name through anonymous struct/union members. Depth-first in declaration order, like C name
 * lookup; each anonymous type is searched at most once per lookup, so loops and shared anonymous types cannot make
 * it run long.
 */
final class MemberFinder {
    private MemberFinder() {
    }

    private record Hit(BtfMember member, long bitOffset, List<Integer> indices) {
    }

    static Optional<BtfMemberPath> find(Btf btf, int compositeId, String path) {
        if (path.isEmpty()) throw new IllegalArgumentException("empty member path");
        String[] names = path.split("\\.", -1);
        long bitOffset = 0;
        List<Integer> indices = new ArrayList<>();
        BtfMember found = null;
        int current = compositeId;
        for (int level = 0; level < names.length; level++) {
            if (names[level].isEmpty()) throw new IllegalArgumentException("empty name in member path '" + path + "'");
            int resolved = btf.resolveId(current);
            BtfKind kind = btf.kind(resolved);
            if (kind != BtfKind.STRUCT && kind != BtfKind.UNION) {
                if (level == 0) {
                    throw new IllegalArgumentException(BtfLayout.describe(btf, compositeId)
                            + " is not a struct or union");
                }
                return Optional.empty();
            }
            Set<Integer> visited = new HashSet<>();
            visited.add(resolved);
            Hit hit = search(btf, resolved, names[level], visited, 0);
            if (hit == null) return Optional.empty();
            bitOffset += hit.bitOffset();
            indices.addAll(hit.indices());
            found = hit.member();
            current = found.typeId();
        }
        return Optional.of(new BtfMemberPath(found, bitOffset, indices));
    }

    private static Hit search(Btf btf, int compositeId, String name, Set<Integer> visited, int depth) {
        if (depth > BtfLayout.MAX_DEPTH) throw BtfLayout.tooDeep(btf, compositeId);
        List<BtfMember> members = ((BtfComposite) btf.type(compositeId)).members();
        for (int i = 0; i < members.size(); i++) {
            BtfMember m = members.get(i);
            if (m.name().equals(name)) return new Hit(m, m.bitOffsetUnsigned(), List.of(i));
            if (m.name().isEmpty()) {
                int inner = btf.resolveId(m.typeId());
                BtfKind kind = btf.kind(inner);
                if ((kind == BtfKind.STRUCT || kind == BtfKind.UNION) && visited.add(inner)) {
                    Hit hit = search(btf, inner, name, visited, depth + 1);
                    if (hit != null) {
                        List<Integer> indices = new ArrayList<>(hit.indices().size() + 1);
                        indices.add(i);
                        indices.addAll(hit.indices());
                        return new Hit(hit.member(), m.bitOffsetUnsigned() + hit.bitOffset(), indices);
                    }
                }
            }
        }
        return null;
    }
}
