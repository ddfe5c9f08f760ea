package dev.ebpf4j.cli.execsnoop;

import dev.ebpf4j.RecordBytes;
import dev.ebpf4j.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** execsnoop's line format (libbpf-tools' printf formats) on hand-made records, and its option parsing. */
class ExecEventPrinterTest {
    /** A record as the BPF side writes it (struct exec_event of src/main/bpf/execsnoop.h). */
    private static final class Record extends RecordBytes {
        Record(int pid, int ppid, int uid, int ret, int count, String comm, String... args) {
            super("test record");
            ByteBuffer b = ByteBuffer.allocate(40 + 600).order(ByteOrder.nativeOrder());
            b.putInt(pid).putInt(ppid).putInt(uid).putInt(ret).putInt(count);
            int sizeAt = b.position();
            b.putInt(0);
            byte[] c = comm.getBytes(StandardCharsets.UTF_8);
            b.put(c).put(new byte[16 - c.length]);
            int size = 0;
            for (String a : args) {
                byte[] x = a.getBytes(StandardCharsets.UTF_8);
                b.put(x).put((byte) 0);
                size += x.length + 1;
            }
            b.putInt(sizeAt, size);
            show(MemorySegment.ofArray(b.array()), 0, 40 + size);
        }
    }

    private static String print(ExecsnoopOptions o, Record r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ExecEventPrinter(o, out, System.nanoTime()).print(r);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String header(ExecsnoopOptions o) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ExecEventPrinter(o, out, 0).printHeader();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ExecsnoopOptions options(String... args) {
        return ExecsnoopOptions.parse(List.of(args));
    }

    @Test
    void defaultLine() throws IOException {
        assertEquals("PCOMM            PID    PPID   RET ARGS\n", header(options()));
        assertEquals("echo             4242   17       0 /bin/echo hi there \n",
                print(options(), new Record(4242, 17, 0, 0, 3, "echo", "/bin/echo", "hi", "there")));
        assertEquals("a-very-long-com  1234567 1       -2 /x \n",
                print(options(), new Record(1234567, 1, 0, -2, 1, "a-very-long-com", "/x")));
    }

    @Test
    void quotedTruncatedAndColumns() throws IOException {
        ExecsnoopOptions o = options("-qU", "--max-args=2");
        assertEquals("UID    PCOMM            PID    PPID   RET ARGS\n", header(o));
        assertEquals("1000  sh               5      4        0 \"/bin/sh\" \"say \\\"hi\\\"\\t\\n\" \" ...\n",
                print(o, new Record(5, 4, 1000, 0, 3, "sh", "/bin/sh", "say \"hi\"\t\n")));
        assertEquals("TIME     TIME(s)  PCOMM            PID    PPID   RET ARGS\n", header(options("-T", "-t")));
        assertTrue(print(options("-T", "-t"), new Record(1, 0, 0, 0, 1, "init", "/sbin/init"))
                .matches("\\d\\d:\\d\\d:\\d\\d \\d\\.\\d{3} {3}init {13}1      0        0 /sbin/init \n"));
    }

    @Test
    void nameAndLineFilters() throws IOException {
        Record r = new Record(5, 4, 0, 0, 2, "python3", "/usr/bin/python3", "serve.py");
        assertEquals("", print(options("-n", "java"), r));
        assertTrue(print(options("-n", "thon"), r).startsWith("python3 "));
        assertEquals("", print(options("-l", "nope"), r));
        assertTrue(print(options("-l", "serve"), r).startsWith("python3 "));
    }

    @Test
    void optionGrammar() {
        ExecsnoopOptions o = options("-Txu", "1000", "--max-a", "7", "--cgroup=/sys/fs/cgroup/x", "-nfoo");
        assertTrue(o.time() && o.fails());
        assertFalse(o.timestamp());
        assertEquals(1000, o.uid());
        assertEquals(7, o.maxArgs());
        assertEquals("/sys/fs/cgroup/x", o.cgroup());
        assertEquals("foo", o.name());
        assertEquals(-1, options().uid());
        assertEquals(20, options().maxArgs());
        assertEquals("Invalid UID -3", assertThrows(UsageException.class, () -> options("-u", "-3")).getMessage());
        assertEquals("option requires an argument -- 'u'",
                assertThrows(UsageException.class, () -> options("-u")).getMessage());
        assertEquals("unrecognized option '--bogus'",
                assertThrows(UsageException.class, () -> options("--bogus")).getMessage());
        assertEquals("option '--time' doesn't allow an argument",
                assertThrows(UsageException.class, () -> options("--time=1")).getMessage());
    }
}
