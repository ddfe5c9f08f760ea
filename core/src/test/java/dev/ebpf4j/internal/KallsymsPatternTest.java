package dev.ebpf4j.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** kprobe.multi / kprobe.session patterns expanded over a kallsyms file: text symbols only, once each, file order. */
class KallsymsPatternTest {
    @Test
    void onlyFunctionSymbolsMatchingThePatternOnceEach(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("kallsyms");
        Files.writeString(f, """
                ffffffff81000000 T do_sys_open
                ffffffff81000010 t do_sys_openat2
                ffffffff81000020 D do_sys_table
                ffffffff81000030 T do_sys_open
                ffffffff81000040 T vfs_read
                ffffffff81000050 t do_sys_mod\t[ext4]
                ffffffff81000060 b do_sys_bss
                """);
        assertEquals(List.of("do_sys_open", "do_sys_openat2", "do_sys_mod"), Kallsyms.functionsMatching(f, "do_sys_*"));
        assertEquals(List.of("vfs_read"), Kallsyms.functionsMatching(f, "vfs_rea?"));
        assertEquals(List.of(), Kallsyms.functionsMatching(f, "nothing*"));
    }
}
