package dev.ebpf4j.vm.runtime;

import dev.ebpf4j.vm.HelperContext;
import dev.ebpf4j.vm.VmBudgetExceededException;
import dev.ebpf4j.vm.VmCallDepthException;
import dev.ebpf4j.vm.VmHelperException;
import dev.ebpf4j.vm.VmMap;
import dev.ebpf4j.vm.VmProgram;
import dev.ebpf4j.vm.maps.MapBase;
import dev.ebpf4j.vm.mem.Addresses;
import dev.ebpf4j.vm.mem.Memory;

import java.util.Arrays;

/**
 * The mutable state of one run of a program on one thread: the region table (context, stack, packet, the maps'
 * memory), call depth, instruction fuel, tail-call and stop requests. Engines read and write its public fields
 * directly; helpers see it as a {@link HelperContext}. One per thread, reused between runs.
 *
 * <pre>{@code
 * Execution ex = Execution.forThread(program);
 * ex.setContext(ctxBytes);
 * long r0 = program.engine().run(ex, Addresses.of(Addresses.CTX, 0), 0);
 * }</pre>
 */
public final class Execution implements HelperContext {
    /** Fuel handed out per slice; deadlines and interrupts are checked between slices. */
    public static final long SLICE = 1 << 20;

    /**
     * The region table ({@link Addresses}): one array per region, or null. Set up by {@link #begin} and the caller
     * before a run and never changed while the program runs (helpers must not replace a region's array), so that
     * engines may keep the arrays in locals for the whole run.
     */
    public byte[][] regions;
    public final byte[] stack;
    /**
     * Registers r0..r10 of each call frame ({@link #REGISTERS_PER_FRAME} per frame, frame {@code depth} at
     * {@code depth * REGISTERS_PER_FRAME}) where an engine keeps them in memory: the JIT passes them between the
     * methods of a function too large for one JVM method.
     */
    public final long[] registers;
    public static final int REGISTERS_PER_FRAME = 11;
    public final int maxDepth;
    /** Current call depth: 0 in the main program. */
    public int depth;
    /** Instructions left in the current slice; engines subtract and call {@link #refuel(int)} below zero. */
    public long fuel;
    private long remaining;
    private long deadline;
    /** Set when the program must stop at once (a helper called exitProgram, or a tail call succeeded). */
    public boolean stop;
    public long stopValue;
    /** The program a successful tail call continues with. */
    public LoadedProgram tailTarget;
    public int tailCalls;
    /** The instruction calling a helper, for error messages. */
    public int pc;
    /** Packet data for legacy packet loads (BPF_ABS/BPF_IND): start address and length. */
    public long packetStart;
    public int packetLength;
    /** The program running (changes on tail calls). */
    public LoadedProgram program;
    private MapBase[] maps;

    public Execution(int maxDepth) {
        this.maxDepth = maxDepth;
        this.stack = new byte[maxDepth * Addresses.FRAME_SIZE];
        this.registers = new long[maxDepth * REGISTERS_PER_FRAME];
        this.regions = new byte[Addresses.FIRST_MAP][];
        regions[Addresses.STACK] = stack;
    }

    /** The address r10 holds in frame {@code depth}. */
    public long framePointer(int frameDepth) {
        return Addresses.of(Addresses.STACK, (maxDepth - frameDepth) * Addresses.FRAME_SIZE);
    }

    /** Prepares a run of {@code p}: maps, fuel, flags; the caller then sets context and packet. */
    public void begin(LoadedProgram p, long budget, long timeoutNanos, boolean clearStack) {
        program = p;
        MapBase[] current = p.maps.internalMaps();
        if (current != maps) {
            maps = current;
            byte[][] r = Arrays.copyOf(regions, Addresses.FIRST_MAP + current.length);
            for (int i = 0; i < current.length; i++) r[Addresses.FIRST_MAP + i] = current[i].memory();
            regions = r;
        }
        regions[Addresses.CTX] = null;
        regions[Addresses.PACKET] = null;
        depth = 0;
        stop = false;
        stopValue = 0;
        tailTarget = null;
        tailCalls = 0;
        packetStart = 0;
        packetLength = 0;
        fuel = Math.min(SLICE, budget);
        remaining = budget - fuel;
        deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        if (clearStack) Arrays.fill(stack, (byte) 0);
    }

