package dev.ebpf4j.link;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ringbuf.RingBufferReader;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HotSpot's own USDT probes (libjvm.so, provider "hotspot") in a child JVM, attached by pid with the library found
 * among the child's mappings: a class load, a thread start and the collections {@code System.gc()} causes, each with
 * its arguments (class and thread names read through the probes' pointers), programs in usdt_hotspot.bpf.c.
 */
@KernelTest
class HotspotUsdtKernelTest {
    private static final int CLASS_LOADED = 1;
    private static final int THREAD_START = 2;
    private static final int GC_BEGIN = 3;

    record Event(int kind, int pid, long a0, long a1, long a2, String text) {
    }

    private static List<Event> drain(BpfObject obj) {
        List<Event> out = new ArrayList<>();
        try (RingBufferReader r = RingBufferReader.open(obj.map("events"), rec -> out.add(new Event(rec.getInt(0),
                rec.getInt(4), rec.getLong(8), rec.getLong(16), rec.getLong(24), rec.getString(32, 64))))) {
            r.consume();
        }
        return out;
    }

    @Test
    void aChildJvmsClassLoadThreadStartAndCollectionsAreSeenWithTheirArguments() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), HotspotChild.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BpfObject obj = BpfObject.load(TestObjects.bpf("usdt_hotspot"))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            int pid = (int) child.pid();
            assertEquals("ready " + pid, ready);
            UsdtSpecMaps maps = UsdtSpecMaps.of(obj.map(UsdtSpecMaps.SPECS_MAP),
                    obj.map(UsdtSpecMaps.IP_TO_SPEC_ID_MAP));
            try (UsdtLink classes = UsdtLink.attach(obj.program("on_class_loaded"), maps,
                         UsdtLink.Options.probe("libjvm.so", "hotspot", "class__loaded").pid(pid));
                 UsdtLink threads = UsdtLink.attach(obj.program("on_thread_start"), maps,
                         UsdtLink.Options.probe("libjvm.so", "hotspot", "thread__start").pid(pid));
                 UsdtLink gcs = UsdtLink.attach(obj.program("on_gc_begin"), maps,
                         UsdtLink.Options.probe("libjvm.so", "hotspot", "gc__begin").pid(pid))) {
                Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so").toRealPath();
                assertEquals(libjvm, gcs.binary().toRealPath(), "libjvm.so found among the child's mappings");
                assertEquals(2, gcs.probes().size(), "gc__begin has two sites");
                assertEquals(2, gcs.specIds().size(), "with different argument specs (a register, a constant)");

                Writer w = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
                w.write("go\n");
                w.flush();
                String done = out.readLine();
                assertNotNull(done);
                assertTrue(done.startsWith("done "), done);
                long javaTid = Long.parseLong(done.substring(5));
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, child.exitValue());

                List<Event> events = drain(obj);
                assertTrue(events.stream().allMatch(e -> e.pid() == pid), "only the child: " + events);
                String loadedName = HotspotChild.Loaded.class.getName().replace('.', '/');
                List<Event> loaded = events.stream().filter(e -> e.kind() == CLASS_LOADED
                        && e.text().equals(loadedName)).toList();
                assertEquals(1, loaded.size(), "class__loaded of " + loadedName + " in " + events);
                assertEquals(loadedName.length(), loaded.get(0).a0(), "the name length argument");
                List<Event> started = events.stream().filter(e -> e.kind() == THREAD_START
                        && e.text().equals("ebpf4j-usdt-child")).toList();
                assertEquals(1, started.size(), "thread__start of the child's thread in " + events);
                assertEquals(javaTid, started.get(0).a0(), "the Java thread id argument");
                assertTrue(started.get(0).a1() > 0, "a native thread id");
                assertEquals(0, started.get(0).a2(), "not a daemon");
                List<Event> gc = events.stream().filter(e -> e.kind() == GC_BEGIN).toList();
                assertTrue(gc.size() >= 2, "two System.gc() calls: " + gc);
                assertTrue(gc.stream().allMatch(e -> e.a1() == 1), "gc__begin has one argument");
                assertTrue(gc.stream().anyMatch(e -> e.a0() == 1), "System.gc() is a full collection: " + gc);
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
