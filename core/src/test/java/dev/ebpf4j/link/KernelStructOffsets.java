package dev.ebpf4j.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test oracle: the byte offset of a member of a kernel struct, read from the running kernel's BTF
 * ({@code /sys/kernel/btf/vmlinux}), so iterator programs can read fields without CO-RE.
 *
 * <pre>{@code
 * int pidOffset = KernelStructOffsets.of("task_struct", "pid");
 * }</pre>
 */
final class KernelStructOffsets {
    private KernelStructOffsets() {
    }

    static int of(String struct, String member) {
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux"))).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int hdr = b.getInt(4);
        int typeOff = hdr + b.getInt(8);
        int typeEnd = typeOff + b.getInt(12);
        int strOff = hdr + b.getInt(16);
        int pos = typeOff;
        while (pos < typeEnd) {
            int info = b.getInt(pos + 4);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            boolean kflag = info < 0;
            if (kind == 4 && name(b, strOff, b.getInt(pos)).equals(struct) && vlen > 0) {
                for (int i = 0; i < vlen; i++) {
                    int m = pos + 12 + 12 * i;
                    if (name(b, strOff, b.getInt(m)).equals(member)) {
                        int bits = b.getInt(m + 8);
                        return (kflag ? bits & 0xffffff : bits) / 8;
                    }
                }
                throw new IllegalStateException("struct " + struct + " has no member " + member);
            }
            pos += 12 + switch (kind) {
                case 1, 3, 14, 17 -> kind == 3 ? 12 : 4;
                case 4, 5, 15, 19 -> 12 * vlen;
                case 6, 13 -> 8 * vlen;
                default -> 0;
            };
        }
        throw new IllegalStateException("the kernel's BTF has no struct " + struct);
    }

    private static String name(ByteBuffer b, int strOff, int off) {
        int start = strOff + off;
        int end = start;
        while (b.get(end) != 0) end++;
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