    /** Called by engines when {@link #fuel} went negative: hands out the next slice or stops the program. */
    public long refuel(int atPc) {
        if (Thread.currentThread().isInterrupted()) {
            throw new VmBudgetExceededException("the thread running the program was interrupted", atPc);
        }
        if (deadline != 0 && System.nanoTime() - deadline > 0) {
            throw new VmBudgetExceededException("the program ran past its timeout", atPc);
        }
        if (remaining <= 0) {
            throw new VmBudgetExceededException("the program ran past its instruction budget of "
                    + program.options.instructionBudget() + " instructions (an endless loop?)", atPc);
        }
        long give = Math.min(SLICE, remaining);
        remaining -= give;
        fuel += give;
        return fuel;
    }

    /** Enters a call frame; throws when too deep. */
    public void enterFrame(int atPc) {
        if (depth + 1 >= maxDepth) {
            throw new VmCallDepthException("call depth limit " + maxDepth + " exceeded (recursion?)", atPc);
        }
        depth++;
    }

    public void leaveFrame() {
        depth--;
    }

    /** The helper for {@code id}, or an exception naming it. */
    public dev.ebpf4j.vm.VmHelper helper(long id, int atPc) {
        dev.ebpf4j.vm.VmHelper[] h = program.helpers;
        if (id >= 0 && id < h.length && h[(int) id] != null) return h[(int) id];
        throw new VmHelperException("helper #" + id + " is not registered", atPc);
    }

    /** Calls helper {@code id} (used by the interpreter and for callx). */
    public long callHelper(long id, int atPc, long r1, long r2, long r3, long r4, long r5) {
        dev.ebpf4j.vm.VmHelper h = helper(id, atPc);
        pc = atPc;
        return h.call(this, r1, r2, r3, r4, r5);
    }

    // ---- HelperContext -------------------------------------------------------------------------------------------

    @Override
    public long load(long address, int size) {
        return Memory.load(regions, address, size, pc);
    }

    @Override
    public void store(long address, int size, long value) {
        Memory.store(regions, address, size, value, pc);
    }

    @Override
    public byte[] read(long address, int length) {
        if (length < 0) throw new VmHelperException("negative length " + length, pc);
        byte[] out = new byte[length];
        Memory.read(regions, address, out, 0, length, pc);
        return out;
    }

    @Override
    public void read(long address, byte[] out, int at, int length) {
        Memory.read(regions, address, out, at, length, pc);
    }

    @Override
    public void write(long address, byte[] in, int at, int length) {
        Memory.write(regions, address, in, at, length, pc);
    }

    @Override
    public VmMap map(long mapPointer) {
        return mapBase(mapPointer);
    }

    /** The map behind a map handle, or an exception. */
    public MapBase mapBase(long handle) {
        int tag = Addresses.region(handle) - Addresses.MAP_HANDLE;
        if (Addresses.offset(handle) == 0 && tag >= 0 && tag < maps.length) return maps[tag];
        throw new VmHelperException("argument " + Addresses.describe(handle) + " is not a map pointer", pc);
    }

    @Override
    public long callFunction(long function, long r1, long r2, long r3, long r4, long r5) {
        if (Addresses.region(function) != Addresses.FUNCTION) {
            throw new VmHelperException("argument " + Addresses.describe(function) + " is not a function pointer", pc);
        }
        int entry = Addresses.offset(function);
        if (entry < 0 || entry >= program.code.length || program.code.subprogAt(entry) < 0) {
            throw new VmHelperException("function pointer " + entry + " is not the start of a function", pc);
        }
        int savedPc = pc;
        long r0 = program.engine.call(this, entry, r1, r2, r3, r4, r5);
        pc = savedPc;
        return r0;
    }

    @Override
    public void trace(String line) {
        program.options.traceSink().accept(line);
    }

    @Override
    public void exitProgram(long r0) {
        stop = true;
        stopValue = r0;
    }

    @Override
    public VmProgram program() {
        return program.owner;
    }
}
