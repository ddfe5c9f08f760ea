package dev.ebpf4j.link;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The oracle: Debian's libbpf 1.1 attaches the same USDT probe (src/test/bpf/native/usdt_oracle.c,
 * {@code bpf_program__attach_usdt}) and reports how many uprobes it made and the specs it wrote to
 * {@code __bpf_usdt_specs}; ebpf4j must make as many uprobes and write byte-identical specs. While libbpf's
 * attachment stands, ebpf4j attaches the same sites: the kernel refuses a second uprobe at a site with a different
 * semaphore offset (ref_ctr_offset), so succeeding there means both computed the same file offsets for it.
 */
@KernelTest
class UsdtLibbpfOracleKernelTest {
    private static final long COOKIE = 0x5eed_0000_0000_0001L;

    /** The oracle's attachment, alive until {@link #close()}. */
    private record Oracle(Process process, int links, Set<String> specs) implements AutoCloseable {
        static Oracle attach(Path binary, String provider, String name) throws IOException {
            Process p = new ProcessBuilder(TestObjects.nativeBinary("usdt_oracle").toString(),
                    TestObjects.bpf("usdt_probes").toString(), "record", binary.toString(), provider, name,
                    Long.toString(COOKIE)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int links = -1;
            Set<String> specs = new TreeSet<>();
            for (String line; (line = r.readLine()) != null && !line.equals("ready"); ) {
                if (line.startsWith("FAILED")) {
                    p.destroyForcibly();
                    throw new AssertionError("libbpf could not attach " + provider + ":" + name + ": " + line);
                }
                if (line.startsWith("LINKS ")) links = Integer.parseInt(line.substring(6));
                if (line.startsWith("SPEC ")) specs.add(line.substring(line.indexOf(' ', 5) + 1));
            }
            return new Oracle(p, links, specs);
        }

        @Override
        public void close() {
            try {
                Writer w = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                w.write("done\n");
                w.flush();
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // fall through to the forced end
            } finally {
                process.destroyForcibly();
            }
        }
    }

    @ParameterizedTest(name = "{0}:{1}")
    @CsvSource({"ebpf4j,zero", "ebpf4j,one", "ebpf4j,two", "ebpf4j,three", "ebpf4j,four", "ebpf4j,memory",
            "ebpf4j,stack", "ebpf4j,six", "ebpf4j,twelve", "ebpf4j,inlined", "ebpf4j,gated", "ebpf4j_lib,fired",
            "ebpf4j_lib,gated"})
    void ebpf4jMakesTheUprobesAndSpecsLibbpfMakes(String provider, String name) throws IOException {
        Path binary = provider.equals("ebpf4j") ? UsdtTargetProcess.binary() : UsdtTargetProcess.library();
        try (Oracle libbpf = Oracle.attach(binary, provider, name);
             BpfObject obj = BpfObject.load(TestObjects.bpf("usdt_probes"));
             UsdtLink ours = UsdtLink.attach(obj.program("record"), UsdtSpecMaps.of(obj.map(UsdtSpecMaps.SPECS_MAP),
                     obj.map(UsdtSpecMaps.IP_TO_SPEC_ID_MAP)), UsdtLink.Options.probe(binary, provider, name)
                     .cookie(COOKIE))) {
            assertEquals(libbpf.links(), ours.uprobes().size(), "uprobes per probe");
            Set<String> specs = new TreeSet<>();
            for (int id : ours.specIds()) {
                byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(id).array();
                specs.add(HexFormat.of().formatHex(obj.map(UsdtSpecMaps.SPECS_MAP).lookup(key).orElseThrow()));
            }
            assertEquals(libbpf.specs(), specs, "struct __bpf_usdt_spec bytes");
            List<Boolean> semaphores = ours.probes().stream().map(p -> p.hasSemaphore()).toList();
            assertEquals(name.equals("gated"), semaphores.contains(true));
        }
    }
}
