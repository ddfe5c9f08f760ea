package dev.ebpf4j.vm.conformance;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.InstructionDecoder;
import dev.ebpf4j.vm.asm.UbpfAssembler;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One BPF conformance test file: its {@code -- asm}, {@code -- raw}, {@code -- mem}, {@code -- result} and
 * {@code -- error} sections. {@code -- raw} holds 64-bit little-endian words, one per token; lines of exactly eight
 * two-digit hex tokens are raw bytes of one instruction instead (the {@code negative/unused-*} files).
 *
 * <pre>{@code
 * ConformanceFile f = ConformanceFile.parse(Path.of(".../tests/add.data"));
 * List<Instruction> insns = f.program();
 * }</pre>
 */
record ConformanceFile(Path path, Map<String, String> sections) {
    static final Path ROOT = Path.of("/work/shared/conformance");
    private static final List<String> KNOWN = List.of("asm", "raw", "mem", "result", "error", "c",
            "no register offset");

    static ConformanceFile parse(Path path) throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : Files.readAllLines(path)) {
            if (line.startsWith("-- ")) {
                if (current != null) sections.put(current, body.toString());
                current = line.substring(3).trim();
                if (!KNOWN.contains(current)) {
                    throw new IllegalArgumentException(path.getFileName() + ": unknown section '-- " + current + "'");
                }
                body.setLength(0);
            } else if (current != null) {
                body.append(line).append('\n');
            }
        }
        if (current != null) sections.put(current, body.toString());
        return new ConformanceFile(path, sections);
    }

    String name() {
        return path.getFileName().toString();
    }

    boolean hasProgram() {
        return sections.containsKey("raw") || sections.containsKey("asm");
    }

    /** The program: {@code -- raw} when present, else the assembled {@code -- asm}. */
    List<Instruction> program() {
        if (sections.containsKey("raw")) return raw(sections.get("raw"));
        if (!sections.containsKey("asm")) throw new IllegalArgumentException(name() + ": no -- asm or -- raw section");
        return UbpfAssembler.assemble(sections.get("asm"));
    }

    static List<Instruction> raw(String text) {
        ByteBuffer out = ByteBuffer.allocate(text.length() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            String[] tokens = line.trim().split("\\s+");
            if (tokens.length == 1 && tokens[0].isEmpty()) continue;
            boolean bytes = tokens.length == 8;
            for (String t : tokens) bytes &= t.matches("[0-9a-fA-F]{2}");
            if (bytes) {
                for (String t : tokens) out.put((byte) Integer.parseInt(t, 16));
            } else {
                for (String t : tokens) out.putLong(number(t).longValue());
            }
        }
        byte[] code = new byte[out.position()];
        out.flip().get(code);
        return InstructionDecoder.decode(code);
    }

    byte[] memory() {
        String mem = sections.get("mem");
        if (mem == null) return null;
        String hex = mem.replaceAll("#.*", "").replaceAll("\\s+", "");
        return HexFormat.of().parseHex(hex);
    }

    boolean expectsResult() {
        return sections.containsKey("result");
    }

    long result() {
        return number(sections.get("result").replaceAll("#.*", "").trim()).longValue();
    }

    String error() {
        return sections.getOrDefault("error", "").trim();
    }

    private static BigInteger number(String t) {
        String s = t.trim();
        return s.contains("0x") ? new BigInteger(s.replace("0x", ""), 16) : new BigInteger(s);
    }

    static List<Path> files(String dir) throws IOException {
        Path d = ROOT.resolve(dir);
        if (!Files.isDirectory(d)) {
            throw new IllegalStateException("conformance data not found at " + d + ": the BPF conformance vectors are "
                    + "read from /work/shared/conformance at test time");
        }
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(d)) {
            s.filter(p -> p.toString().endsWith(".data")).sorted().forEach(out::add);
        }
        return out;
    }
}
