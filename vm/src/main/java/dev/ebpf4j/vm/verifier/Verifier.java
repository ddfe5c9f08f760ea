package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.vm.HelperRegistry;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.code.Reject;
import dev.ebpf4j.vm.context.ContextLayout;
import dev.ebpf4j.vm.maps.MapBase;
import dev.ebpf4j.vm.mem.Addresses;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * The static verifier of kernel mode: explores every path of the program with an abstract state per path (register
 * types and ranges, stack contents, acquired references), like the kernel's {@code do_check}, and rejects the
 * program at the first instruction that could misbehave on some input, with a kernel-style reason.
 *
 * <p>Checked: reachability of every instruction; reads of uninitialised registers and stack; pointer arithmetic
 * (allowed operators and pointer types); bounds of every load, store and atomic on context fields (with the field's
 * size and writability), stack (per frame, 512 bytes), packet data (after comparison with {@code data_end}), map
 * values and ring buffer records; NULL checks before dereferencing map lookups and ring buffer reservations; helper
 * argument types and memory sizes; release of every ring buffer reservation; call depth (8 frames), recursion,
 * combined stack size; termination (bounded loops explored until they exit, "infinite loop detected" for a repeated
 * state, and a limit of processed instructions). Paths are pruned against fully explored states that cover them.
 *
 * <pre>{@code
 * Verifier.verify(code, ContextLayouts.XDP, maps, VmOptions.defaults(), ProgramType.XDP);   // throws Reject
 * }</pre>
 */
public final class Verifier {
    static final int MAX_FRAMES = 8;
    static final int MAX_CHECKPOINTS_PER_INSN = 64;
    /** Frames kept in stored states at most (about 2 KiB each), so verification memory stays bounded. */
    static final int MAX_STORED_FRAMES = 100_000;
    /** Pending branches at most, as the kernel's BPF_COMPLEXITY_LIMIT_JMP_SEQ. */
    static final int MAX_PENDING = 8192;

    final Code code;
    final ContextLayout layout;
    final MapBase[] maps;
    final HelperRegistry helpers;
    final ProgramType type;
    private final int limit;
    private final boolean[] prune;
    private final List<List<Checkpoint>> checkpoints;
    /** Per instruction: 0 not a memory access yet, 1 context access, 2 other. */
    final int[] accessKind;
    /** Context rewrites: internal offset for pointer-field loads, else -1. */
    final int[] ctxRewrite;
    final int[] maxStack;
    final Set<Long> callEdges = new HashSet<>();
    private final ArrayDeque<Path> work = new ArrayDeque<>();
    private long processed;
    private int storedFrames;
    int nextId = 1;
    final MemoryChecks memory;
    final HelperChecks helperChecks;

    /** A stored state at a pruning point; {@code branches} counts paths below it still being explored. */
    static final class Checkpoint {
        final VerifierState state;
        final Checkpoint parent;
        int branches = 1;

        Checkpoint(VerifierState state, Checkpoint parent) {
            this.state = state;
            this.parent = parent;
        }
    }

    /** One path being explored. */
    static final class Path {
        VerifierState st;
        int pc;
        Checkpoint last;

        Path(VerifierState st, int pc, Checkpoint last) {
            this.st = st;
            this.pc = pc;
            this.last = last;
        }
    }

    private Verifier(Code code, ContextLayout layout, VmMaps maps, VmOptions options, ProgramType type) {
        this.code = code;
        this.layout = layout;
        this.maps = maps.internalMaps();
        this.helpers = options.helpers();
        this.type = type;
        this.limit = options.complexityLimit();
        this.prune = ControlFlow.check(code);
        this.checkpoints = new ArrayList<>(java.util.Collections.nCopies(code.length, (List<Checkpoint>) null));
        this.accessKind = new int[code.length];
        this.ctxRewrite = new int[code.length];
        java.util.Arrays.fill(ctxRewrite, -1);
        this.maxStack = new int[code.subprogStart.length];
        this.memory = new MemoryChecks(this);
        this.helperChecks = new HelperChecks(this);
    }

