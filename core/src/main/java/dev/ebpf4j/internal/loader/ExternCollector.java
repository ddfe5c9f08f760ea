package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfEnum;
import dev.ebpf4j.btf.BtfEnum64;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfSymbol;
import dev.ebpf4j.internal.loader.ExternSpec.KconfigType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the object's externs: undefined symbols whose BTF VAR or FUNC sits in the {@code .kconfig} or
 * {@code .ksyms} DATASEC. Checks kconfig types (bool, char, tristate, integers, char arrays) and lays out the
 * {@code .kconfig} map as libbpf does: larger alignment first, then smaller size, then name.
 *
 * <pre>{@code
 * ExternCollector.Result r = ExternCollector.collect(objectFile);
 * r.kconfigSize();          // bytes of the .kconfig map value
 * r.byName().get("CONFIG_HZ").offset();
 * }</pre>
 */
public final class ExternCollector {
    /** The DATASEC holding {@code __kconfig} externs. */
    public static final String KCONFIG = ".kconfig";
    /** The DATASEC holding {@code __ksym} externs. */
    public static final String KSYMS = ".ksyms";

    private ExternCollector() {
    }

    /** The externs by name (in .kconfig layout order, then ksyms by name), the .kconfig value size. */
    public record Result(Map<String, ExternSpec> byName, int kconfigSize, int kconfigDatasecId) {
        public List<ExternSpec> kconfig() {
            return byName.values().stream().filter(e -> e.kind() == ExternSpec.Kind.KCONFIG).toList();
        }
    }

    /** Collects the externs of {@code object}. */
    public static Result collect(ObjectFile object) {
        List<ElfSymbol> undefined = new ArrayList<>();
        for (ElfSymbol s : object.symbols()) {
            if (s.index() == 0 || s.sectionIndex() != ElfConstants.SHN_UNDEF || s.name().isEmpty()) continue;
            if (s.type() == ElfConstants.STT_FILE || s.type() == ElfConstants.STT_SECTION) continue;
            if (s.binding() != ElfConstants.STB_GLOBAL && s.binding() != ElfConstants.STB_WEAK) continue;
            undefined.add(s);
        }
        if (undefined.isEmpty()) return new Result(Map.of(), 0, 0);
        Btf btf = object.btf();
        if (btf == null) {
            throw new ObjectFormatException(".symtab", -1, "extern '" + undefined.getFirst().name() + "' needs the "
                    + "object's BTF to say what it is (__kconfig or __ksym); compile with clang -g");
        }
        Map<String, Integer> inKconfig = datasecMembers(btf, KCONFIG);
        Map<String, Integer> inKsyms = datasecMembers(btf, KSYMS);
        int kconfigDatasec = btf.findId(KCONFIG, dev.ebpf4j.btf.BtfKind.DATASEC).orElse(0);
        List<ExternSpec> kconfig = new ArrayList<>();
        List<ExternSpec> ksyms = new ArrayList<>();
        for (ElfSymbol s : undefined) {
            boolean weak = s.binding() == ElfConstants.STB_WEAK;
            Integer id = inKconfig.get(s.name());
            if (id != null) {
                kconfig.add(kconfigExtern(btf, s.name(), weak, id));
                continue;
            }
            id = inKsyms.get(s.name());
            if (id != null) {
                BtfType t = btf.type(id);
                if (t instanceof BtfFunc f) {
                    ksyms.add(new ExternSpec(s.name(), ExternSpec.Kind.KFUNC, weak, id, f.typeId(), null, 0, 0));
                } else {
                    ksyms.add(new ExternSpec(s.name(), ExternSpec.Kind.KSYM, weak, id, ((BtfVar) t).typeId(), null,
                            0, 0));
                }
                continue;
            }
            throw new ObjectFormatException(".symtab", (long) s.index() * 24, "extern '" + s.name() + "' is neither "
                    + "a __kconfig nor a __ksym extern (it is in neither the .kconfig nor the .ksyms BTF DATASEC); "
                    + "BPF objects can only refer to kernel configuration values and kernel symbols — link other "
                    + "externs statically first (bpftool gen object)");
        }
        kconfig.sort(Comparator.comparingInt((ExternSpec e) -> -align(btf, e)).thenComparingInt(ExternSpec::size)
                .thenComparing(ExternSpec::name));
        Map<String, ExternSpec> out = new LinkedHashMap<>();
        int offset = 0;
        for (ExternSpec e : kconfig) {
            int a = align(btf, e);
            offset = (offset + a - 1) / a * a;
            out.put(e.name(), new ExternSpec(e.name(), e.kind(), e.weak(), e.btfId(), e.typeId(), e.kconfigType(),
                    offset, e.size()));
            offset += e.size();
        }
        ksyms.sort(Comparator.comparing(ExternSpec::name));
        for (ExternSpec e : ksyms) out.put(e.name(), e);
        return new Result(out, offset, kconfigDatasec);
    }

