package dev.ebpf4j.btf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** bpftool's type-only text (btf_dumper_type_only), spacing quirks included. */
class BtfSignaturesTest {
    @Test
    void functionsPointersQualifiersAndArrays() {
        BtfBuilder b = new BtfBuilder();
        int intT = b.addInt("int", 4, BtfIntEncoding.SIGNED);
        int charT = b.addInt("char", 1, BtfIntEncoding.CHAR);
        int md = b.add(new BtfStruct("xdp_md", 4, List.of(new BtfMember("data", intT, 0, 0))));
        int mdPtr = b.addPtr(md);
        int constChar = b.add(new BtfConst(charT));
        int str = b.addPtr(constChar);
        int arr = b.add(new BtfArray(charT, intT, 8));
        int fwd = b.add(new BtfFwd("sock", true));
        int fwdPtr = b.addPtr(fwd);
        int u32 = b.add(new BtfTypedef("u32", intT));
        int proto = b.add(new BtfFuncProto(intT, List.of(new BtfParam("ctx", mdPtr)), false));
        int func = b.add(new BtfFunc("xdp_main", proto, BtfLinkage.GLOBAL));
        int anon = b.add(new BtfFuncProto(0, List.of(new BtfParam("", str), new BtfParam("n", u32)), true));
        int printk = b.add(new BtfFunc("printk", anon, BtfLinkage.STATIC));
        int noArgs = b.add(new BtfFuncProto(0, List.of(), false));
        int var = b.add(new BtfVar("counter", u32, BtfLinkage.STATIC));
        Btf btf = b.build();

        assertEquals("int xdp_main(struct xdp_md * ctx)", BtfSignatures.of(btf, func));
        assertEquals("void printk(const char *, u32 n, ...)", BtfSignatures.of(btf, printk));
        assertEquals("void ()", BtfSignatures.of(btf, noArgs));
        assertEquals("char [8]", BtfSignatures.of(btf, arr));
        assertEquals("union sock * ", BtfSignatures.of(btf, fwdPtr));
        assertEquals("static u32  counter", BtfSignatures.of(btf, var));
        assertEquals("struct xdp_md ", BtfSignatures.of(btf, md));
        assertEquals("", BtfSignatures.of(btf, btf.typeCount()), "an id beyond the BTF prints nothing");
    }
}
