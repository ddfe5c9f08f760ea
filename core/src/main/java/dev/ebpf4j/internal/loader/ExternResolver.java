package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVoid;
import dev.ebpf4j.internal.sys.Fd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Resolves an object's externs against a kernel, following libbpf's rules. {@code __kconfig}: the virtual
 * {@code LINUX_KERNEL_VERSION}, {@code LINUX_HAS_BPF_COOKIE}, {@code LINUX_HAS_SYSCALL_WRAPPER} and any
 * {@code CONFIG_*} (bool: y/n; tristate: n/y/m → 0/1/2; char: the letter; integers: the number, range-checked;
 * char arrays: the string); a value the configuration lacks is 0 for weak externs and an error for strong ones.
 * {@code __ksym}: variables typed in BTF resolve to their BTF id in vmlinux or a module (types must be compatible),
 * {@code void} ones to their kallsyms address, kfuncs to their FUNC id (and module fd_array slot). A missing weak
 * ksym resolves to 0; calls to a missing weak kfunc are poisoned.
 *
 * <pre>{@code
 * try (ResolvedExterns r = ExternResolver.resolve(model, RunningKernel.INSTANCE)) { ... }
 * }</pre>
 */
public final class ExternResolver {
    /** libbpf's poison base for calls to unresolved weak kfuncs (the verifier fails if such a call is reachable). */
    static final int POISON_CALL_KFUNC_BASE = 2002000000;

    private final ObjectModel model;
    private final KernelView kernel;
    private final Map<String, Fd> modules = new LinkedHashMap<>();

    private ExternResolver(ObjectModel model, KernelView kernel) {
        this.model = model;
        this.kernel = kernel;
    }

    /** Resolves every extern of {@code model}. */
    public static ResolvedExterns resolve(ObjectModel model, KernelView kernel) {
        ExternResolver r = new ExternResolver(model, kernel);
        try {
            byte[] kconfig = r.kconfig();
            Map<String, ResolvedExterns.Target> targets = new HashMap<>();
            int index = 0;
            for (ExternSpec e : model.externs().values()) {
                if (e.kind() != ExternSpec.Kind.KCONFIG) targets.put(e.name(), r.ksym(e, index));
                index++;
            }
            return new ResolvedExterns(kconfig, targets, List.copyOf(r.modules.values()));
        } catch (RuntimeException e) {
            for (Fd fd : r.modules.values()) fd.close();
            throw e;
        }
    }

    // ---- kconfig ----------------------------------------------------------------------------------------------

    private byte[] kconfig() {
        MapDefinition map = null;
        for (MapDefinition d : model.maps()) if (d.origin() == MapDefinition.Origin.KCONFIG) map = d;
        if (map == null) return null;
        byte[] value = new byte[map.spec().valueSize()];
        for (ExternSpec e : model.externs().values()) {
            if (e.kind() != ExternSpec.Kind.KCONFIG) continue;
            Optional<String> v = value(e);
            if (v.isEmpty()) {
                if (e.weak()) continue;
                throw new BpfException(e.describe() + ": the kernel configuration has no value for it (read from "
                        + configSource() + "); declare it __weak to get 0 when it is absent");
            }
            byte[] encoded = encode(e, v.get());
            System.arraycopy(encoded, 0, value, e.offset(), encoded.length);
        }
        return value;
    }

    private String configSource() {
        return dev.ebpf4j.internal.KernelConfig.running().source();
    }

    private Optional<String> value(ExternSpec e) {
        String n = e.name();
        switch (n) {
            case "LINUX_KERNEL_VERSION" -> {
                return Optional.of(Integer.toString(kernel.versionCode()));
            }
            case "LINUX_HAS_BPF_COOKIE" -> {
                return Optional.of(kernel.hasBpfCookie() ? "y" : "n");
            }
            case "LINUX_HAS_SYSCALL_WRAPPER" -> {
                return Optional.of(kernel.hasSyscallWrapper() ? "y" : "n");
            }
            default -> {
                if (n.startsWith("CONFIG_")) return kernel.config(n);
                throw new BpfException(e.describe() + ": unknown kconfig extern; only CONFIG_* and "
                        + "LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER can be resolved");
            }
        }
    }

