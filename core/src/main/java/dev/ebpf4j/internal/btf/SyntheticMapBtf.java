package dev.ebpf4j.internal.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A tiny BTF blob describing an {@code int} key and an opaque value of N bytes ({@code unsigned char[N]}). Map types
 * that insist on BTF (socket/inode/task/cgroup local storage) get this when their spec carries none.
 *
 * <pre>{@code
 * byte[] btf = SyntheticMapBtf.intKeyBytesValue(16);   // key type id 1, value type id 3
 * }</pre>
 */
public final class SyntheticMapBtf {
    /** Type id of the {@code int} key type. */
    public static final int KEY_TYPE_ID = 1;
    /** Type id of the {@code unsigned char[N]} value type. */
    public static final int VALUE_TYPE_ID = 3;

    private static final int KIND_INT = 1;
    private static final int KIND_ARRAY = 3;
    private static final int INT_SIGNED = 1;

    private SyntheticMapBtf() {
    }

    /** The blob: [1] INT 'int' 4 bytes signed, [2] INT 'unsigned char' 1 byte, [3] ARRAY of [2] × valueSize. */
    public static byte[] intKeyBytesValue(int valueSize) {
        byte[] strings = "\0int\0unsigned char\0".getBytes(StandardCharsets.US_ASCII);
        int intName = 1;
        int ucharName = 5;
        ByteBuffer types = ByteBuffer.allocate(16 + 16 + 24).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(intName).putInt(KIND_INT << 24).putInt(4).putInt(INT_SIGNED << 24 | 32);
        types.putInt(ucharName).putInt(KIND_INT << 24).putInt(1).putInt(8);
        types.putInt(0).putInt(KIND_ARRAY << 24).putInt(0).putInt(2).putInt(1).putInt(valueSize);
        int hdrLen = 24;
        ByteBuffer out = ByteBuffer.allocate(hdrLen + types.capacity() + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(hdrLen);
        out.putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(strings.length);
        out.put(types.array()).put(strings);
        return out.array();
    }
}
