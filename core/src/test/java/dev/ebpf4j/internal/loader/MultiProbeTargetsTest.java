package dev.ebpf4j.internal.loader;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.ProgramFlags;
import dev.ebpf4j.ProgramSections;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.SectionDef;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSymbols;
import dev.ebpf4j.elf.SymbolLocation;
import dev.ebpf4j.internal.Glob;
import dev.ebpf4j.link.UprobeMultiLink;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Multi-place probe targets without a kernel: the section names, libbpf's "binary:pattern" split, glob patterns, and
 * the functions a pattern selects from a binary's symbol tables.
 */
class MultiProbeTargetsTest {
    @Test
    void multiSectionsHaveTheirAttachTypes() {
        record Case(String section, AttachType at, SectionDef.AttachKind kind, boolean sleepable, String target) {
        }
        for (Case c : List.of(
                new Case("uprobe.multi/libc.so.6:getpgi?", AttachType.TRACE_UPROBE_MULTI,
                        SectionDef.AttachKind.UPROBE_MULTI, false, "libc.so.6:getpgi?"),
                new Case("uretprobe.multi//usr/bin/app:handle_*", AttachType.TRACE_UPROBE_MULTI,
                        SectionDef.AttachKind.URETPROBE_MULTI, false, "/usr/bin/app:handle_*"),
                new Case("uprobe.multi.s/libc.so.6:getsi?", AttachType.TRACE_UPROBE_MULTI,
                        SectionDef.AttachKind.UPROBE_MULTI, true, "libc.so.6:getsi?"),
                new Case("uprobe.session", AttachType.TRACE_UPROBE_SESSION, SectionDef.AttachKind.UPROBE_SESSION,
                        false, ""),
                new Case("uprobe.session.s/bin:f", AttachType.TRACE_UPROBE_SESSION,
                        SectionDef.AttachKind.UPROBE_SESSION, true, "bin:f"),
                new Case("kprobe.session/do_sys_*", AttachType.TRACE_KPROBE_SESSION,
                        SectionDef.AttachKind.KPROBE_SESSION, false, "do_sys_*"))) {
            ProgramSections.Match m = ProgramSections.require(c.section());
            assertEquals(ProgramType.KPROBE, m.definition().programType(), c.section());
            assertEquals(c.at(), m.definition().attachType(), c.section());
            assertEquals(c.kind(), m.definition().attachKind(), c.section());
            assertEquals(c.sleepable() ? ProgramFlags.SLEEPABLE : 0, m.programFlags(), c.section());
            assertEquals(c.target(), m.target(), c.section());
        }
    }

    @Test
    void aUprobeMultiTargetSplitsAtTheFirstColon() {
        UprobeMultiLink.Options o = AutoAttacher.uprobeMulti("p", "/usr/bin/app:handle_*:x");
        assertEquals(Path.of("/usr/bin/app"), o.binary());
        assertEquals("handle_*:x", o.pattern(), "as libbpf's sscanf(\"%[^:]:%[^\\n]\")");
        UprobeMultiLink.Options lib = AutoAttacher.uprobeMulti("p", "libc.so.6:getpgi?");
        assertTrue(lib.binary().isAbsolute(), "a bare library name is searched on the library paths: " + lib.binary());
        assertEquals("libc.so.6", lib.binary().getFileName().toString());
        UprobeMultiLink.Options exe = AutoAttacher.uprobeMulti("p", "sh:main");
        assertTrue(exe.binary().isAbsolute(), "an executable's name is searched on PATH: " + exe.binary());
        assertEquals("sh", exe.binary().getFileName().toString());
        BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> AutoAttacher.uprobeMulti("program 'p'",
                "no_pattern"));
        assertEquals("program 'p': uprobe.multi target 'no_pattern' is not 'binary:pattern'", e.getMessage());
    }

    @Test
    void globsMatchLikeLibbpfs() {
        assertTrue(Glob.matches("ebpf4j_multi_*", "ebpf4j_multi_add"));
        assertTrue(Glob.matches("ebpf4j_multi_*", "ebpf4j_multi_"));
        assertFalse(Glob.matches("ebpf4j_multi_*", "ebpf4j_other"));
        assertTrue(Glob.matches("mall?c", "malloc"));
        assertFalse(Glob.matches("mall?c", "mallc"));
        assertTrue(Glob.matches("*", ""));
        assertTrue(Glob.matches("a*b*c", "aXXbYYbc"));
        assertFalse(Glob.matches("a*b*c", "aXXbYYb"));
        assertTrue(Glob.matches("**x", "yyx"));
        assertTrue(Glob.matches("exact", "exact"));
        assertFalse(Glob.matches("exact", "exactly"));
        assertTrue(Glob.isPattern("a?"));
        assertFalse(Glob.isPattern("plain_name"));
        assertEquals(List.of("do_sys_openat2"), AutoAttacher.kernelFunctions("p", "do_sys_openat2"),
                "a name without wildcards is used as is");
    }

    @Test
    void aPatternSelectsTheMatchingFunctionsOfTheFirstSymbolTableThatHasAny() {
        ElfFile elf = ElfFile.read(TestObjects.nativeBinary("uprobe_multi_target"));
        List<SymbolLocation> found = ElfSymbols.functionsMatching(elf, "ebpf4j_multi_*");
        assertEquals(List.of("ebpf4j_multi_add", "ebpf4j_multi_mul", "ebpf4j_multi_sub"),
                found.stream().map(SymbolLocation::name).sorted().toList());
        assertTrue(found.stream().allMatch(s -> s.table().equals(".symtab")));
        for (SymbolLocation s : found) assertEquals(ElfSymbols.fileOffset(elf, s.address()), s.fileOffset());
        assertTrue(ElfSymbols.functionsMatching(elf, "no_such_*").isEmpty());
        assertEquals(List.of("ebpf4j_other"), ElfSymbols.functionsMatching(elf, "ebpf4j_othe?").stream()
                .map(SymbolLocation::name).toList());
    }
}