    /** The bytes of {@code value} for extern {@code e} (exactly {@code e.size()} bytes). */
    byte[] encode(ExternSpec e, String value) {
        Btf btf = model.btf();
        ByteBuffer out = ByteBuffer.allocate(e.size()).order(ByteOrder.nativeOrder());
        boolean tri = value.equals("y") || value.equals("n") || value.equals("m");
        switch (e.kconfigType()) {
            case BOOL -> {
                if (value.equals("m")) throw bad(e, value, "a bool cannot hold 'm' (module); declare it enum libbpf_tristate");
                if (tri) out.put((byte) (value.equals("y") ? 1 : 0));
                else {
                    long n = number(e, value);
                    if (n != 0 && n != 1) throw bad(e, value, "a bool takes y, n, 0 or 1");
                    out.put((byte) n);
                }
            }
            case CHAR -> {
                if (!tri) throw bad(e, value, "a char takes y, n or m");
                out.put((byte) value.charAt(0));
            }
            case TRISTATE -> {
                if (!tri) throw bad(e, value, "a tristate takes y, n or m");
                int v = value.equals("y") ? 1 : value.equals("m") ? 2 : 0;
                if (e.size() == 8) out.putLong(v);
                else out.putInt(v);
            }
            case INT -> {
                long n = number(e, value);
                BtfType t = btf.resolve(e.typeId());
                boolean signed = t instanceof BtfInt i && i.isSigned();
                int bits = e.size() * 8;
                if (bits < 64) {
                    boolean fits = signed ? n >= -(1L << (bits - 1)) && n < (1L << (bits - 1))
                            : n >= 0 && n < (1L << bits);
                    if (!fits) throw bad(e, value, "it does not fit " + (signed ? "signed " : "unsigned ") + bits + " bits");
                }
                switch (e.size()) {
                    case 1 -> out.put((byte) n);
                    case 2 -> out.putShort((short) n);
                    case 4 -> out.putInt((int) n);
                    default -> out.putLong(n);
                }
            }
            case CHAR_ARRAY -> {
                byte[] s = value.getBytes(StandardCharsets.UTF_8);
                out.put(s, 0, Math.min(s.length, e.size() - 1));
            }
        }
        return out.array();
    }

    private static long number(ExternSpec e, String value) {
        String v = value.strip();
        try {
            boolean negative = v.startsWith("-");
            String digits = negative ? v.substring(1) : v;
            long n;
            if (digits.startsWith("0x") || digits.startsWith("0X")) n = Long.parseUnsignedLong(digits.substring(2), 16);
            else if (digits.length() > 1 && digits.startsWith("0")) n = Long.parseUnsignedLong(digits.substring(1), 8);
            else n = Long.parseUnsignedLong(digits);
            return negative ? -n : n;
        } catch (NumberFormatException ex) {
            throw bad(e, value, "it is not a number");
        }
    }

    private static BpfException bad(ExternSpec e, String value, String why) {
        return new BpfException(e.describe() + ": the kernel configuration value '" + value + "' does not suit the "
                + "declared type: " + why);
    }

    // ---- ksyms ------------------------------------------------------------------------------------------------

