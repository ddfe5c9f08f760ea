package dev.ebpf4j.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * Builds small, valid ELF64 images for tests, so each malformation can be introduced by patching one known field.
 * Sections are laid out after the 64-byte header in the order added (8-byte aligned), then the section name table,
 * the section header table and the program header table. {@link #layout()} records where everything went.
 *
 * <pre>{@code
 * TestElfBuilder b = new TestElfBuilder(ByteOrder.LITTLE_ENDIAN);
 * int text = b.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[16]);
 * byte[] image = b.build();
 * long headerOfText = b.layout().sectionHeaderOffset(text);
 * }</pre>
 */
public final class TestElfBuilder {
    /** Where the parts of the built image are. */
    public record Layout(long[] sectionOffsets, long sectionHeaderTable, long programHeaderTable, int nameTableIndex) {
        public long sectionHeaderOffset(int index) {
            return sectionHeaderTable + 64L * index;
        }

        public long programHeaderOffset(int index) {
            return programHeaderTable + 56L * index;
        }
    }

    private record Section(String name, int type, long flags, byte[] data, int link, int info, long entrySize,
                           long address) {
    }

    private record Segment(int type, int flags, int sectionIndex, long vaddr, long extraMemory) {
    }

    private final ByteOrder order;
    private final List<Section> sections = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private int type = ET_REL;
    private int machine = EM_BPF;
    private Layout layout;

    public TestElfBuilder(ByteOrder order) {
        this.order = order;
    }

    public TestElfBuilder type(int elfType) {
        this.type = elfType;
        return this;
    }

    public TestElfBuilder machine(int elfMachine) {
        this.machine = elfMachine;
        return this;
    }

    /** Adds a section; returns its index (the null section is 0, so the first added is 1). */
    public int section(String name, int sectionType, long flags, byte[] data) {
        return section(name, sectionType, flags, data, 0, 0, 0, 0);
    }

    public int section(String name, int sectionType, long flags, byte[] data, int link, int info, long entrySize,
                       long address) {
        sections.add(new Section(name, sectionType, flags, data, link, info, entrySize, address));
        return sections.size();
    }

    /** Adds a program header covering section {@code sectionIndex}, mapped at {@code vaddr}. */
    public TestElfBuilder segment(int segmentType, int flags, int sectionIndex, long vaddr, long extraMemory) {
        segments.add(new Segment(segmentType, flags, sectionIndex, vaddr, extraMemory));
        return this;
    }

    /** A string table holding {@code names}; returns the bytes and each name's offset in {@code offsets}. */
    public static byte[] strings(List<String> names, int[] offsets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        for (int i = 0; i < names.size(); i++) {
            offsets[i] = out.size();
            out.writeBytes(names.get(i).getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /** One ELF64 symbol entry. */
    public byte[] symbol(int nameOffset, int binding, int symbolType, int sectionIndex, long value, long size) {
        ByteBuffer b = ByteBuffer.allocate(24).order(order);
        b.putInt(nameOffset).put((byte) (binding << 4 | symbolType)).put((byte) 0).putShort((short) sectionIndex)
                .putLong(value).putLong(size);
        return b.array();
    }

    /** One RELA entry. */
    public byte[] rela(long offset, int symbolIndex, int relocationType, long addend) {
        ByteBuffer b = ByteBuffer.allocate(24).order(order);
        b.putLong(offset).putLong(((long) symbolIndex << 32) | Integer.toUnsignedLong(relocationType)).putLong(addend);
        return b.array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    public Layout layout() {
        return layout;
    }

    public byte[] build() {
        List<String> names = new ArrayList<>();
        for (Section s : sections) names.add(s.name);
        names.add(".shstrtab");
        int[] nameOffsets = new int[names.size()];
        byte[] nameTable = strings(names, nameOffsets);
        List<Section> all = new ArrayList<>(sections);
        all.add(new Section(".shstrtab", SHT_STRTAB, 0, nameTable, 0, 0, 0, 0));

        long[] offsets = new long[all.size() + 1];
        long at = 64;
        for (int i = 0; i < all.size(); i++) {
            at = align(at, 8);
            offsets[i + 1] = at;
            if (all.get(i).type != SHT_NOBITS) at += all.get(i).data.length;
        }
        long shoff = align(at, 8);
        int shnum = all.size() + 1;
        long phoff = segments.isEmpty() ? 0 : shoff + 64L * shnum;
        long total = phoff == 0 ? shoff + 64L * shnum : phoff + 56L * segments.size();
        ByteBuffer b = ByteBuffer.allocate((int) total).order(order);

        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1, 0});
        b.position(16);
        b.putShort((short) type).putShort((short) machine).putInt(1).putLong(0).putLong(phoff).putLong(shoff)
                .putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) segments.size())
                .putShort((short) 64).putShort((short) shnum).putShort((short) (shnum - 1));
        for (int i = 0; i < all.size(); i++) {
            Section s = all.get(i);
            if (s.type != SHT_NOBITS) b.put((int) offsets[i + 1], s.data);
        }
        for (int i = 0; i < all.size(); i++) {
            Section s = all.get(i);
            b.position((int) (shoff + 64L * (i + 1)));
            b.putInt(nameOffsets[i]).putInt(s.type).putLong(s.flags).putLong(s.address).putLong(offsets[i + 1])
                    .putLong(s.data.length).putInt(s.link).putInt(s.info).putLong(8).putLong(s.entrySize);
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment g = segments.get(i);
            long size = all.get(g.sectionIndex - 1).data.length;
            b.position((int) (phoff + 56L * i));
            b.putInt(g.type).putInt(g.flags).putLong(offsets[g.sectionIndex]).putLong(g.vaddr).putLong(g.vaddr)
                    .putLong(size).putLong(size + g.extraMemory).putLong(0x1000);
        }
        layout = new Layout(offsets, shoff, phoff, shnum - 1);
        return b.array();
    }

    private static long align(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
