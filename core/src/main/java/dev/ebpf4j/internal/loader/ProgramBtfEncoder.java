package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.btf.BtfFuncInfo;
import dev.ebpf4j.btf.BtfLineInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encodes a linked program's func_info and line_info as {@code BPF_PROG_LOAD} takes them: {@code struct
 * bpf_func_info} (insn_off in instructions, type_id) and {@code struct bpf_line_info} (insn_off, file_name_off,
 * line_off, line_col), with string offsets into the BTF blob the program is loaded with.
 *
 * <pre>{@code
 * ProgramSpec.ProgramBtf b = ProgramBtfEncoder.encode(linked, blob);
 * }</pre>
 */
public final class ProgramBtfEncoder {
    /** sizeof(struct bpf_func_info). */
    public static final int FUNC_INFO_SIZE = 8;
    /** sizeof(struct bpf_line_info). */
    public static final int LINE_INFO_SIZE = 16;

    private ProgramBtfEncoder() {
    }

    /** The program's BTF information for loading with {@code blob}. */
    public static ProgramSpec.ProgramBtf encode(LinkedProgram p, BtfBlob blob) {
        List<BtfFuncInfo> funcs = p.funcInfos();
        List<BtfLineInfo> lines = p.lineInfos();
        ByteBuffer f = ByteBuffer.allocate(funcs.size() * FUNC_INFO_SIZE).order(ByteOrder.nativeOrder());
        for (BtfFuncInfo r : funcs) f.putInt(r.insnOffset() / 8).putInt(r.typeId());
        ByteBuffer l = ByteBuffer.allocate(lines.size() * LINE_INFO_SIZE).order(ByteOrder.nativeOrder());
        for (BtfLineInfo r : lines) {
            l.putInt(r.insnOffset() / 8).putInt((int) blob.stringOffset(r.fileName()))
                    .putInt((int) blob.stringOffset(r.line())).putInt(r.lineColumn());
        }
        return new ProgramSpec.ProgramBtf(blob.bytes(), f.array(), FUNC_INFO_SIZE, funcs.size(), l.array(),
                LINE_INFO_SIZE, lines.size());
    }
}
