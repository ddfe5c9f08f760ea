package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfLinkage;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Completes an object's BTF the way the kernel needs it, independent of the running kernel (libbpf does the same
 * before loading): clang leaves DATASEC sizes (and sometimes variable offsets) zero, so they are taken from the ELF
 * sections and symbols, and variables sorted by offset; global variables and functions with hidden visibility become
 * static (functions are then verified in their callers' context);
 * {@code .kconfig} and {@code .ksyms} DATASECs get the loader's layout; extern variables become allocated globals,
 * extern functions global ones, and kfunc entries of {@code .ksyms} are replaced by a dummy {@code int} variable
 * (the kernel accepts only VARs in a DATASEC). Type ids are unchanged; new types are appended.
 *
 * <pre>{@code
 * List<BtfType> types = ObjectBtfFixer.fix(objectFile, externs);   // ids 1..n as in the object, then additions
 * }</pre>
 */
public final class ObjectBtfFixer {
    /** Name of the variable that stands in for kfuncs in {@code .ksyms} (as libbpf names it). */
    static final String DUMMY_KSYM = "dummy_ksym";

    private ObjectBtfFixer() {
    }

    /** The fixed types (index i holds type id i + 1). */
    public static List<BtfType> fix(ObjectFile object, ExternCollector.Result externs) {
        Btf btf = object.btf();
        List<BtfType> types = new ArrayList<>(btf.types());
        int intId = -1;
        int dummyVarId = -1;
        Map<String, ElfSymbol> hiddenFunctions = hiddenFunctions(object);
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfType t = types.get(id - 1);
            if (t instanceof BtfFunc f && f.linkage() == BtfLinkage.EXTERN) {
                types.set(id - 1, new BtfFunc(f.name(), f.typeId(), BtfLinkage.GLOBAL));
            }
            if (t instanceof BtfFunc f && f.linkage() == BtfLinkage.GLOBAL && hiddenFunctions.containsKey(f.name())) {
                // A __hidden global function (usdt.bpf.h's bpf_usdt_arg, ...) is only called from inside the object:
                // verified in its callers' context like a static one, as libbpf does.
                types.set(id - 1, new BtfFunc(f.name(), f.typeId(), BtfLinkage.STATIC));
            }
            if (t instanceof BtfVar v && v.linkage() == BtfLinkage.EXTERN) {
                types.set(id - 1, new BtfVar(v.name(), v.typeId(), BtfLinkage.GLOBAL));
            }
        }
        for (int id = 1; id < btf.typeCount(); id++) {
            if (!(types.get(id - 1) instanceof BtfDatasec d)) continue;
            switch (d.name()) {
                case ExternCollector.KCONFIG -> types.set(id - 1, kconfig(d, externs));
                case ExternCollector.KSYMS -> {
                    if (intId < 0) intId = intType(btf, types);
                    List<BtfVarSecinfo> vars = new ArrayList<>();
                    int offset = 0;
                    for (BtfVarSecinfo v : d.vars()) {
                        BtfType member = typeAt(types, v.typeId(), d.name());
                        int typeId = v.typeId();
                        if (member instanceof BtfFunc f) {
                            if (dummyVarId < 0) {
                                types.add(new BtfVar(DUMMY_KSYM, intId, BtfLinkage.GLOBAL));
                                dummyVarId = types.size();
                            }
                            nameParams(types, f.typeId());
                            typeId = dummyVarId;
                        } else if (member instanceof BtfVar var) {
                            types.set(v.typeId() - 1, new BtfVar(var.name(), intId, BtfLinkage.GLOBAL));
                        }
                        vars.add(new BtfVarSecinfo(typeId, offset, 4));
                        offset += 4;
                    }
                    types.set(id - 1, new BtfDatasec(d.name(), offset, vars));
                }
                default -> types.set(id - 1, dataSection(object, d, types));
            }
        }
        return types;
    }

    /** Defined global or weak functions with hidden or internal visibility, by name. */
    private static Map<String, ElfSymbol> hiddenFunctions(ObjectFile object) {
        Map<String, ElfSymbol> out = new HashMap<>();
        for (ElfSymbol s : object.symbols()) {
            if (s.type() == ElfConstants.STT_FUNC && s.isDefined() && s.binding() != ElfConstants.STB_LOCAL
                    && (s.visibility() == ElfConstants.STV_HIDDEN || s.visibility() == ElfConstants.STV_INTERNAL)) {
                out.put(s.name(), s);
            }
        }
        return out;
    }

    private static BtfDatasec kconfig(BtfDatasec d, ExternCollector.Result externs) {
        List<BtfVarSecinfo> vars = new ArrayList<>();
        for (BtfVarSecinfo v : d.vars()) {
            ExternSpec e = null;
            for (ExternSpec x : externs.kconfig()) if (x.btfId() == v.typeId()) e = x;
            if (e == null) continue;   // declared but never defined as an undefined symbol: drop it
            vars.add(new BtfVarSecinfo(v.typeId(), e.offset(), e.size()));
        }
        vars.sort(Comparator.comparingInt(BtfVarSecinfo::offset));
        return new BtfDatasec(d.name(), Math.max(externs.kconfigSize(), 1), vars);
    }

    private static BtfDatasec dataSection(ObjectFile object, BtfDatasec d, List<BtfType> types) {
        ElfSection section = object.elf().section(d.name()).orElse(null);
        if (section == null) {
            throw new ObjectFormatException(".BTF", -1, "DATASEC '" + d.name() + "' describes a section the object "
                    + "does not have");
        }
        long size = section.size();
        if (size > 0xffff_ffffL) throw new ObjectFormatException(d.name(), 0, "section too large for BTF");
        Map<String, ElfSymbol> symbols = new HashMap<>();
        for (ElfSymbol s : object.symbols()) {
            if (s.sectionIndex() == section.index() && !s.name().isEmpty() && s.type() != ElfConstants.STT_SECTION) {
                symbols.putIfAbsent(s.name(), s);
            }
        }
        List<BtfVarSecinfo> vars = new ArrayList<>();
        for (BtfVarSecinfo v : d.vars()) {
            if (!(typeAt(types, v.typeId(), d.name()) instanceof BtfVar var)) {
                throw new ObjectFormatException(".BTF", -1, "DATASEC '" + d.name() + "' lists [" + v.typeId() + "] "
                        + types.get(v.typeId() - 1).kind() + ", not a VAR");
            }
            long offset = Integer.toUnsignedLong(v.offset());
            if (var.linkage() != BtfLinkage.STATIC) {
                ElfSymbol sym = symbols.get(var.name());
                if (sym == null) {
                    throw new ObjectFormatException(d.name(), -1, "variable '" + var.name() + "' of DATASEC '"
                            + d.name() + "' has no ELF symbol");
                }
                offset = sym.value();
                if (sym.visibility() == ElfConstants.STV_HIDDEN || sym.visibility() == ElfConstants.STV_INTERNAL) {
                    types.set(v.typeId() - 1, new BtfVar(var.name(), var.typeId(), BtfLinkage.STATIC));
                }
            }
            long varSize = Integer.toUnsignedLong(v.size());
            if (offset + varSize > size) {
                throw new ObjectFormatException(d.name(), offset, "variable '" + var.name() + "' (" + varSize
                        + " bytes at " + offset + ") lies outside the " + size + "-byte section");
            }
            vars.add(new BtfVarSecinfo(v.typeId(), (int) offset, v.size()));
        }
        vars.sort(Comparator.comparingLong(v -> Integer.toUnsignedLong(v.offset())));
        return new BtfDatasec(d.name(), (int) size, vars);
    }

    private static BtfType typeAt(List<BtfType> types, int id, String datasec) {
        if (id <= 0 || id > types.size()) {
            throw new ObjectFormatException(".BTF", -1, "DATASEC '" + datasec + "' lists type id " + id
                    + ", which is not a variable");
        }
        return types.get(id - 1);
    }

    /** Gives unnamed parameters of a kfunc prototype a name (the kernel wants named FUNC parameters). */
    private static void nameParams(List<BtfType> types, int protoId) {
        if (protoId <= 0 || !(types.get(protoId - 1) instanceof BtfFuncProto p)) return;
        List<BtfParam> params = new ArrayList<>();
        boolean changed = false;
        for (BtfParam param : p.params()) {
            if (param.name().isEmpty() && param.typeId() != 0) {
                params.add(new BtfParam(DUMMY_KSYM, param.typeId()));
                changed = true;
            } else {
                params.add(param);
            }
        }
        if (changed) types.set(protoId - 1, new BtfFuncProto(p.name(), p.returnTypeId(), params, p.variadic()));
    }

    /** The id of a 4-byte signed int, adding one when the BTF has none. */
    private static int intType(Btf btf, List<BtfType> types) {
        for (int id : btf.idsByName("int")) {
            if (btf.kind(id) == BtfKind.INT && types.get(id - 1) instanceof BtfInt i && i.size() == 4) return id;
        }
        types.add(new BtfInt("int", 4, BtfIntEncoding.SIGNED));
        return types.size();
    }
}
