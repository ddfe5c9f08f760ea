package dev.ebpf4j.btf;

import java.util.List;

/**
 * The records of one kind that a {@code .BTF.ext} holds for one ELF section (program section name such as
 * {@code "tracepoint/syscalls/sys_enter_openat"}).
 *
 * <pre>{@code
 * for (BtfExtSection<BtfLineInfo> s : ext.lineInfos()) System.out.println(s.name() + ": " + s.records().size());
 * }</pre>
 */
public record BtfExtSection<T>(String name, List<T> records) {
    public BtfExtSection {
        Checks.name(name);
        records = List.copyOf(records);
    }
}
