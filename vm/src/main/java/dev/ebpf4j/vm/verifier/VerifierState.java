package dev.ebpf4j.vm.verifier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A verifier state at one instruction along one path: the call frames (innermost last) and the acquired references
 * (ring buffer records not yet submitted). {@link #covers} decides pruning: an old state that was proven safe covers
 * a new one when every register and stack byte of the new state is within what the old one allowed.
 *
 * <pre>{@code
 * VerifierState s = VerifierState.initial();
 * s.cur().regs[1] = ctxPointer;
 * }</pre>
 */
public final class VerifierState {
    public final List<FrameState> frames = new ArrayList<>();
    /** Acquired references: id -> instruction index that acquired it. */
    public final Map<Integer, Integer> refs = new HashMap<>();

    public static VerifierState initial() {
        VerifierState s = new VerifierState();
        s.frames.add(FrameState.entry(0, 0));
        return s;
    }

    public FrameState cur() {
        return frames.get(frames.size() - 1);
    }

    public RegState reg(int r) {
        return cur().regs[r];
    }

    public VerifierState copy() {
        VerifierState s = new VerifierState();
        for (FrameState f : frames) s.frames.add(f.copy());
        s.refs.putAll(refs);
        return s;
    }

    /** Every register and spilled slot in every frame, for id-based updates. */
    public void forEachReg(java.util.function.Consumer<RegState> action) {
        for (FrameState f : frames) {
            for (RegState r : f.regs) action.accept(r);
            for (RegState r : f.spills) if (r != null) action.accept(r);
        }
    }

    /** True when this (old, fully explored) state covers {@code cur}: exploring cur cannot find anything new. */
    public boolean covers(VerifierState cur) {
        if (frames.size() != cur.frames.size()) return false;
        if (!refs.keySet().equals(cur.refs.keySet())) return false;
        Map<Integer, Integer> idmap = new HashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            FrameState o = frames.get(i);
            FrameState c = cur.frames.get(i);
            if (o.callsite != c.callsite || o.callback != c.callback) return false;
            for (int r = 0; r < 11; r++) if (!regCovers(o.regs[r], c.regs[r], idmap)) return false;
            for (int b = 0; b < FrameState.STACK; b++) {
                byte ot = o.stack[b];
                byte ct = c.stack[b];
                if (ot == FrameState.INVALID) continue;
                if (ot == FrameState.MISC) {
                    if (ct == FrameState.MISC || ct == FrameState.ZERO) continue;
                    if (ct == FrameState.SPILL && c.spills[b / 8] != null && c.spills[b / 8].isScalar()) continue;
                    return false;
                }
                if (ot != ct) return false;
            }
            for (int s = 0; s < o.spills.length; s++) {
                if (o.spills[s] == null) continue;
                if (c.spills[s] == null || !regCovers(o.spills[s], c.spills[s], idmap)) return false;
            }
        }
        return true;
    }

    private static boolean regCovers(RegState o, RegState c, Map<Integer, Integer> idmap) {
        if (o.type == RegType.NOT_INIT) return true;
        if (o.type != c.type) return false;
        if (o.type == RegType.SCALAR) {
            // a link the old proof may have used (copies refined together) must exist in the new state too
            return o.rangeContains(c) && (o.id == 0 || c.id != 0 && idMatches(o.id, c.id, idmap));
        }
        if (o.off != c.off || o.map != c.map || o.frame != c.frame || o.memSize != c.memSize || o.func != c.func) {
            return false;
        }
        if (!o.rangeContains(c)) return false;
        if (o.type.isPacket() && o.range > c.range) return false;
        if (!idMatches(o.id, c.id, idmap) || !idMatches(-o.ref - 1, -c.ref - 1, idmap)) return false;
        return true;
    }

    private static boolean idMatches(int o, int c, Map<Integer, Integer> idmap) {
        if (o == 0 && c == 0) return true;
        if (o == 0 || c == 0) return o == c;
        Integer seen = idmap.putIfAbsent(o, c);
        return seen == null || seen == c;
    }

    /** Exact equality (for the infinite-loop check). */
    public boolean sameAs(VerifierState o) {
        return o.covers(this) && this.covers(o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(frames.size());
    }
}
