package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfType;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Translates a struct_ops variable from the object's layout to the kernel's, as libbpf does: the kernel describes
 * each struct_ops type {@code T} (e.g. {@code tcp_congestion_ops}) with a value struct {@code bpf_struct_ops_T} that
 * wraps a {@code T} member; the map's value is that wrapper. Members are matched <em>by name</em>: data members are
 * copied to the kernel member's offset (sizes must agree), function pointer members become program slots (the
 * program is loaded with {@code attach_btf_id} = T's id and {@code expected_attach_type} = the kernel member's
 * index, and its fd goes into the slot). Local members the kernel lacks are dropped when zero; bitfields and kind
 * mismatches are refused.
 *
 * <pre>{@code
 * StructOpsLayout.Plan p = StructOpsLayout.plan(definition, objectBtf, RunningKernel.INSTANCE);
 * p.valueTypeId();   // btf_vmlinux_value_type_id of the map
 * p.slots();         // [program 'ebpf4j_ssthresh' at value byte 64 (member 0), ...]
 * }</pre>
 */
public final class StructOpsLayout {
    /** The prefix of the kernel's value struct names. */
    public static final String VALUE_PREFIX = "bpf_struct_ops_";

    private StructOpsLayout() {
    }

    /**
     * Where one program goes: its fd is written as an unsigned long at {@code valueOffset} of the map value.
     *
     * @param program     the program's name
     * @param member      the kernel member's name
     * @param memberIndex the kernel member's index: the program's expected attach type
     * @param valueOffset the byte offset of the slot in the map value
     */
    public record Slot(String program, String member, int memberIndex, int valueOffset) {
    }

    /**
     * A struct_ops map laid out for the kernel.
     *
     * @param map          the map (variable) name
     * @param kernelTypeId the kernel struct's type id (the programs' attach_btf_id)
     * @param valueTypeId  the value struct's type id (the map's btf_vmlinux_value_type_id)
     * @param module       the kernel module whose BTF has the types, or null for vmlinux
     * @param value        the value bytes in the kernel's layout, program slots still zero
     * @param slots        the program slots, in member order
     * @param dropped      local members the kernel's struct lacks (all zero, so left out), with their programs
     */
    public record Plan(String map, int kernelTypeId, int valueTypeId, String module, byte[] value, List<Slot> slots,
                       List<String> dropped) {
        public Plan {
            value = value.clone();
            slots = List.copyOf(slots);
            dropped = List.copyOf(dropped);
        }

        /** A copy of the value bytes. */
        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The value size: the map's value_size. */
        public int valueSize() {
            return value.length;
        }
    }

