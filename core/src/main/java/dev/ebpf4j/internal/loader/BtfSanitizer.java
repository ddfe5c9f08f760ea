package dev.ebpf4j.internal.loader;

import dev.ebpf4j.btf.BtfConst;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfDeclTag;
import dev.ebpf4j.btf.BtfEnum;
import dev.ebpf4j.btf.BtfEnum64;
import dev.ebpf4j.btf.BtfEnumValue;
import dev.ebpf4j.btf.BtfFloat;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfLinkage;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfTypeTag;
import dev.ebpf4j.btf.BtfTypedef;
import dev.ebpf4j.btf.BtfUnion;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.features.Features;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites an object's BTF for a kernel that lacks newer kinds, keeping type ids (replacements take the same id;
 * helper types are appended), as libbpf does:
 * <ul>
 *   <li>no FUNC/FUNC_PROTO: FUNC_PROTO → ENUM with one enumerator per parameter (unnamed ones become
 *       {@code argN}), FUNC → TYPEDEF;</li>
 *   <li>no global functions: global FUNCs → static;</li>
 *   <li>no DATASEC/VAR: VAR → 1-byte INT, DATASEC → STRUCT of its variables (dots in the name → '_');</li>
 *   <li>no FLOAT: FLOAT → empty STRUCT of the same size;</li>
 *   <li>no DECL_TAG: DECL_TAG → 1-byte anonymous INT;</li>
 *   <li>no TYPE_TAG: TYPE_TAG → CONST;</li>
 *   <li>no ENUM64: ENUM64 → UNION of integer members named after the enumerators.</li>
 * </ul>
 * Without FUNC support, func_info cannot be given to the kernel ({@link Support#funcInfo()} is false).
 *
 * <pre>{@code
 * BtfSanitizer.Support s = BtfSanitizer.Support.probe();
 * List<BtfType> forKernel = BtfSanitizer.sanitize(types, s);
 * }</pre>
 */
public final class BtfSanitizer {
    private BtfSanitizer() {
    }

    /**
     * What the kernel's BTF loader accepts.
     *
     * @param kinds           the supported kinds
     * @param globalFunctions FUNCs with global linkage are accepted
     */
    public record Support(Set<BtfKind> kinds, boolean globalFunctions) {
        public Support {
            kinds = kinds.isEmpty() ? EnumSet.noneOf(BtfKind.class) : EnumSet.copyOf(kinds);
        }

        /** Everything (a current kernel). */
        public static Support all() {
            return new Support(EnumSet.allOf(BtfKind.class), true);
        }

        /** Probes the running kernel (answers are cached per process). */
        public static Support probe() {
            Set<BtfKind> kinds = EnumSet.noneOf(BtfKind.class);
            for (BtfKind k : BtfKind.values()) {
                if (usable(Features.btfKind(k))) kinds.add(k);
            }
            return new Support(kinds, kinds.contains(BtfKind.FUNC) && usable(Features.btfGlobalFunctions()));
        }

        /** Supported, or unknown for lack of privileges (then loading the BTF reports the permission problem). */
        private static boolean usable(dev.ebpf4j.features.Feature f) {
            return f.available() || f.detail().startsWith("cannot probe");
        }

        boolean has(BtfKind k) {
            return kinds.contains(k);
        }

        /** Whether func_info (and so line_info) can go to the kernel. */
        public boolean funcInfo() {
            return has(BtfKind.FUNC) && has(BtfKind.FUNC_PROTO);
        }

        /** True when nothing needs replacing. */
        public boolean complete() {
            return kinds.containsAll(EnumSet.range(BtfKind.INT, BtfKind.ENUM64)) && globalFunctions;
        }
    }

    /** The sanitized types (the input list when nothing changes). */
    public static List<BtfType> sanitize(List<BtfType> types, Support support) {
        if (support.complete()) return types;
        List<BtfType> out = new ArrayList<>(types);
        Map<Integer, Integer> intsBySize = new HashMap<>();
        for (int i = 0; i < types.size(); i++) {
            BtfType t = types.get(i);
            BtfType r = switch (t) {
                case BtfFuncProto p when !support.has(BtfKind.FUNC_PROTO) || !support.has(BtfKind.FUNC) -> {
                    List<BtfEnumValue> values = new ArrayList<>();
                    for (BtfParam param : p.params()) {   // enumerators need names; unnamed parameters get one
                        String n = param.name().isEmpty() ? "arg" + values.size() : param.name();
                        values.add(new BtfEnumValue(n, param.typeId()));
                    }
                    yield new BtfEnum("", 4, false, values);
                }
                case BtfFunc f when !support.has(BtfKind.FUNC) -> new BtfTypedef(f.name(), f.typeId());
                case BtfFunc f when !support.globalFunctions() && f.linkage() == BtfLinkage.GLOBAL ->
                        new BtfFunc(f.name(), f.typeId(), BtfLinkage.STATIC);
                case BtfVar v when !support.has(BtfKind.VAR) || !support.has(BtfKind.DATASEC) ->
                        new BtfInt(v.name(), 1, BtfIntEncoding.NONE, 0, 8);
                case BtfDatasec d when !support.has(BtfKind.DATASEC) || !support.has(BtfKind.VAR) -> {
                    List<BtfMember> members = new ArrayList<>();
                    for (BtfVarSecinfo v : d.vars()) {
                        BtfType var = v.typeId() > 0 && v.typeId() <= types.size() ? types.get(v.typeId() - 1) : null;
                        String name = var == null ? "" : var.name();
                        members.add(new BtfMember(name, v.typeId(), (int) (Integer.toUnsignedLong(v.offset()) * 8),
                                0));
                    }
                    yield new BtfStruct(d.name().replace('.', '_'), d.size(), members);
                }
                case BtfFloat f when !support.has(BtfKind.FLOAT) -> new BtfStruct(f.name(), f.size(), List.of());
                // decl tags may name functions, parameters or variables: they go when those kinds go
                case BtfDeclTag d when !support.has(BtfKind.DECL_TAG) || !support.funcInfo()
                        || !support.has(BtfKind.DATASEC) -> new BtfInt("", 1, BtfIntEncoding.NONE, 0, 8);
                case BtfTypeTag tt when !support.has(BtfKind.TYPE_TAG) -> new BtfConst(tt.typeId());
                case BtfEnum64 e when !support.has(BtfKind.ENUM64) -> {
                    int size = e.size();
                    Integer intId = intsBySize.get(size);
                    if (intId == null) {
                        out.add(new BtfInt("", size, BtfIntEncoding.NONE));
                        intId = out.size();
                        intsBySize.put(size, intId);
                    }
                    List<BtfMember> members = new ArrayList<>();
                    for (BtfEnumValue v : e.values()) members.add(new BtfMember(v.name(), intId, 0, 0));
                    yield new BtfUnion(e.name(), size, members);
                }
                default -> t;
            };
            out.set(i, r);
        }
        return out;
    }
}
