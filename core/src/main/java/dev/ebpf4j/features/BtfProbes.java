package dev.ebpf4j.features;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.PermissionException;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfDeclTag;
import dev.ebpf4j.btf.BtfEnum64;
import dev.ebpf4j.btf.BtfEnumValue;
import dev.ebpf4j.btf.BtfFloat;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfLinkage;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfTypeTag;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.internal.sys.BtfLoad;
import dev.ebpf4j.internal.sys.Fd;

import java.util.List;

/**
 * Probes which BTF kinds the kernel's BTF loader accepts by loading a tiny blob that uses the kind (what the object
 * loader needs to know before handing an object's BTF over; see {@link Features#btfKind}).
 *
 * <pre>{@code
 * Feature f = BtfProbes.kind(BtfKind.DECL_TAG);
 * }</pre>
 */
final class BtfProbes {
    private BtfProbes() {
    }

    /** The first Linux version whose BTF loader accepts {@code kind}. */
    static String minimumKernel(BtfKind kind) {
        return switch (kind) {
            case FUNC, FUNC_PROTO -> "5.0";
            case VAR, DATASEC -> "5.2";
            case FLOAT -> "5.13";
            case DECL_TAG -> "5.16";
            case TYPE_TAG -> "5.17";
            case ENUM64 -> "6.0";
            default -> "4.18";
        };
    }

    static Feature kind(BtfKind kind) {
        String name = "BTF kind " + kind;
        BtfBuilder b = new BtfBuilder();
        int intId = b.addInt("int", 4, BtfIntEncoding.SIGNED);
        switch (kind) {
            case FUNC, FUNC_PROTO -> function(b, intId, BtfLinkage.STATIC);
            case VAR, DATASEC -> {
                int v = b.add(new BtfVar("x", intId, BtfLinkage.GLOBAL));
                b.add(new BtfDatasec(".data", 4, List.of(new BtfVarSecinfo(v, 0, 4))));
            }
            case FLOAT -> b.add(new BtfFloat("float", 4));
            case DECL_TAG -> {
                int v = b.add(new BtfVar("x", intId, BtfLinkage.STATIC));
                b.add(new BtfDeclTag("tag", v, BtfDeclTag.WHOLE));
            }
            case TYPE_TAG -> b.addPtr(b.add(new BtfTypeTag("tag", intId)));
            case ENUM64 -> b.add(new BtfEnum64("e", 8, false, List.of(new BtfEnumValue("A", 1L << 40))));
            default -> {
                return Feature.yes(name, minimumKernel(kind), "part of BTF since its introduction");
            }
        }
        return load(name, minimumKernel(kind), b.toBytes());
    }

    static Feature globalFunctions() {
        BtfBuilder b = new BtfBuilder();
        int intId = b.addInt("int", 4, BtfIntEncoding.SIGNED);
        function(b, intId, BtfLinkage.GLOBAL);
        return load("BTF functions with global linkage", "5.6", b.toBytes());
    }

    private static void function(BtfBuilder b, int intId, BtfLinkage linkage) {
        int proto = b.add(new BtfFuncProto(intId, List.of(new BtfParam("a", intId)), false));
        b.add(new BtfFunc("f", proto, linkage));
    }

    private static Feature load(String name, String min, byte[] blob) {
        try (Fd fd = BtfLoad.load(blob, "the " + name + " probe")) {
            return Feature.yes(name, min, "BPF_BTF_LOAD accepted it");
        } catch (PermissionException e) {
            return Feature.no(name, min, "cannot probe: " + e.getMessage());
        } catch (BpfException e) {
            return Feature.no(name, min, "BPF_BTF_LOAD rejected it: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