    /** Lays out {@code d} (described by {@code local}) for {@code kernel}. */
    public static Plan plan(StructOpsDefinition d, Btf local, KernelView kernel) {
        String what = "struct_ops map '" + d.name() + "' (struct " + d.typeName() + ")";
        String tname = d.kernelTypeName();
        String vname = VALUE_PREFIX + tname;
        Btf kbtf;
        String module = null;
        int vtypeId;
        try {
            kbtf = kernel.vmlinux();
        } catch (NotSupportedException e) {
            throw new NotSupportedException("BPF struct_ops", "5.6", what + ": struct_ops types are described by the "
                    + "kernel's BTF, which this kernel lacks: " + e.getMessage());
        }
        OptionalInt v = kbtf.findId(vname, BtfKind.STRUCT);
        if (v.isEmpty()) {
            kbtf = null;
            for (String m : kernel.moduleNames()) {
                Btf mb;
                try {
                    mb = kernel.module(m);
                } catch (BpfException e) {
                    continue;
                }
                OptionalInt mv = mb.findId(vname, BtfKind.STRUCT);
                if (mv.isPresent() && mv.getAsInt() >= mb.firstTypeId()) {
                    kbtf = mb;
                    module = m;
                    v = mv;
                    break;
                }
            }
            if (kbtf == null) {
                throw new NotSupportedException("struct_ops type " + tname, "", what + ": the kernel's BTF (vmlinux "
                        + "and modules) has no struct " + vname + ", so this kernel does not offer '" + tname + "' to "
                        + "BPF struct_ops (or the module that does is not loaded)");
            }
        }
        vtypeId = v.getAsInt();
        OptionalInt t = kbtf.findId(tname, BtfKind.STRUCT);
        if (t.isEmpty()) {
            throw new BpfException(what + ": the kernel's BTF has " + vname + " but no struct " + tname);
        }
        int ktypeId = t.getAsInt();
        BtfStruct vtype = (BtfStruct) kbtf.type(vtypeId);
        BtfStruct ktype = (BtfStruct) kbtf.type(ktypeId);
        BtfMember dataMember = null;
        for (BtfMember m : vtype.members()) {
            if (m.typeId() == ktypeId) {
                dataMember = m;
                break;
            }
        }
        if (dataMember == null) {
            throw new BpfException(what + ": the kernel's " + vname + " has no member of type struct " + tname);
        }
        int dataOffset = (int) dataMember.byteOffset();
        byte[] value = new byte[vtype.size()];
        byte[] data = d.data();
        List<Slot> slots = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (StructOpsDefinition.Member m : d.members()) {
            String mwhat = what + ", member '" + m.name() + "'";
            int kindex = memberIndex(ktype, m.name());
            if (kindex < 0) {
                if (m.program() != null || !zero(data, m.offset(), m.size())) {
                    throw new NotSupportedException("struct_ops member " + tname + "." + m.name(), "", mwhat + ": the "
                            + "kernel's struct " + tname + " has no such member, and it is set"
                            + (m.program() != null ? " (to program '" + m.program() + "')" : "") + "; leave it "
                            + "unset for this kernel");
                }
                dropped.add(m.name());
                continue;
            }
            BtfMember km = ktype.members().get(kindex);
            if (m.bitfield() || km.isBitfield() || km.bitOffsetUnsigned() % 8 != 0) {
                throw new NotSupportedException("struct_ops bitfield members", "", mwhat + ": is a bitfield (in "
                        + (m.bitfield() ? "the object's" : "the kernel's") + " struct), which struct_ops cannot "
                        + "translate");
            }
            int koff = dataOffset + (int) km.byteOffset();
            BtfType kmt = kbtf.resolve(km.typeId());
            if (m.functionPointer()) {
                if (!(kmt instanceof BtfPtr p && kbtf.resolve(p.typeId()) instanceof BtfFuncProto)) {
                    throw new BpfException(mwhat + ": a function pointer in the object, but "
                            + kindName(kmt) + " in the kernel's struct " + tname);
                }
                if (m.program() != null) slots.add(new Slot(m.program(), m.name(), kindex, koff));
                continue;
            }
            BtfType lmt = local.resolve(m.typeId());
            if (lmt.kind() != kmt.kind()) {
                throw new BpfException(mwhat + ": " + kindName(lmt) + " in the object, but " + kindName(kmt)
                        + " in the kernel's struct " + tname);
            }
            long ksize = kbtf.sizeOf(km.typeId());
            if (ksize != m.size()) {
                throw new BpfException(mwhat + ": " + m.size() + " bytes in the object, " + ksize + " bytes in the "
                        + "kernel's struct " + tname);
            }
            if (koff + m.size() > value.length || m.offset() + m.size() > data.length) {
                throw new BpfException(mwhat + ": lies outside the value");
            }
            System.arraycopy(data, m.offset(), value, koff, m.size());
        }
        return new Plan(d.name(), ktypeId, vtypeId, module, value, slots, dropped);
    }

    private static int memberIndex(BtfStruct s, String name) {
        List<BtfMember> ms = s.members();
        for (int i = 0; i < ms.size(); i++) if (ms.get(i).name().equals(name)) return i;
        return -1;
    }

    private static boolean zero(byte[] data, int offset, int size) {
        for (int i = offset; i < Math.min(data.length, offset + size); i++) if (data[i] != 0) return false;
        return true;
    }

    private static String kindName(BtfType t) {
        return "a " + t.kind().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
