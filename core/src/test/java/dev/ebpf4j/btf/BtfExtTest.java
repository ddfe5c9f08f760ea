package dev.ebpf4j.btf;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ebpf4j.btf.BtfTestSupport.run;
import static dev.ebpf4j.btf.BtfTestSupport.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * .BTF.ext of clang-compiled objects: CO-RE relocations agree with llvm-objdump's annotations (and with
 * {@link Btf#member} access paths), func_info with the ELF function symbols, line_info with the source text.
 */
class BtfExtTest {
    private static final Pattern SECTION = Pattern.compile("^Disassembly of section (.+):$");
    private static final Pattern SYMBOL = Pattern.compile("^([0-9a-f]+) <(.+)>:$");
    private static final Pattern CORE = Pattern.compile("^\\s+([0-9a-f]+):\\s+CO-RE <(\\w+)> \\[(\\d+)] (.*)$");
    private static final Map<String, BtfCoreReloKind> OBJDUMP_KINDS = Map.ofEntries(
            Map.entry("byte_off", BtfCoreReloKind.FIELD_BYTE_OFFSET),
            Map.entry("byte_sz", BtfCoreReloKind.FIELD_BYTE_SIZE),
            Map.entry("field_exists", BtfCoreReloKind.FIELD_EXISTS),
            Map.entry("signed", BtfCoreReloKind.FIELD_SIGNED),
            Map.entry("lshift_u64", BtfCoreReloKind.FIELD_LSHIFT_U64),
            Map.entry("rshift_u64", BtfCoreReloKind.FIELD_RSHIFT_U64),
            Map.entry("local_type_id", BtfCoreReloKind.TYPE_ID_LOCAL),
            Map.entry("target_type_id", BtfCoreReloKind.TYPE_ID_TARGET),
            Map.entry("type_exists", BtfCoreReloKind.TYPE_EXISTS),
            Map.entry("type_size", BtfCoreReloKind.TYPE_SIZE),
            Map.entry("enumval_exists", BtfCoreReloKind.ENUMVAL_EXISTS),
            Map.entry("enumval_value", BtfCoreReloKind.ENUMVAL_VALUE),
            Map.entry("type_matches", BtfCoreReloKind.TYPE_MATCHES));

    private record Parsed(Btf btf, BtfExt ext) {
    }

    private static Parsed parse(String name) {
        Path object = TestObjects.bpf(name);
        Btf btf = Btf.parse(section(object, ".BTF"));
        return new Parsed(btf, BtfExt.parse(section(object, ".BTF.ext"), btf));
    }

    private static String objdump(String name) {
        return new String(run("llvm-objdump-19", "-dr", TestObjects.bpf(name).toString()), StandardCharsets.UTF_8);
    }

    @Test
    void coreRelocationsMatchLlvmObjdump() {
        Parsed p = parse("btf_core");
        List<String> expected = new ArrayList<>();
        String section = null;
        for (String line : objdump("btf_core").split("\n")) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) section = s.group(1);
            Matcher m = CORE.matcher(line);
            if (!m.matches()) continue;
            BtfCoreReloKind kind = OBJDUMP_KINDS.get(m.group(2));
            int typeId = Integer.parseInt(m.group(3));
            String text = m.group(4);
            String access;
            if (kind.isFieldBased()) {
                access = text.substring(text.lastIndexOf('(') + 1, text.length() - 1);
                String member = text.substring(0, text.lastIndexOf(" (")).replaceAll(".*[.:]", "");
                BtfMemberPath path = p.btf().member(typeId, member).orElseThrow();
                assertEquals(access, "0:" + path.accessString(), "member path of " + text);
            } else if (kind.isEnumValueBased()) {
                String enumerator = text.substring(text.indexOf("::") + 2, text.indexOf(" = "));
                List<BtfEnumValue> values = ((BtfEnumeration) p.btf().type(typeId)).values();
                access = String.valueOf(values.stream().map(BtfEnumValue::name).toList().indexOf(enumerator));
            } else {
                access = "0";
            }
            expected.add(section + " " + Long.parseLong(m.group(1), 16) + " " + kind + " " + typeId + " " + access);
        }
        List<String> actual = new ArrayList<>();
        for (BtfExtSection<BtfCoreRelo> s : p.ext().coreRelos()) {
            for (BtfCoreRelo r : s.records()) {
                actual.add(s.name() + " " + r.insnOffset() + " " + r.kind() + " " + r.typeId() + " "
                        + r.accessString());
            }
        }
        assertEquals(BtfCoreReloKind.values().length, actual.stream().map(a -> a.split(" ")[2]).distinct().count(),
                "the test object uses every relocation kind");
        assertEquals(expected, actual);
        assertEquals(actual.size(), p.ext().coreRelos("tp_btf/sched_switch").size());
    }

    @Test
    void funcInfoNamesTheFunctionsOfEachSection() {
        for (String name : List.of("btf_core", "btf_kinds")) {
            Parsed p = parse(name);
            Map<String, String> symbols = new HashMap<>();     // "section offset" -> function
            String section = null;
            for (String line : objdump(name).split("\n")) {
                Matcher s = SECTION.matcher(line);
                if (s.matches()) section = s.group(1);
                Matcher m = SYMBOL.matcher(line);
                if (m.matches()) symbols.put(section + " " + Long.parseLong(m.group(1), 16), m.group(2));
            }
            int count = 0;
            for (BtfExtSection<BtfFuncInfo> s : p.ext().funcInfos()) {
                for (BtfFuncInfo f : s.records()) {
                    BtfFunc func = assertInstanceOf(BtfFunc.class, p.btf().type(f.typeId()));
                    assertEquals(symbols.get(s.name() + " " + f.insnOffset()), func.name(), name + " " + s.name());
                    count++;
                }
            }
            assertEquals(symbols.size(), count, name + ": one func_info per function");
        }
    }

    @Test
    void lineInfoQuotesTheSource() throws IOException {
        Parsed p = parse("btf_kinds");
        assertFalse(p.ext().lineInfos().isEmpty());
        for (BtfExtSection<BtfLineInfo> s : p.ext().lineInfos()) {
            for (BtfLineInfo li : s.records()) {
                assertTrue(li.fileName().endsWith("btf_kinds.bpf.c"), li.fileName());
                List<String> source = Files.readAllLines(Path.of(li.fileName()));
                assertEquals(source.get(li.lineNumber() - 1), li.line(), "line " + li.lineNumber());
                assertEquals(li.lineNumber() << 10 | li.column(), li.lineColumn());
            }
        }
    }

    @Test
    void bigEndianExtParsesAlike() {
        Path object = TestObjects.bpf("btf_core");
        byte[] btfBytes = section(object, ".BTF");
        byte[] le = section(object, ".BTF.ext");
        Btf btf = Btf.parse(btfBytes);
        // every field of .BTF.ext after the 4-byte magic/version/flags is a 32-bit word
        ByteBuffer in = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.wrap(le.clone()).order(ByteOrder.BIG_ENDIAN);
        out.putShort(0, in.getShort(0));
        for (int i = 4; i + 4 <= le.length; i += 4) out.putInt(i, in.getInt(i));
        assertEquals(BtfExt.parse(le, btf), BtfExt.parse(out.array(), btf));
    }

    @Test
    void malformedExtNamesTheOffset() {
        Path object = TestObjects.bpf("btf_core");
        Btf btf = Btf.parse(section(object, ".BTF"));
        byte[] good = section(object, ".BTF.ext");

        byte[] badSize = good.clone();
        int funcOff = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        int hdrLen = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        ByteBuffer.wrap(badSize).order(ByteOrder.LITTLE_ENDIAN).putInt(hdrLen + funcOff, 4);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> BtfExt.parse(badSize, btf));
        assertEquals(hdrLen + funcOff, e.offset());
        assertEquals(".BTF.ext", e.section());

        byte[] hugeCount = good.clone();
        ByteBuffer.wrap(hugeCount).order(ByteOrder.LITTLE_ENDIAN).putInt(hdrLen + funcOff + 8, 0x7fffffff);
        assertThrows(ObjectFormatException.class, () -> BtfExt.parse(hugeCount, btf));

        byte[] badKind = good.clone();
        ByteBuffer b = ByteBuffer.wrap(badKind).order(ByteOrder.LITTLE_ENDIAN);
        int coreStart = hdrLen + b.getInt(24);
        b.putInt(coreStart + 4 + 8 + 12, 99);          // record size, sec header, then kind of the first record
        e = assertThrows(ObjectFormatException.class, () -> BtfExt.parse(badKind, btf));
        assertEquals(coreStart + 24, e.offset());

        assertThrows(ObjectFormatException.class, () -> BtfExt.parse(new byte[]{(byte) 0x9f, (byte) 0xeb, 1}, btf));
        assertThrows(ObjectFormatException.class, () -> BtfExt.parse(new byte[0], btf));
        byte[] version2 = good.clone();
        version2[2] = 2;
        assertThrows(ObjectFormatException.class, () -> BtfExt.parse(version2, btf));
    }
}
