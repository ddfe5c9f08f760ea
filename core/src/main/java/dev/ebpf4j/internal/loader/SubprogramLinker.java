package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.btf.BtfExt;
import dev.ebpf4j.btf.BtfExtSection;
import dev.ebpf4j.btf.BtfFuncInfo;
import dev.ebpf4j.btf.BtfLineInfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Links a program: appends every subprogram it calls (directly or through other subprograms, and callbacks whose
 * address it takes) after its own code, each once, and rewrites call and callback immediates to the relative offsets
 * the kernel expects. {@code .BTF.ext} records of every placed function are rebased to the linked program. Calls that
 * miss a function start and recursive call cycles are errors (the kernel rejects recursion).
 *
 * <pre>{@code
 * SubprogramLinker linker = new SubprogramLinker(functionTable, btfExt);
 * LinkedProgram p = linker.link(functionTable.function("handle_exec"));
 * }</pre>
 */
public final class SubprogramLinker {
    private final FunctionTable table;
    private final Map<String, List<BtfFuncInfo>> funcInfos = new HashMap<>();
    private final Map<String, List<BtfLineInfo>> lineInfos = new HashMap<>();
    private final Map<String, List<BtfCoreRelo>> coreRelos = new HashMap<>();
    private long totalSlots;

    public SubprogramLinker(FunctionTable table, BtfExt ext) {
        this.table = table;
        if (ext != null) {
            index(ext.funcInfos(), funcInfos);
            index(ext.lineInfos(), lineInfos);
            index(ext.coreRelos(), coreRelos);
        }
    }

    private static <T> void index(List<BtfExtSection<T>> sections, Map<String, List<T>> into) {
        for (BtfExtSection<T> s : sections) into.computeIfAbsent(s.name(), k -> new ArrayList<>()).addAll(s.records());
    }

    /** Links the program whose entry function is {@code entry}. */
    public LinkedProgram link(FunctionSymbol entry) {
        checkNoCycles(entry);
        List<Instruction> out = new ArrayList<>();
        List<FunctionSymbol> order = new ArrayList<>();
        Map<FunctionSymbol, Integer> slotOf = new IdentityHashMap<>();
        Map<FunctionSymbol, Integer> indexOf = new IdentityHashMap<>();
        int[] slots = {0};
        place(entry, out, order, slotOf, indexOf, slots);
        for (int k = 0; k < order.size(); k++) {
            FunctionSymbol f = order.get(k);
            CodeSection code = table.section(f.sectionIndex());
            for (int i = f.startIndex(); i < f.endIndex(); i++) {
                CodeSection.CallTarget t = code.callTarget(i);
                if (t == null) continue;
                FunctionSymbol target = target(code, i, t);
                if (!slotOf.containsKey(target)) place(target, out, order, slotOf, indexOf, slots);
                int outIndex = indexOf.get(f) + (i - f.startIndex());
                int outSlot = slotOf.get(f) + (code.slotOf(i) - f.startSlot());
                int relative = slotOf.get(target) - (outSlot + 1);
                Instruction insn = out.get(outIndex);
                long constant = insn.isWide() ? Integer.toUnsignedLong(relative) : relative;
                out.set(outIndex, insn.withConstant(constant).withReference(target.name()));
            }
        }
        List<BtfFuncInfo> funcs = new ArrayList<>();
        List<BtfLineInfo> lines = new ArrayList<>();
        List<BtfCoreRelo> relos = new ArrayList<>();
        for (FunctionSymbol f : order) {
            long from = f.startSlot() * 8L;
            long to = f.endSlot() * 8L;
            int shift = slotOf.get(f) * 8 - (int) from;
            for (BtfFuncInfo r : funcInfos.getOrDefault(f.section(), List.of())) {
                if (r.insnOffset() >= from && r.insnOffset() < to) {
                    funcs.add(new BtfFuncInfo(r.insnOffset() + shift, r.typeId()));
                }
            }
            for (BtfLineInfo r : lineInfos.getOrDefault(f.section(), List.of())) {
                if (r.insnOffset() >= from && r.insnOffset() < to) {
                    lines.add(new BtfLineInfo(r.insnOffset() + shift, r.fileName(), r.line(), r.lineNumber(),
                            r.column()));
                }
            }
            for (BtfCoreRelo r : coreRelos.getOrDefault(f.section(), List.of())) {
                if (r.insnOffset() >= from && r.insnOffset() < to) {
                    relos.add(new BtfCoreRelo(r.insnOffset() + shift, r.typeId(), r.accessString(), r.kind()));
                }
            }
        }
        funcs.sort(Comparator.comparingInt(BtfFuncInfo::insnOffset));
        lines.sort(Comparator.comparingInt(BtfLineInfo::insnOffset));
        relos.sort(Comparator.comparingInt(BtfCoreRelo::insnOffset));
        return new LinkedProgram(out, order.stream().map(FunctionSymbol::name).toList(), funcs, lines, relos);
    }

