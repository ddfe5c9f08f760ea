package dev.ebpf4j.cli.btf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.Program;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfDump;
import dev.ebpf4j.btf.KernelBtfObjects;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.map.MapRef;
import dev.ebpf4j.cli.output.JsonWriter;
import dev.ebpf4j.cli.prog.ProgRef;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code btf dump BTF_SRC [format raw] [root_id ID]...}: bpftool's raw BTF listing ({@code [1] INT 'int' size=4
 * bits_offset=0 nr_bits=32 encoding=SIGNED}, members on tab-indented lines), or its JSON form with {@code -j}.
 * BTF_SRC is {@code id N} (a kernel BTF object; module BTF on vmlinux), {@code prog PROG} or {@code map MAP
 * [key|value|kv|all]} (the BTF they were loaded with; a map's key and value types by default), or {@code file F}: a
 * raw BTF file ({@code /sys/kernel/btf/vmlinux}; module files under /sys/kernel/btf on vmlinux) or an ELF object
 * (its {@code .BTF} section). {@code format c} (C declarations) is not implemented yet.
 *
 * <pre>{@code
 * ebpf4j btf dump file /sys/kernel/btf/vmlinux
 * ebpf4j btf dump file prog.bpf.o
 * ebpf4j btf dump map name counts
 * }</pre>
 */
@Command(name = "dump", description = "Dump BTF.")
public final class BtfDumpCommand extends CliCommand {
    private static final Path SYSFS_BTF = Path.of("/sys/kernel/btf");
    private static final Path SYSFS_VMLINUX = SYSFS_BTF.resolve("vmlinux");

    @Override
    protected int run(Session session, Words words) {
        if (words.atEnd()) throw new UsageException("missing BTF_SRC: { id BTF_ID | prog PROG | map MAP | file FILE }");
        Btf btf;
        List<Integer> roots = new ArrayList<>();
        boolean typeFilter = false;
        if (words.take("map")) {
            MapInfo info;
            try (BpfMap map = MapRef.parse(words).openOne()) {
                info = map.info();
            }
            if (words.take("key")) {
                roots.add(info.btfKeyTypeId());
            } else if (words.take("value")) {
                roots.add(info.btfValueTypeId());
            } else if (words.take("all")) {
                // everything
            } else {
                words.take("kv");
                roots.add(info.btfKeyTypeId());
                roots.add(info.btfValueTypeId());
            }
            typeFilter = !roots.isEmpty();
            btf = kernelBtf(info.btfId(), "map '" + info.name() + "' (id " + info.id() + ")");
        } else if (words.take("prog")) {
            int btfId;
            String what;
            try (Program prog = ProgRef.parse(words).openOne()) {
                btfId = prog.info().btfId();
                what = "program '" + prog.name() + "' (id " + prog.id() + ")";
            }
            btf = kernelBtf(btfId, what);
        } else if (words.take("id")) {
            String text = words.next("BTF id");
            long id = Words.parseNumber(text);
            if (id < 0) throw new UsageException("can't parse " + text + " as ID");
            btf = KernelBtfObjects.byId((int) id);
        } else if (words.take("file")) {
            btf = file(Path.of(words.next("FILE")));
        } else {
            throw new UsageException("unrecognized BTF source specifier: '" + words.peek() + "'");
        }
        while (!words.atEnd()) {
            if (words.take("format")) {
                String format = words.next("format (raw)");
                if (format.equals("c")) {
                    throw new UsageException("format c (C declarations, the vmlinux.h generator) is not implemented "
                            + "yet; use format raw");
                }
                if (!format.equals("raw")) {
                    throw new UsageException("unrecognized format specifier: '" + format + "', possible values: raw");
                }
            } else if (words.take("root_id")) {
                if (typeFilter) throw new UsageException("cannot use root_id with other type filtering");
                String text = words.next("root id");
                long id = Words.parseNumber(text);
                if (id < 0) throw new UsageException("can't parse " + text + " as root ID");
                if (roots.contains((int) id)) throw new UsageException("duplicate root_id " + id + " supplied");
                roots.add((int) id);
            } else {
                throw new UsageException("unrecognized option: '" + words.peek() + "'");
            }
        }
        for (int id : roots) {
            if (Integer.toUnsignedLong(id) >= btf.typeCount()) {
                throw new BpfException("invalid root ID: " + Integer.toUnsignedString(id) + " (the BTF has types up to "
                        + (btf.typeCount() - 1) + ")", Errno.EINVAL.number());
            }
        }
        dump(session, btf, roots);
        return 0;
    }

    private static void dump(Session session, Btf btf, List<Integer> roots) {
        if (session.json()) {
            JsonWriter w = session.jsonWriter();
            w.startObject().name("types").startArray();
            if (roots.isEmpty()) {
                for (int id = btf.firstTypeId(); id < btf.typeCount(); id++) BtfJsonDump.type(btf, id, w);
            } else {
                for (int id : roots) BtfJsonDump.type(btf, id, w);
            }
            w.endArray().endObject();
            return;
        }
        PrintWriter out = session.out();
        try {
            if (roots.isEmpty()) {
                BtfDump.raw(btf, out);
            } else {
                for (int id : roots) out.append(id == 0 ? "[0] UNKNOWN '(anon)'\n" : BtfDump.raw(btf, id));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernel BTF object {@code id} that {@code what} was loaded with. */
    private static Btf kernelBtf(int id, String what) {
        if (id == 0) {
            throw new BpfException(what + " has no BTF (it was loaded without it)", Errno.ENOENT.number());
        }
        return KernelBtfObjects.byId(id);
    }

    /** A raw BTF file (split on vmlinux for module files under /sys/kernel/btf) or an ELF object's .BTF. */
    static Btf file(Path path) {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(path)) {
            int n = in.readNBytes(magic, 0, 4);
            if (n < 4) magic = new byte[4];
        } catch (NoSuchFileException e) {
            throw new BpfException("failed to load BTF from " + path + ": no such file", Errno.ENOENT.number());
        } catch (IOException e) {
            throw new BpfException("failed to load BTF from " + path + ": " + e.getMessage(), e);
        }
        if (magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F') {
            ElfFile elf = ElfFile.read(path);
            ElfSection section = elf.section(Btf.SECTION).orElseThrow(() -> new BpfException(
                    "failed to load BTF from " + path + ": the ELF file has no " + Btf.SECTION + " section (compile "
                            + "with -g)", Errno.ENOENT.number()));
            return Btf.parse(elf.bytes(section), path + " " + Btf.SECTION, null);
        }
        Path absolute = path.toAbsolutePath().normalize();
        if (absolute.equals(SYSFS_VMLINUX)) return Btf.vmlinux();   // mapped and parsed once per process
        if (absolute.startsWith(SYSFS_BTF)) return Btf.read(path, Btf.vmlinux());
        return Btf.read(path);
    }
}
