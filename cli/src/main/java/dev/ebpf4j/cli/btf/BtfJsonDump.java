package dev.ebpf4j.cli.btf;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfDeclTag;
import dev.ebpf4j.btf.BtfEnum;
import dev.ebpf4j.btf.BtfEnum64;
import dev.ebpf4j.btf.BtfEnumValue;
import dev.ebpf4j.btf.BtfFloat;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfFwd;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfModifier;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.btf.BtfVoid;
import dev.ebpf4j.cli.output.JsonWriter;

/**
 * bpftool's JSON form of the raw BTF listing ({@code bpftool -j btf dump ...}): {@code {"types":[{"id":1,
 * "kind":"INT","name":"int","size":4,...}, ...]}}, one object per type with the fields the plain listing shows.
 *
 * <pre>{@code
 * BtfJsonDump.type(btf, 42, session.jsonWriter());
 * }</pre>
 */
final class BtfJsonDump {
    private BtfJsonDump() {
    }

    /** Writes type {@code id} of {@code btf} as one JSON object. */
    static void type(Btf btf, int id, JsonWriter w) {
        BtfType t = btf.type(id);
        w.startObject().uintField("id", id).stringField("kind", kindName(t)).stringField("name", name(t.name()));
        switch (t) {
            case BtfInt i -> w.uintField("size", u32(i.size())).uintField("bits_offset", i.bitOffset())
                    .uintField("nr_bits", i.bits()).stringField("encoding", i.encoding().label());
            case BtfPtr p -> w.uintField("type_id", u32(p.typeId()));
            case BtfModifier m -> w.uintField("type_id", u32(m.typeId()));
            case BtfArray a -> w.uintField("type_id", u32(a.elementTypeId())).uintField("index_type_id",
                    u32(a.indexTypeId())).uintField("nr_elems", u32(a.length()));
            case BtfComposite c -> {
                w.uintField("size", u32(c.size())).uintField("vlen", c.members().size()).name("members").startArray();
                for (BtfMember m : c.members()) {
                    w.startObject().stringField("name", name(m.name())).uintField("type_id", u32(m.typeId()))
                            .uintField("bits_offset", u32(m.bitOffset()));
                    if (m.bitfieldSize() != 0) w.uintField("bitfield_size", m.bitfieldSize());
                    w.endObject();
                }
                w.endArray();
            }
            case BtfEnum e -> {
                enumHeader(w, e.signed(), e.size(), e.values().size());
                for (BtfEnumValue v : e.values()) {
                    w.startObject().stringField("name", name(v.name()));
                    // bpftool passes the 32-bit value (signed in BTF) to a 64-bit field: sign-extended either way
                    if (e.signed()) w.intField("val", (int) v.value());
                    else w.uintField("val", (int) v.value());
                    w.endObject();
                }
                w.endArray();
            }
            case BtfEnum64 e -> {
                enumHeader(w, e.signed(), e.size(), e.values().size());
                for (BtfEnumValue v : e.values()) {
                    w.startObject().stringField("name", name(v.name()));
                    if (e.signed()) w.intField("val", v.value());
                    else w.uintField("val", v.value());
                    w.endObject();
                }
                w.endArray();
            }
            case BtfFwd f -> w.stringField("fwd_kind", f.union() ? "union" : "struct");
            case BtfFunc f -> w.uintField("type_id", u32(f.typeId())).stringField("linkage", f.linkage().label());
            case BtfFuncProto p -> {
                w.uintField("ret_type_id", u32(p.returnTypeId())).uintField("vlen", p.vlen()).name("params")
                        .startArray();
                for (BtfParam param : p.params()) {
                    w.startObject().stringField("name", name(param.name())).uintField("type_id", u32(param.typeId()))
                            .endObject();
                }
                if (p.variadic()) w.startObject().stringField("name", name("")).uintField("type_id", 0).endObject();
                w.endArray();
            }
            case BtfVar v -> w.uintField("type_id", u32(v.typeId())).stringField("linkage", v.linkage().label());
            case BtfDatasec d -> {
                w.uintField("size", u32(d.size())).uintField("vlen", d.vars().size()).name("vars").startArray();
                for (BtfVarSecinfo v : d.vars()) {
                    w.startObject().uintField("type_id", u32(v.typeId())).uintField("offset", u32(v.offset()))
                            .uintField("size", u32(v.size())).endObject();
                }
                w.endArray();
            }
            case BtfFloat f -> w.uintField("size", u32(f.size()));
            case BtfDeclTag d -> w.uintField("type_id", u32(d.typeId())).intField("component_idx", d.componentIndex());
            case BtfVoid v -> {
            }
        }
        w.endObject();
    }

    private static void enumHeader(JsonWriter w, boolean signed, int size, int vlen) {
        w.stringField("encoding", signed ? "SIGNED" : "UNSIGNED").uintField("size", u32(size)).uintField("vlen", vlen)
                .name("values").startArray();
    }

    /** bpftool's kind names ("UNKNOWN" for kind 0). */
    static String kindName(BtfType t) {
        return t instanceof BtfVoid ? "UNKNOWN" : t.kind().name();
    }

    private static String name(String n) {
        return n.isEmpty() ? "(anon)" : n;
    }

    private static long u32(int v) {
        return Integer.toUnsignedLong(v);
    }
}