    private void place(FunctionSymbol f, List<Instruction> out, List<FunctionSymbol> order,
                       Map<FunctionSymbol, Integer> slotOf, Map<FunctionSymbol, Integer> indexOf, int[] slots) {
        int size = f.endSlot() - f.startSlot();
        if ((long) slots[0] + size > Limits.MAX_PROGRAM_SLOTS) {
            throw new ObjectFormatException(f.section(), f.startSlot() * 8L, "linking " + f.describe() + " makes the "
                    + "program longer than " + Limits.MAX_PROGRAM_SLOTS + " instruction slots");
        }
        totalSlots += size;
        if (totalSlots > Limits.MAX_TOTAL_SLOTS) {
            throw new ObjectFormatException(f.section(), f.startSlot() * 8L, "the object's linked programs exceed "
                    + Limits.MAX_TOTAL_SLOTS + " instruction slots in total");
        }
        slotOf.put(f, slots[0]);
        indexOf.put(f, out.size());
        order.add(f);
        CodeSection code = table.section(f.sectionIndex());
        out.addAll(code.instructions().subList(f.startIndex(), f.endIndex()));
        slots[0] += size;
    }

    private FunctionSymbol target(CodeSection from, int index, CodeSection.CallTarget t) {
        CodeSection code = table.section(t.sectionIndex());
        FunctionSymbol f = code == null ? null : code.functionAt(t.targetSlot());
        if (f == null) {
            String what = from.instructions().get(index).isWide() ? "callback address" : "call";
            throw new ObjectFormatException(from.name(), t.fromByte(), what + " at byte " + t.fromByte() + " of '"
                    + from.name() + "' targets " + (code == null ? "section " + t.sectionIndex()
                    : "byte " + t.targetSlot() * 8 + " of '" + code.name() + "'")
                    + ", which is not the start of a function");
        }
        return f;
    }

    /** Depth-first search over calls from {@code entry}; a call back into a function on the stack is a cycle. */
    private void checkNoCycles(FunctionSymbol entry) {
        Map<FunctionSymbol, Integer> state = new IdentityHashMap<>();   // 1 = on stack, 2 = done
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(entry, entry.startIndex()));
        state.put(entry, 1);
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            CodeSection code = table.section(top.function.sectionIndex());
            boolean descended = false;
            while (top.next < top.function.endIndex()) {
                int i = top.next++;
                CodeSection.CallTarget t = code.callTarget(i);
                if (t == null) continue;
                FunctionSymbol callee = target(code, i, t);
                Integer s = state.get(callee);
                if (s != null && s == 1) {
                    List<String> names = new ArrayList<>();
                    boolean in = false;
                    for (Iterator<Frame> path = stack.descendingIterator(); path.hasNext(); ) {  // entry first
                        FunctionSymbol f = path.next().function;
                        if (f == callee) in = true;
                        if (in) names.add(f.name());
                    }
                    names.add(callee.name());
                    throw new ObjectFormatException(code.name(), t.fromByte(), "recursive call cycle "
                            + String.join(" → ", names) + " (BPF programs cannot recurse)");
                }
                if (s == null) {
                    state.put(callee, 1);
                    stack.push(new Frame(callee, callee.startIndex()));
                    descended = true;
                    break;
                }
            }
            if (!descended) {
                state.put(top.function, 2);
                stack.pop();
            }
        }
    }

    private static final class Frame {
        final FunctionSymbol function;
        int next;

        Frame(FunctionSymbol function, int next) {
            this.function = function;
            this.next = next;
        }
    }
}
