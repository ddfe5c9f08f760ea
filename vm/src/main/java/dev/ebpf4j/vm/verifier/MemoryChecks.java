package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.context.ContextLayout;
import dev.ebpf4j.vm.maps.MapBase;
import dev.ebpf4j.vm.mem.Addresses;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Bounds and type checks of loads, stores and atomics, and of memory handed to helpers: what each pointer type may
 * address (context fields, the frame's 512 stack bytes, verified packet range, map value, ring buffer record), what a
 * load yields (a spilled register comes back as it was; context pointer fields become packet pointers), and how
 * stores change the tracked stack.
 *
 * <pre>{@code
 * memory.step(path, instructionIndex);
 * }</pre>
 */
final class MemoryChecks {
    private static final long MAX_VAR = 1L << 29;
    private final Verifier v;

    MemoryChecks(Verifier v) {
        this.v = v;
    }

    void step(Verifier.Path p, int i) {
        int op = v.code.opcode[i];
        int cls = op & 7;
        int size = sizeBytes(op & 0x18);
        int d = v.code.dst[i];
        int s = v.code.src[i];
        int off = v.code.offset[i];
        FrameState f = p.st.cur();
        if (cls == LDX) {
            RegState r = access(p, i, s, off, size, false, null, (op & 0xe0) == MEMSX);
            f.regs[d] = r;
            return;
        }
        if (cls == ST) {
            access(p, i, d, off, size, true, RegState.constant(v.code.imm[i]), false);
            return;
        }
        if ((op & 0xe0) == MEM) {
            RegState value = v.read(p, s);
            access(p, i, d, off, size, true, value, false);
            return;
        }
        atomic(p, i, op, size, d, s, off);
    }

    private void atomic(Verifier.Path p, int i, int op, int size, int d, int s, int off) {
        int aop = (int) v.code.imm[i];
        FrameState f = p.st.cur();
        if (aop == LOAD_ACQ) {
            f.regs[d] = access(p, i, s, off, size, false, null, false);
            return;
        }
        RegState value = v.read(p, s);
        if (aop == STORE_REL) {
            access(p, i, d, off, size, true, value, false);
            return;
        }
        RegState base = v.read(p, d);
        if (base.type == RegType.PTR_TO_CTX || base.type.isPacket()) {
            throw v.reject(p, "BPF_ATOMIC stores into R" + d + " " + base.type.logName() + " is not allowed");
        }
        if (!value.isScalar()) throw v.reject(p, "R" + s + " leaks addr into mem");
        if (aop == CMPXCHG) {
            RegState r0 = v.read(p, 0);
            if (!r0.isScalar()) throw v.reject(p, "R0 leaks addr into mem");
        }
        access(p, i, d, off, size, false, null, false);   // the old value must be readable
        access(p, i, d, off, size, true, RegState.unknown(), false);
        RegState old = size == 4 ? RegState.bounded(0xffffffffL) : RegState.unknown();
        if (aop == CMPXCHG) f.regs[0] = old;
        else if ((aop & FETCH) != 0) f.regs[s] = old;
    }

    /** Checks one access through register {@code regno}; returns what a load yields (null for stores). */
    RegState access(Verifier.Path p, int i, int regno, int insnOff, int size, boolean write, RegState value,
                    boolean signed) {
        RegState base = v.read(p, regno);
        boolean ctx = base.type == RegType.PTR_TO_CTX;
        int kind = ctx ? 1 : 2;
        if (v.accessKind[i] != 0 && v.accessKind[i] != kind) {
            throw v.reject(p, "same insn cannot be used with different pointers");
        }
        v.accessKind[i] = kind;
        noteRegion(i, base);
        return switch (base.type) {
            case PTR_TO_STACK -> stack(p, base, regno, insnOff, size, write, value);
            case PTR_TO_CTX -> context(p, i, base, regno, insnOff, size, write, value, signed);
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
                packet(p, base, regno, insnOff, size);
                yield write ? null : loaded(size, signed);
            }
            case PTR_TO_MAP_VALUE -> {
                MapBase m = v.maps[base.map];
                region(p, base, regno, insnOff, size, m.spec().valueSize(), "map value");
                yield write ? null : loaded(size, signed);
            }
            case PTR_TO_MEM -> {
                region(p, base, regno, insnOff, size, base.memSize, "mem");
                yield write ? null : loaded(size, signed);
            }
            default -> throw v.reject(p, "R" + regno + " invalid mem access '" + base.type.logName() + "'");
        };
    }

    /**
     * Records the region the access reaches on this path in {@code Code.accessRegion} (a mismatch between paths makes
     * it mixed). Pruned paths need no record of their own: a covering state has the same pointer types and maps.
     */
    private void noteRegion(int i, RegState base) {
        int region = switch (base.type) {
            case PTR_TO_CTX -> Addresses.CTX;
            case PTR_TO_STACK -> Addresses.STACK;
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> Addresses.PACKET;
            case PTR_TO_MAP_VALUE -> v.maps[base.map].region();
            case PTR_TO_MEM -> base.map >= 0 ? v.maps[base.map].region() : Code.MIXED_REGION;
            default -> Code.MIXED_REGION;
        };
        int[] seen = v.code.accessRegion;
        seen[i] = seen[i] == 0 || seen[i] == region ? region : Code.MIXED_REGION;
    }

    static RegState loaded(int size, boolean signed) {
        if (size == 8) return RegState.unknown();
        if (!signed) return RegState.bounded((1L << (size * 8)) - 1);
        RegState r = RegState.unknown();
        r.smin = -(1L << (size * 8 - 1));
        r.smax = (1L << (size * 8 - 1)) - 1;
        r.sync();
        return r;
    }

    private void checkVar(Verifier.Path p, RegState base, int regno) {
        if (base.smin < 0) {
            throw v.reject(p, "R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) "
                    + "check.");
        }
        if (Long.compareUnsigned(base.umax, MAX_VAR) >= 0) {
            throw v.reject(p, "R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
    }

    private void region(Verifier.Path p, RegState base, int regno, int insnOff, int size, int limit, String what) {
        checkVar(p, base, regno);
        long lo = (long) base.off + insnOff + base.umin;
        long hi = (long) base.off + insnOff + base.umax + size;
        if (lo < 0 || hi > limit) {
            throw v.reject(p, "invalid access to " + what + ", " + (what.equals("mem") ? "mem_size" : "value_size")
                    + "=" + limit + " off=" + (base.off + insnOff) + " size=" + size);
        }
    }

    private void packet(Verifier.Path p, RegState base, int regno, int insnOff, int size) {
        checkVar(p, base, regno);
        if (Long.compareUnsigned(base.umax, 0xffff) > 0) {
            throw v.reject(p, "R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
        long off = (long) base.off + insnOff;
        if (off < 0 || off + size > base.range) {
            throw v.reject(p, "invalid access to packet, off=" + off + " size=" + size + ", R" + regno + "(id="
                    + base.id + ",off=" + base.off + ",r=" + base.range + ")");
        }
    }

    private RegState context(Verifier.Path p, int i, RegState base, int regno, int insnOff, int size, boolean write,
                             RegState value, boolean signed) {
        ContextLayout layout = v.layout;
        if (base.off != 0) {
            throw v.reject(p, "dereference of modified ctx ptr R" + regno + " off=" + base.off + " disallowed");
        }
        if (!base.isConstant() || base.constant() != 0) {
            throw v.reject(p, "variable ctx access var_off=" + base.tnum + " disallowed");
        }
        ContextLayout.Field field = layout.fieldAt(insnOff).orElse(null);
        String bad = "invalid bpf_context access off=" + insnOff + " size=" + size;
        if (field == null || !field.contains(insnOff, size) || signed) throw v.reject(p, bad);
        if (write) {
            if (!field.writable()) throw v.reject(p, bad);
            if (!value.isScalar()) throw v.reject(p, "R" + regno + " leaks addr into ctx");
            boolean ok = size == field.size() && insnOff == field.offset() || field.narrow() && insnOff % size == 0;
            if (!ok) throw v.reject(p, bad);
            return null;
        }
        if (!field.readable()) throw v.reject(p, bad);
        if (field.kind() != ContextLayout.Kind.SCALAR) {
            if (size != 4 || insnOff != field.offset()) throw v.reject(p, bad);
            v.ctxRewrite[i] = field.internalOffset();
            return switch (field.kind()) {
                case PACKET -> RegState.pointer(RegType.PTR_TO_PACKET);
                case PACKET_META -> RegState.pointer(RegType.PTR_TO_PACKET_META);
                default -> RegState.pointer(RegType.PTR_TO_PACKET_END);
            };
        }
        boolean ok = size == field.size() && insnOff == field.offset() || field.narrow() && insnOff % size == 0;
        if (!ok) throw v.reject(p, bad);
        return loaded(size, false);
    }

    // ---- stack ---------------------------------------------------------------------------------------------------

    private RegState stack(Verifier.Path p, RegState base, int regno, int insnOff, int size, boolean write,
                           RegState value) {
        FrameState frame = p.st.frames.get(base.frame);
        long lo = (long) base.off + insnOff + base.smin;
        long hi = (long) base.off + insnOff + base.smax + size;
        if (lo < -FrameState.STACK || hi > 0 || base.smin > base.smax) {
            throw v.reject(p, "invalid " + (write ? "write to" : "read from") + " stack R" + regno + " off="
                    + (base.off + insnOff) + " size=" + size);
        }
        v.useStack(frame, (int) -lo);
        int from = (int) lo + FrameState.STACK;
        int to = (int) hi + FrameState.STACK;
        boolean fixed = base.isConstant();
        if (write) {
            if (!fixed) {
                if (value.type.isPointer()) throw v.reject(p, "R" + regno + " variable stack write of a pointer");
                frame.mark(from, to, FrameState.MISC);
                return null;
            }
            if (size == 8 && from % 8 == 0) {
                frame.spill(from / 8, value);
                return null;
            }
            if (value.type.isPointer()) throw v.reject(p, "invalid size of register spill");
            boolean zero = value.isConstant() && (value.constant() & ((size == 8 ? 0 : 1L << (size * 8)) - 1)) == 0;
            frame.mark(from, to, zero ? FrameState.ZERO : FrameState.MISC);
            return null;
        }
        if (fixed && size == 8 && from % 8 == 0 && frame.spills[from / 8] != null) {
            return frame.spills[from / 8].copy();
        }
        boolean allZero = true;
        for (int b = from; b < to; b++) {
            byte t = frame.stack[b];
            if (t == FrameState.INVALID) {
                throw v.reject(p, "invalid read from stack R" + regno + " off " + (base.off + insnOff) + "+"
                        + (b - from) + " size " + size);
            }
            if (t == FrameState.SPILL) {
                RegState spilled = frame.spills[b / 8];
                if (spilled != null && spilled.type.isPointer()) {
                    throw v.reject(p, "invalid size of register fill");
                }
            }
            if (t != FrameState.ZERO) allZero = false;
        }
        return allZero ? RegState.constant(0) : loaded(size, false);
    }

    /**
     * Memory handed to a helper: {@code [reg, reg + maxSize)} must be addressable, and readable (initialised) unless
     * {@code uninit}, in which case stack bytes become initialised.
     */
    void helperMemory(Verifier.Path p, int regno, long minSize, long maxSize, boolean uninit) {
        RegState r = v.read(p, regno);
        if (maxSize == 0 && r.isScalar() && r.isConstant() && r.constant() == 0) return;
        if (maxSize == 0 && r.type.isPointer()) return;
        int size = (int) maxSize;
        switch (r.type) {
            case PTR_TO_STACK -> {
                FrameState frame = p.st.frames.get(r.frame);
                long lo = (long) r.off + r.smin;
                long hi = (long) r.off + r.smax + size;
                if (lo < -FrameState.STACK || hi > 0) {
                    throw v.reject(p, "invalid indirect access to stack R" + regno + " off=" + r.off + " size=" + size);
                }
                v.useStack(frame, (int) -lo);
                int from = (int) lo + FrameState.STACK;
                int to = (int) hi + FrameState.STACK;
                if (uninit) {
                    frame.mark(from, to, FrameState.MISC);
                } else {
                    for (int b = from; b < to; b++) {
                        if (frame.stack[b] == FrameState.INVALID) {
                            throw v.reject(p, "invalid indirect read from stack R" + regno + " off " + r.off + "+"
                                    + (b - from) + " size " + size);
                        }
                    }
                }
            }
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> packet(p, r, regno, 0, size);
            case PTR_TO_MAP_VALUE -> region(p, r, regno, 0, size, v.maps[r.map].spec().valueSize(), "map value");
            case PTR_TO_MEM -> region(p, r, regno, 0, size, r.memSize, "mem");
            default -> throw v.reject(p, "R" + regno + " type=" + r.type.logName()
                    + " expected=fp, pkt, pkt_meta, map_value, mem");
        }
    }

    /** {@code BPF_LD | BPF_ABS/BPF_IND}: socket-buffer programs only, with the context in r6. */
    void legacyPacketLoad(Verifier.Path p, int i) {
        int op = v.code.opcode[i];
        if (v.layout == null || v.layout.name().equals("xdp_md")) {
            throw v.reject(p, "BPF_LD_[ABS|IND] instructions not allowed for this program type");
        }
        RegState r6 = v.read(p, 6);
        if (r6.type != RegType.PTR_TO_CTX) throw v.reject(p, "at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        if ((op & 0xe0) == IND) {
            RegState src = v.read(p, v.code.src[i]);
            if (!src.isScalar()) throw v.reject(p, "R" + v.code.src[i] + " leaks addr into packet load");
        }
        if (!p.st.refs.isEmpty()) throw v.reject(p, "BPF_LD_[ABS|IND] cannot be mixed with socket references");
        FrameState f = p.st.cur();
        f.regs[0] = RegState.bounded((1L << (sizeBytes(op & 0x18) * 8)) - 1);
        for (int r = 1; r <= 5; r++) f.regs[r] = RegState.notInit();
    }
}
