package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.ProgramSections;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfRelocation;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the struct_ops maps of an object, as libbpf reads them: every variable of a {@code .struct_ops} or
 * {@code .struct_ops.link} section (each described by the section's DATASEC in the object's BTF) is one map whose
 * value is a named struct; each relocation of the section patches a function pointer member of one variable with
 * the address of a program from a {@code struct_ops/...} section. The pointer slots are zeroed in the kept data; the
 * program names stand in for them.
 *
 * <pre>{@code
 * List<StructOpsDefinition> ops = StructOpsParser.parse(objectFile, functionTable);
 * }</pre>
 */
public final class StructOpsParser {
    private final ObjectFile object;
    private final FunctionTable functions;
    private final Btf btf;

    private StructOpsParser(ObjectFile object, FunctionTable functions) {
        this.object = object;
        this.functions = functions;
        this.btf = object.btf();
    }

    /** The struct_ops maps of every struct_ops section, in section order. */
    public static List<StructOpsDefinition> parse(ObjectFile object, FunctionTable functions) {
        List<StructOpsDefinition> out = new ArrayList<>();
        StructOpsParser p = new StructOpsParser(object, functions);
        for (ElfSection s : object.sectionsOf(SectionKind.STRUCT_OPS)) {
            if (s.size() == 0) continue;
            out.addAll(p.section(s));
        }
        Set<String> names = new HashSet<>();
        for (StructOpsDefinition d : out) {
            if (!names.add(d.name())) {
                throw new ObjectFormatException(d.section(), d.offset(), "struct_ops map '" + d.name()
                        + "' is defined twice");
            }
        }
        return out;
    }

    private List<StructOpsDefinition> section(ElfSection section) {
        String name = section.name();
        if (btf == null) {
            throw new ObjectFormatException(name, 0, "struct_ops maps need the object's .BTF section to describe "
                    + "their struct; compile with clang -g");
        }
        BtfDatasec datasec = null;
        for (int id : btf.idsByName(name)) {
            if (btf.type(id) instanceof BtfDatasec d) {
                datasec = d;
                break;
            }
        }
        if (datasec == null) {
            throw new ObjectFormatException(name, 0, "the object's BTF has no DATASEC '" + name + "' describing the "
                    + section.size() + "-byte struct_ops section");
        }
        if (!section.hasFileData()) {
            throw new ObjectFormatException(name, 0, "a struct_ops section must hold the structs' initial values "
                    + "(it is SHT_NOBITS)");
        }
        byte[] bytes = object.elf().bytes(section);
        boolean autocreate = !name.startsWith("?");
        boolean link = name.endsWith(".struct_ops.link");
        List<Draft> drafts = new ArrayList<>();
        for (BtfVarSecinfo v : datasec.vars()) {
            long offset = Integer.toUnsignedLong(v.offset());
            if (!(btf.type(v.typeId()) instanceof BtfVar var)) {
                throw new ObjectFormatException(name, offset, "DATASEC '" + name + "' entry [" + v.typeId() + "] is "
                        + btf.kind(v.typeId()) + ", expected a VAR (a struct_ops variable)");
            }
            int typeId = btf.resolveId(var.typeId());
            BtfType t = btf.type(typeId);
            if (t.isAnonymous()) {
                throw new ObjectFormatException(name, offset, "struct_ops variable '" + var.name() + "' has an "
                        + "anonymous type; declare it as a named struct such as 'struct tcp_congestion_ops'");
            }
            if (!(t instanceof BtfStruct struct)) {
                throw new ObjectFormatException(name, offset, "struct_ops variable '" + var.name() + "' is a "
                        + t.kind() + " '" + t.name() + "', expected a struct of function pointers");
            }
            long size = Integer.toUnsignedLong(struct.size());
            if (offset + size > bytes.length) {
                throw new ObjectFormatException(name, offset, "struct_ops variable '" + var.name() + "' (" + size
                        + " bytes at offset " + offset + ") lies beyond the end of the " + bytes.length
                        + "-byte section");
            }
            drafts.add(new Draft(var.name(), offset, typeId, struct,
                    Arrays.copyOfRange(bytes, (int) offset, (int) (offset + size)), new String[struct.members().size()]));
        }
        relocate(section, drafts);
        List<StructOpsDefinition> out = new ArrayList<>();
        for (Draft d : drafts) {
            List<StructOpsDefinition.Member> members = new ArrayList<>();
            List<BtfMember> ms = d.struct.members();
            for (int i = 0; i < ms.size(); i++) {
                BtfMember m = ms.get(i);
                long size = memberSize(m);
                members.add(new StructOpsDefinition.Member(m.name(), m.typeId(), i, (int) m.byteOffset(), (int) size,
                        m.isBitfield() || m.bitOffsetUnsigned() % 8 != 0, isFunctionPointer(m.typeId()),
                        d.programs[i]));
            }
            out.add(new StructOpsDefinition(d.name, name, d.offset, d.typeId, d.struct.name(), d.data, members, link,
                    autocreate));
        }
        return out;
    }