    /** Verifies {@code code} and applies the context rewrites; throws {@link Reject}. */
    public static void verify(Code code, ContextLayout layout, VmMaps maps, VmOptions options, ProgramType type) {
        Verifier v = new Verifier(code, layout, maps, options, type);
        v.run();
        StackDepth.check(code, v.maxStack, v.callEdges);
        for (int i = 0; i < code.length; i++) {
            if (v.ctxRewrite[i] >= 0) {
                code.opcode[i] = LDX | DW | MEM;
                code.offset[i] = v.ctxRewrite[i];
            }
        }
    }

    private void run() {
        VerifierState init = VerifierState.initial();
        RegState ctx = RegState.pointer(RegType.PTR_TO_CTX);
        init.cur().regs[1] = ctx;
        work.push(new Path(init, 0, null));
        while (!work.isEmpty()) {
            Path p = work.pop();
            try {
                explore(p);
            } catch (Reject r) {
                throw r;
            }
        }
    }

    // ---- paths and pruning ---------------------------------------------------------------------------------------

    void fork(Path p, VerifierState st, int pc) {
        if (work.size() >= MAX_PENDING) {
            throw reject(p, "The sequence of " + (MAX_PENDING + 1) + " jumps is too complex.");
        }
        if (p.last != null) p.last.branches++;
        work.push(new Path(st, pc, p.last));
    }

    private void end(Path p) {
        Checkpoint c = p.last;
        while (c != null) {
            c.branches--;
            if (c.branches > 0) break;
            c = c.parent;
        }
    }

    /** True when the path may stop here because an explored state covers it. */
    private boolean pruned(Path p) {
        List<Checkpoint> list = checkpoints.get(p.pc);
        if (list == null) {
            list = new ArrayList<>(2);
            checkpoints.set(p.pc, list);
        }
        for (Checkpoint c : list) {
            if (c.branches == 0) {
                if (c.state.covers(p.st)) return true;
            } else if (c.state.sameAs(p.st) && isAncestor(c, p.last)) {
                throw reject(p, "infinite loop detected at insn " + code.slot[p.pc]);
            }
        }
        if (list.size() < MAX_CHECKPOINTS_PER_INSN && storedFrames < MAX_STORED_FRAMES) {
            storedFrames += p.st.frames.size();
            Checkpoint c = new Checkpoint(p.st.copy(), p.last);
            // the path now counts under c instead of under its old checkpoint
            list.add(c);
            p.last = c;
        }
        return false;
    }

    private static boolean isAncestor(Checkpoint c, Checkpoint from) {
        for (Checkpoint x = from; x != null; x = x.parent) if (x == c) return true;
        return false;
    }

    Reject reject(Path p, String reason) {
        return new Reject(code.slot[p.pc], reason + "\n" + describe(p));
    }

    Reject reject(Path p, int pc, String reason) {
        return new Reject(code.slot[pc], reason);
    }

    private String describe(Path p) {
        StringBuilder sb = new StringBuilder();
        sb.append(code.slot[p.pc]).append(": ")
                .append(Disassembler.bpftool().format(code.instructions.get(p.pc), code.slot[p.pc])).append('\n');
        FrameState f = p.st.cur();
        for (int r = 0; r <= 10; r++) {
            if (f.regs[r].type != RegType.NOT_INIT) sb.append(" R").append(r).append('=').append(f.regs[r]);
        }
        return sb.toString().trim();
    }

    // ---- the per-path loop ----------------------------------------------------------------------------------------

    private void explore(Path p) {
        while (true) {
            if (++processed > limit) {
                throw new Reject(code.slot[p.pc], "BPF program is too large. Processed " + processed
                        + " insn (the VM's complexity limit; an unbounded loop?)");
            }
            if (prune[p.pc] && pruned(p)) {
                end(p);
                return;
            }
            if (!step(p)) {
                end(p);
                return;
            }
        }
    }

