package dev.ebpf4j;

import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the kernel reports about a program ({@code struct bpf_prog_info}). Statistics ({@link #runTimeNs()},
 * {@link #runCount()}) are only collected while BPF stats are enabled ({@code kernel.bpf_stats_enabled}).
 *
 * <pre>{@code
 * ProgramInfo info = program.info();
 * System.out.println(info.id() + ": " + info.typeName() + " name " + info.name() + " tag " + info.tag());
 * }</pre>
 *
 * @param typeNumber     raw program type number
 * @param tag            the program's tag, 16 hex digits
 * @param loadTimeNs     load time in nanoseconds since boot
 * @param mapIdCount     number of maps the program uses
 * @param verifiedInsns  instructions the verifier processed
 */
public record ProgramInfo(int typeNumber, int id, String tag, int jitedLength, int xlatedLength, long loadTimeNs,
                          int createdByUid, int mapIdCount, String name, int ifindex, boolean gplCompatible,
                          long netnsDev, long netnsIno, int btfId, int funcInfoCount, int lineInfoCount,
                          long runTimeNs, long runCount, long recursionMisses, int verifiedInsns,
                          int attachBtfObjId, int attachBtfId) {

    /** The program type; {@link ProgramType#UNSPEC} for a type newer than this table. */
    public ProgramType type() {
        return ProgramType.fromNumber(typeNumber).orElse(ProgramType.UNSPEC);
    }

    /** bpftool's type name ("xdp"), or "type N". */
    public String typeName() {
        return ProgramType.describe(typeNumber);
    }

    /** Reads the info of the program behind {@code fd}. */
    static ProgramInfo of(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ObjectInfo.PROG_INFO_SIZE, 8);
            ObjectInfo.get(fd, s, what);
            byte[] tag = s.asSlice(8, 8).toArray(JAVA_BYTE);
            return new ProgramInfo(s.get(JAVA_INT, 0), s.get(JAVA_INT, 4), HexFormat.of().formatHex(tag),
                    s.get(JAVA_INT, 16), s.get(JAVA_INT, 20), s.get(JAVA_LONG, 40), s.get(JAVA_INT, 48),
                    s.get(JAVA_INT, 52), ObjectInfo.cString(s, 64, 16), s.get(JAVA_INT, 80),
                    (s.get(JAVA_INT, 84) & 1) != 0, s.get(JAVA_LONG, 88), s.get(JAVA_LONG, 96), s.get(JAVA_INT, 128),
                    s.get(JAVA_INT, 144), s.get(JAVA_INT, 148), s.get(JAVA_LONG, 192), s.get(JAVA_LONG, 200),
                    s.get(JAVA_LONG, 208), s.get(JAVA_INT, 216), s.get(JAVA_INT, 220), s.get(JAVA_INT, 224));
        }
    }
}