    /** A variable being parsed: the programs its function pointer members point to, by member index. */
    private record Draft(String name, long offset, int typeId, BtfStruct struct, byte[] data, String[] programs) {
    }

    private long memberSize(BtfMember m) {
        try {
            return btf.sizeOf(m.typeId());
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private boolean isFunctionPointer(int typeId) {
        return btf.resolve(typeId) instanceof BtfPtr p && btf.resolve(p.typeId()) instanceof BtfFuncProto;
    }

    private void relocate(ElfSection section, List<Draft> drafts) {
        String rel = object.relocationSectionName(section.index());
        for (ElfRelocation r : object.relocationsOf(section.index())) {
            long entry = (long) r.index() * (r.hasAddend() ? 24 : 16);
            String at = "relocation " + r.index() + " at byte " + r.offset() + " of '" + section.name() + "'";
            if (r.symbolIndex() <= 0 || r.symbolIndex() >= object.symbols().size()) {
                throw new ObjectFormatException(rel, entry, at + ": symbol " + r.symbolIndex() + " does not exist");
            }
            ElfSymbol sym = object.symbols().get(r.symbolIndex());
            Draft d = null;
            for (Draft x : drafts) {
                if (r.offset() >= x.offset && r.offset() - x.offset < x.data.length) d = x;
            }
            if (d == null) {
                throw new ObjectFormatException(rel, entry, at + ": no struct_ops variable covers that offset");
            }
            int moff = (int) (r.offset() - d.offset);
            int index = memberAt(d.struct, moff);
            if (index < 0) {
                throw new ObjectFormatException(rel, entry, at + ": no member of struct " + d.struct.name()
                        + " starts at byte " + moff + " of '" + d.name + "'");
            }
            BtfMember member = d.struct.members().get(index);
            if (!isFunctionPointer(member.typeId())) {
                throw new ObjectFormatException(rel, entry, at + ": member '" + member.name() + "' of '" + d.name
                        + "' is not a function pointer, so it cannot point to a program");
            }
            if (sym.sectionIndex() <= 0 || sym.sectionIndex() >= ElfConstants.SHN_LORESERVE
                    || object.kind(sym.sectionIndex()) != SectionKind.CODE) {
                throw new ObjectFormatException(rel, entry, at + ": member '" + member.name() + "' of '" + d.name
                        + "' points to '" + sym.name() + "', which is not a function in an executable section");
            }
            long addend = 0;
            if (sym.type() == ElfConstants.STT_SECTION) {
                addend = r.hasAddend() ? r.addend() : inPlace(d.data, moff);
            }
            long byteOffset = sym.value() + addend;
            CodeSection code = functions.section(sym.sectionIndex());
            FunctionSymbol f = code == null || byteOffset % 8 != 0 ? null : code.functionAt(byteOffset / 8);
            if (f == null) {
                throw new ObjectFormatException(rel, entry, at + ": member '" + member.name() + "' of '" + d.name
                        + "' points to byte " + byteOffset + " of '" + object.elf().section(sym.sectionIndex()).name()
                        + "', where no function starts");
            }
            ProgramSections.Match match = ProgramSections.match(f.section()).orElse(null);
            if (!f.isProgram() || match == null || match.definition().programType() != ProgramType.STRUCT_OPS) {
                throw new ObjectFormatException(rel, entry, at + ": member '" + member.name() + "' of '" + d.name
                        + "' points to " + f.describe() + ", which is not a struct_ops program (put it in a "
                        + "SEC(\"struct_ops/...\") section)");
            }
            d.programs[index] = f.name();
            Arrays.fill(d.data, moff, Math.min(d.data.length, moff + 8), (byte) 0);
        }
    }

    private static int memberAt(BtfStruct struct, int byteOffset) {
        List<BtfMember> ms = struct.members();
        for (int i = 0; i < ms.size(); i++) {
            if (!ms.get(i).isBitfield() && ms.get(i).bitOffsetUnsigned() == byteOffset * 8L) return i;
        }
        return -1;
    }

    private long inPlace(byte[] data, int offset) {
        if (offset + 8 > data.length) return 0;
        return ByteBuffer.wrap(data, offset, 8).order(object.elf().byteOrder() == ByteOrder.BIG_ENDIAN
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