    /** Executes one instruction abstractly; false when the path ends. */
    private boolean step(Path p) {
        int i = p.pc;
        int op = code.opcode[i];
        switch (op & 7) {
            case ALU, ALU64 -> {
                AluStep.step(this, p, i);
                p.pc++;
                return true;
            }
            case JMP, JMP32 -> {
                return JumpStep.step(this, p, i);
            }
            case LD -> {
                if ((op & 0xe0) == IMM) {
                    loadImm64(p, i);
                } else {
                    memory.legacyPacketLoad(p, i);
                }
                p.pc++;
                return true;
            }
            default -> {
                memory.step(p, i);
                p.pc++;
                return true;
            }
        }
    }

    private void loadImm64(Path p, int i) {
        RegState r;
        switch (code.pseudo[i]) {
            case PSEUDO_MAP_FD, PSEUDO_MAP_IDX -> {
                r = RegState.pointer(RegType.CONST_PTR_TO_MAP);
                r.map = code.mapIndex[i];
            }
            case PSEUDO_MAP_VALUE, PSEUDO_MAP_IDX_VALUE -> {
                r = RegState.pointer(RegType.PTR_TO_MAP_VALUE);
                r.map = code.mapIndex[i];
                r.off = Addresses.offset(code.imm[i]);
            }
            case PSEUDO_FUNC -> {
                r = RegState.pointer(RegType.PTR_TO_FUNC);
                r.func = code.target[i];
            }
            default -> r = RegState.constant(code.imm[i]);
        }
        p.st.cur().regs[code.dst[i]] = r;
    }

    /** The register, which must be initialised. */
    RegState read(Path p, int reg) {
        RegState r = p.st.reg(reg);
        if (r.type == RegType.NOT_INIT) throw reject(p, "R" + reg + " !read_ok");
        return r;
    }

    int newId() {
        return nextId++;
    }

    /** Records that {@code frameSubprog} uses {@code depth} bytes of stack. */
    void useStack(FrameState f, int depth) {
        if (depth > maxStack[f.subprog]) maxStack[f.subprog] = depth;
    }

    /** Returns from a function or callback frame, or ends the program; false when the path ends. */
    boolean exit(Path p) {
        VerifierState st = p.st;
        RegState r0 = read(p, 0);
        if (st.frames.size() == 1) {
            if (!r0.isScalar()) {
                throw reject(p, "At program exit the register R0 is not a known value (" + r0.type.logName() + ")");
            }
            if (!st.refs.isEmpty()) {
                var e = st.refs.entrySet().iterator().next();
                throw reject(p, "Unreleased reference id=" + e.getKey() + " alloc_insn=" + code.slot[e.getValue()]);
            }
            return false;
        }
        FrameState callee = st.frames.remove(st.frames.size() - 1);
        if (r0.type == RegType.PTR_TO_STACK && r0.frame == callee.frameNo) {
            throw reject(p, "cannot return stack pointer to the caller");
        }
        if (callee.callback) {
            if (!r0.isScalar() || Long.compareUnsigned(r0.umax, 1) > 0) {
                throw reject(p, "At callback return the register R0 has value " + r0 + " should have been in [0, 1]");
            }
            return false;
        }
        FrameState caller = st.cur();
        caller.regs[0] = r0.copy();
        for (int r = 1; r <= 5; r++) caller.regs[r] = RegState.notInit();
        p.pc = callee.callsite + 1;
        return true;
    }

    /** A bpf-to-bpf call (or a callback entry): pushes a frame with r1..r5 (or {@code args}) and jumps. */
    void enterFunction(Path p, int callsite, int entry, RegState[] args, boolean callback) {
        VerifierState st = p.st;
        if (st.frames.size() >= MAX_FRAMES) {
            throw reject(p, "the call stack of " + (st.frames.size() + 1) + " frames is too deep");
        }
        int callee = code.subprogOf[entry];
        for (FrameState f : st.frames) {
            if (f.subprog == callee) {
                throw reject(p, "recursive call from insn " + code.slot[callsite] + " to " + code.slot[entry]);
            }
        }
        callEdges.add((long) st.cur().subprog << 32 | callee);
        FrameState f = FrameState.entry(st.frames.size(), callee);
        for (int r = 1; r <= 5; r++) f.regs[r] = args[r].copy();
        f.callsite = callsite;
        f.callback = callback;
        st.frames.add(f);
        p.pc = entry;
    }
}
