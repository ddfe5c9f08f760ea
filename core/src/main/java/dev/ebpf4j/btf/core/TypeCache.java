package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfType;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decoded types with many entries (structs, unions, enums, prototypes) kept per {@link Btf} instance, since
 * {@link Btf#type(int)} decodes a record on every call and a kernel struct such as {@code task_struct} has hundreds
 * of members. Only types a relocation touched are kept; the cache of a BTF goes away with it.
 */
final class TypeCache {
    private static final Map<Btf, Map<Integer, BtfType>> CACHES = Collections.synchronizedMap(new WeakHashMap<>());

    private TypeCache() {
    }

    static BtfType type(Btf btf, int id) {
        switch (btf.kind(id)) {
            case STRUCT, UNION, ENUM, ENUM64, FUNC_PROTO -> {
                Map<Integer, BtfType> types = CACHES.computeIfAbsent(btf, b -> new ConcurrentHashMap<>());
                BtfType t = types.get(id);
                if (t == null) {
                    t = btf.type(id);
                    types.putIfAbsent(id, t);
                }
                return t;
            }
            default -> {
                return btf.type(id);
            }
        }
    }
}