    private ResolvedExterns.Target ksym(ExternSpec e, int index) {
        Btf local = model.btf();
        boolean typed = e.kind() == ExternSpec.Kind.KFUNC || !(local.resolve(e.typeId()) instanceof BtfVoid);
        if (!typed) {
            OptionalLong a = kernel.symbolAddress(e.name());
            if (a.isEmpty()) {
                if (e.weak()) return missing(index);
                throw new BpfException(e.describe() + ": the kernel has no symbol '" + e.name()
                        + "' (/proc/kallsyms); declare it __weak if it is optional");
            }
            return new ResolvedExterns.Target(true, a.getAsLong(), 0, 0, 0, 0);
        }
        BtfKind kind = e.kind() == ExternSpec.Kind.KFUNC ? BtfKind.FUNC : BtfKind.VAR;
        Btf vmlinux;
        try {
            vmlinux = kernel.vmlinux();
        } catch (NotSupportedException ex) {
            throw new NotSupportedException("typed __ksym externs", "5.11", e.describe() + " needs the kernel's BTF ("
                    + ex.getMessage() + ")");
        }
        OptionalInt id = vmlinux.findId(e.name(), kind);
        String module = null;
        Btf target = vmlinux;
        if (id.isEmpty()) {
            for (String m : kernel.moduleNames()) {
                Btf mb;
                try {
                    mb = kernel.module(m);
                } catch (BpfException ex) {
                    continue;
                }
                OptionalInt mid = mb.findId(e.name(), kind);
                if (mid.isPresent() && mid.getAsInt() >= mb.firstTypeId()) {
                    id = mid;
                    module = m;
                    target = mb;
                    break;
                }
            }
        }
        if (id.isEmpty()) {
            if (e.weak()) return missing(index);
            throw new BpfException(e.describe() + ": the kernel's BTF (vmlinux and modules) has no "
                    + (kind == BtfKind.FUNC ? "kfunc" : "variable") + " '" + e.name() + "'; declare it __weak if it is "
                    + "optional");
        }
        int targetId = id.getAsInt();
        int localType = e.typeId();
        int targetType = kind == BtfKind.FUNC ? ((BtfFunc) target.type(targetId)).typeId()
                : ((BtfVar) target.type(targetId)).typeId();
        if (!compatible(local, localType, target, targetType, 0)) {
            throw new BpfException(e.describe() + ": incompatible types: the object declares "
                    + ExternCollector.describeType(local, localType) + ", the kernel has "
                    + ExternCollector.describeType(target, targetType) + " [" + targetType + "]");
        }
        int objFd = 0;
        int slot = 0;
        if (module != null) {
            Fd fd = modules.get(module);
            if (fd == null) {
                fd = kernel.moduleBtfFd(module);
                modules.put(module, fd);
            }
            objFd = fd.get();
            slot = new ArrayList<>(modules.keySet()).indexOf(module) + 1;
        }
        return new ResolvedExterns.Target(true, 0, targetId, objFd, slot, 0);
    }

    private static ResolvedExterns.Target missing(int index) {
        return new ResolvedExterns.Target(false, 0, 0, 0, 0, POISON_CALL_KFUNC_BASE + index);
    }

    /** libbpf's notion of compatible extern types: same kinds, pointers/arrays/prototypes compared recursively. */
    static boolean compatible(Btf local, int localId, Btf target, int targetId, int depth) {
        if (depth > Limits.MAX_DEPTH) return false;
        BtfType l = local.resolve(localId);
        BtfType t = target.resolve(targetId);
        BtfKind lk = coreKind(l.kind());
        BtfKind tk = coreKind(t.kind());
        if (isAggregate(lk) && isAggregate(tk)) return true;   // a forward declaration matches the definition
        if (lk != tk) return false;
        return switch (l) {
            case BtfInt li -> li.bitOffset() == 0 && ((BtfInt) t).bitOffset() == 0;
            case BtfPtr lp -> compatible(local, lp.typeId(), target, ((BtfPtr) t).typeId(), depth + 1);
            case BtfArray la -> compatible(local, la.elementTypeId(), target, ((BtfArray) t).elementTypeId(), depth + 1);
            case BtfFuncProto lf -> {
                BtfFuncProto tf = (BtfFuncProto) t;
                if (lf.params().size() != tf.params().size() || lf.variadic() != tf.variadic()) yield false;
                if (!compatible(local, lf.returnTypeId(), target, tf.returnTypeId(), depth + 1)) yield false;
                for (int i = 0; i < lf.params().size(); i++) {
                    if (!compatible(local, lf.params().get(i).typeId(), target, tf.params().get(i).typeId(),
                            depth + 1)) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> true;
        };
    }

    private static boolean isAggregate(BtfKind k) {
        return k == BtfKind.STRUCT || k == BtfKind.UNION || k == BtfKind.FWD;
    }

    private static BtfKind coreKind(BtfKind k) {
        return k == BtfKind.ENUM64 ? BtfKind.ENUM : k;
    }
}
