package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.MapType;
import dev.ebpf4j.vm.ArgType;
import dev.ebpf4j.vm.HelperRegistry;
import dev.ebpf4j.vm.HelperSignature;
import dev.ebpf4j.vm.helpers.StandardHelpers;
import dev.ebpf4j.vm.maps.MapBase;

import java.util.List;

/**
 * Checks a helper call against the helper's {@link HelperSignature}: argument types, memory arguments with their
 * sizes, map types the built-in helpers accept, released references; then sets r0 by the return type and makes
 * r1..r5 unreadable. {@code bpf_loop}-style calls (a function argument) also verify the callback: on one path the
 * callback runs (in a new frame, with the caller's stack it can reach stripped of spilled registers, since earlier
 * iterations may have changed it), on the other the call returns.
 *
 * <pre>{@code
 * boolean goesOn = helperChecks.call(path, instructionIndex);
 * }</pre>
 */
final class HelperChecks {
    private final Verifier v;

    HelperChecks(Verifier v) {
        this.v = v;
    }

    boolean call(Verifier.Path p, int i) {
        int id = (int) v.code.imm[i];
        HelperRegistry.Entry entry = v.helpers.get(id).orElseThrow(() -> v.reject(p, "invalid func unknown#" + id));
        HelperSignature sig = entry.signature();
        String name = sig.name() + "#" + id;
        if (id == StandardHelpers.TAIL_CALL) {
            if (p.st.frames.size() > 1) {
                throw v.reject(p, "tail_call is only allowed in the main program by the ebpf4j VM");
            }
            if (!p.st.refs.isEmpty()) throw v.reject(p, "tail_call would lead to reference leak");
        }
        List<ArgType> args = sig.args();
        MapBase map = null;
        int callback = -1;
        long allocSize = -1;
        int release = 0;
        for (int a = 0; a < args.size(); a++) {
            int regno = a + 1;
            ArgType t = args.get(a);
            RegState r = v.read(p, regno);
            switch (t) {
                case ANYTHING, PTR_TO_STACK_OR_NULL -> { }
                case SCALAR -> expect(p, r.isScalar(), regno, r, "scalar");
                case CONST_MAP_PTR -> {
                    expect(p, r.type == RegType.CONST_PTR_TO_MAP, regno, r, "map_ptr");
                    map = v.maps[r.map];
                    checkMapType(p, id, map, name);
                }
                case PTR_TO_MAP_KEY -> v.memory.helperMemory(p, regno, map.spec().keySize(), map.spec().keySize(),
                        false);
                case PTR_TO_MAP_VALUE -> v.memory.helperMemory(p, regno, map.spec().valueSize(),
                        map.spec().valueSize(), false);
                case PTR_TO_MEM, PTR_TO_UNINIT_MEM -> {
                    ArgType sizeType = args.get(a + 1);
                    RegState size = v.read(p, regno + 1);
                    expect(p, size.isScalar(), regno + 1, size, "scalar");
                    if (size.smin < 0) {
                        throw v.reject(p, "R" + (regno + 1) + " min value is negative, either use unsigned or "
                                + "'var &= const'");
                    }
                    if (Long.compareUnsigned(size.umax, 1L << 29) >= 0) {
                        throw v.reject(p, "R" + (regno + 1) + " unbounded memory access, use 'var &= const' or "
                                + "'if (var < const)'");
                    }
                    if (sizeType == ArgType.CONST_SIZE && size.umin == 0) {
                        throw v.reject(p, "R" + (regno + 1) + " invalid zero-sized read: u64=[" + size.umin + ","
                                + size.umax + "]");
                    }
                    v.memory.helperMemory(p, regno, size.umin, size.umax, t == ArgType.PTR_TO_UNINIT_MEM);
                }
                case CONST_SIZE, CONST_SIZE_OR_ZERO -> { }
                case PTR_TO_CTX -> expect(p, r.type == RegType.PTR_TO_CTX && r.off == 0 && r.isConstant()
                        && r.constant() == 0, regno, r, "ctx");
                case PTR_TO_FUNC -> {
                    expect(p, r.type == RegType.PTR_TO_FUNC, regno, r, "func");
                    callback = r.func;
                }
                case CONST_ALLOC_SIZE_OR_ZERO -> {
                    if (!r.isScalar() || !r.isConstant()) throw v.reject(p, "R" + regno + " is not a known constant");
                    if (r.constant() < 0 || r.constant() > (1L << 29)) {
                        throw v.reject(p, "R" + regno + " size " + r.constant() + " out of range");
                    }
                    allocSize = r.constant();
                }
                case PTR_TO_ALLOC_MEM -> {
                    if (r.type != RegType.PTR_TO_MEM || r.ref == 0) {
                        throw v.reject(p, "R" + regno + " type=" + r.type.logName() + " expected=alloc_mem (a "
                                + "reserved ring buffer record, NULL-checked)");
                    }
                    if (r.off != 0 || !r.isConstant() || r.constant() != 0) {
                        throw v.reject(p, "R" + regno + " must have zero offset when passed to release func");
                    }
                    release = r.ref;
                }
            }
        }
        VerifierState st = p.st;
        if (release != 0) {
            int ref = release;
            if (st.refs.remove(ref) == null) throw v.reject(p, "arg 1 is an unacquired reference");
            st.forEachReg(r -> {
                if (r.ref == ref) r.markUnknown();
            });
        }
        if (callback >= 0) {
            RegState ctxArg = st.reg(3).copy();
            if (ctxArg.type == RegType.PTR_TO_STACK) st.frames.get(ctxArg.frame).havocStack();
            VerifierState after = st.copy();
            setResult(after, RegState.unknown());
            v.fork(p, after, i + 1);
            RegState[] cbArgs = new RegState[6];
            for (int r = 0; r < 6; r++) cbArgs[r] = RegState.notInit();
            cbArgs[1] = RegState.bounded(StandardHelpers.MAX_LOOPS);
            cbArgs[2] = ctxArg;
            v.enterFunction(p, i, callback, cbArgs, true);
            return true;
        }
        RegState r0 = switch (sig.returns()) {
            case INTEGER, VOID -> RegState.unknown();
            case MAP_VALUE_OR_NULL -> {
                if (map == null) throw v.reject(p, name + " returns a map value but takes no map");
                RegState r = RegState.pointer(RegType.MAP_VALUE_OR_NULL);
                r.map = map.index();
                r.id = v.newId();
                yield r;
            }
            case ALLOC_MEM_OR_NULL -> {
                if (allocSize < 0) throw v.reject(p, name + " returns memory but takes no constant size");
                RegState r = RegState.pointer(RegType.MEM_OR_NULL);
                r.memSize = (int) allocSize;
                if (map != null) r.map = map.index();   // where the memory comes from (a ring buffer's records)
                r.id = v.newId();
                r.ref = r.id;
                st.refs.put(r.ref, i);
                yield r;
            }
        };
        setResult(st, r0);
        p.pc = i + 1;
        return true;
    }

    private static void setResult(VerifierState st, RegState r0) {
        FrameState f = st.cur();
        f.regs[0] = r0;
        for (int r = 1; r <= 5; r++) f.regs[r] = RegState.notInit();
    }

    private void expect(Verifier.Path p, boolean ok, int regno, RegState r, String expected) {
        if (!ok) throw v.reject(p, "R" + regno + " type=" + r.type.logName() + " expected=" + expected);
    }

    private void checkMapType(Verifier.Path p, int id, MapBase map, String name) {
        MapType t = map.type();
        boolean ok = switch (id) {
            case StandardHelpers.MAP_LOOKUP_ELEM, StandardHelpers.MAP_UPDATE_ELEM, StandardHelpers.MAP_DELETE_ELEM ->
                    t != MapType.RINGBUF && t != MapType.PROG_ARRAY;
            case StandardHelpers.RINGBUF_OUTPUT, StandardHelpers.RINGBUF_RESERVE, StandardHelpers.RINGBUF_QUERY ->
                    t == MapType.RINGBUF;
            case StandardHelpers.TAIL_CALL -> t == MapType.PROG_ARRAY;
            default -> true;
        };
        if (!ok) throw v.reject(p, "cannot pass map_type " + t.number() + " into func " + name);
    }
}