    private static int align(Btf btf, ExternSpec e) {
        int a = btf.alignOf(e.typeId());
        return a <= 0 ? 1 : Math.min(a, 8);
    }

    private static Map<String, Integer> datasecMembers(Btf btf, String name) {
        Map<String, Integer> out = new HashMap<>();
        for (int id : btf.idsByName(name)) {
            if (!(btf.type(id) instanceof BtfDatasec d)) continue;
            for (BtfVarSecinfo v : d.vars()) {
                BtfType t = btf.type(v.typeId());
                if (t instanceof BtfVar || t instanceof BtfFunc) out.putIfAbsent(t.name(), v.typeId());
            }
        }
        return out;
    }

    private static ExternSpec kconfigExtern(Btf btf, String name, boolean weak, int varId) {
        if (!(btf.type(varId) instanceof BtfVar var)) {
            throw new ObjectFormatException(".BTF", -1, "extern '" + name + "' in .kconfig is not a variable");
        }
        KconfigType type = kconfigType(btf, var.typeId());
        if (type == null) {
            throw new ObjectFormatException(".BTF", -1, "extern '" + name + "' (__kconfig) has a type libbpf-style "
                    + "kconfig externs cannot hold (" + describeType(btf, var.typeId()) + "); use bool, char, "
                    + "enum libbpf_tristate, an integer of 1/2/4/8 bytes or a char array");
        }
        if (name.startsWith("LINUX_HAS_") && type != KconfigType.BOOL) {
            throw new ObjectFormatException(".BTF", -1, "extern '" + name + "' must be declared bool");
        }
        if (name.equals("LINUX_KERNEL_VERSION") && (type != KconfigType.INT || btf.sizeOf(var.typeId()) != 4)) {
            throw new ObjectFormatException(".BTF", -1, "extern 'LINUX_KERNEL_VERSION' must be declared as a 4-byte "
                    + "integer (unsigned int)");
        }
        long size = btf.sizeOf(var.typeId());
        return new ExternSpec(name, ExternSpec.Kind.KCONFIG, weak, varId, var.typeId(), type, 0, (int) size);
    }

    /** The kconfig encoding of type {@code id}, or null when kconfig externs cannot have it. */
    static KconfigType kconfigType(Btf btf, int id) {
        BtfType t = btf.resolve(id);
        switch (t) {
            case BtfInt i -> {
                if (i.encoding() == BtfIntEncoding.BOOL) return i.size() == 1 ? KconfigType.BOOL : null;
                if (i.size() == 1) return KconfigType.CHAR;
                int s = i.size();
                return s == 2 || s == 4 || s == 8 ? KconfigType.INT : null;
            }
            case BtfEnum e -> {
                return e.size() == 4 && e.name().equals("libbpf_tristate") ? KconfigType.TRISTATE : null;
            }
            case BtfEnum64 e -> {
                return e.name().equals("libbpf_tristate") ? KconfigType.TRISTATE : null;
            }
            case BtfArray a -> {
                if (a.length() == 0) return null;
                return kconfigType(btf, a.elementTypeId()) == KconfigType.CHAR ? KconfigType.CHAR_ARRAY : null;
            }
            default -> {
                return null;
            }
        }
    }

    static String describeType(Btf btf, int id) {
        BtfType t = btf.resolve(id);
        return t.kind() + (t.name().isEmpty() ? "" : " '" + t.name() + "'");
    }
}
