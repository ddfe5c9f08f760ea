package dev.ebpf4j.internal.loader;

import dev.ebpf4j.AttachOptions;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfLinkage;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.link.UsdtLink;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the loader does for objects built on libbpf's usdt.bpf.h without a kernel: its {@code __hidden} helper
 * functions become static in the BTF sent to the kernel (so they are verified in their callers' context, as libbpf
 * does), and {@code usdt/BINARY:PROVIDER:NAME} section targets combine with the attach options.
 */
class UsdtObjectsTest {
    @Test
    void hiddenGlobalFunctionsBecomeStaticAndProgramsStayGlobal() {
        ObjectModel m = ObjectParser.parse(ElfFile.read(TestObjects.bpf("usdt_probes")), "usdt_probes.bpf.o");
        Map<String, BtfLinkage> linkage = new HashMap<>();
        for (BtfType t : m.btfTypes()) if (t instanceof BtfFunc f) linkage.put(f.name(), f.linkage());
        for (String helper : new String[] {"bpf_usdt_arg", "bpf_usdt_arg_cnt", "bpf_usdt_cookie"}) {
            assertEquals(BtfLinkage.STATIC, linkage.get(helper), helper + " (__weak __hidden in usdt.bpf.h)");
        }
        assertEquals(BtfLinkage.GLOBAL, linkage.get("record"), "a program entry");
        assertEquals(BtfLinkage.GLOBAL, linkage.get("on_three"));
        BtfType asCompiled = m.btf().find("bpf_usdt_arg", BtfFunc.class).orElseThrow().type();
        assertEquals(BtfLinkage.GLOBAL, ((BtfFunc) asCompiled).linkage(), "the object's own BTF is left as compiled");
    }

    private static UsdtLink.Options usdt(String target, AttachOptions o) {
        return AutoAttacher.usdt("program 'p' (usdt)", target, o);
    }

    @Test
    void sectionTargetsSplitAtTheLastTwoColons() {
        UsdtLink.Options o = usdt("libjvm.so:hotspot:gc__begin", AttachOptions.NONE);
        assertEquals(UsdtLink.Options.probe("libjvm.so", "hotspot", "gc__begin"), o);
        assertEquals("/opt/a:b/bin", usdt("/opt/a:b/bin:prov:name", AttachOptions.NONE).binary(),
                "a path may contain ':'");
        UsdtLink.Options all = usdt("", AttachOptions.NONE.usdt("/bin/x", "p", "n").pid(42).usdtCookie(9));
        assertEquals(new UsdtLink.Options("/bin/x", "p", "n", 42, 9), all);
        UsdtLink.Options some = usdt("libjvm.so:hotspot:gc__begin", AttachOptions.NONE.usdt("/jdk/libjvm.so", null,
                "gc__end"));
        assertEquals(UsdtLink.Options.probe("/jdk/libjvm.so", "hotspot", "gc__end"), some,
                "options override the parts they give");
    }

    @Test
    void malformedOrMissingTargetsSayWhatIsExpected() {
        for (String bad : new String[] {"libc.so.6:setjmp", ":p:n", "bin::n", "bin:p:", "nocolon"}) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> usdt(bad, AttachOptions.NONE));
            assertEquals("program 'p' (usdt): USDT target '" + bad + "' is not 'binary:provider:name'",
                    e.getMessage());
        }
        BpfArgumentException none = assertThrows(BpfArgumentException.class,
                () -> usdt("", AttachOptions.NONE.usdt(null, "p", "n")));
        assertEquals("program 'p' (usdt): the section names no USDT probe (expected 'usdt/binary:provider:name'); give "
                + "it with AttachOptions.usdt(binary, provider, name)", none.getMessage());
    }
}
