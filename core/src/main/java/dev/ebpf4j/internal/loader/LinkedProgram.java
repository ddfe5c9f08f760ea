package dev.ebpf4j.internal.loader;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.btf.BtfFuncInfo;
import dev.ebpf4j.btf.BtfLineInfo;

import java.util.List;

/**
 * A program entry function with every subprogram it calls appended and calls fixed up, plus its {@code .BTF.ext}
 * records with offsets (in bytes) relative to the start of the linked program.
 *
 * <pre>{@code
 * LinkedProgram p = linker.link(entry);
 * p.instructions().size();
 * p.funcInfos().getFirst().insnOffset();   // 0
 * }</pre>
 *
 * @param instructions the linked program
 * @param functions    names of the functions in it, in placement order (the entry first)
 * @param funcInfos    func_info records, byte offsets into the linked program
 * @param lineInfos    line_info records, byte offsets into the linked program
 * @param coreRelos    CO-RE relocations, byte offsets into the linked program
 */
public record LinkedProgram(List<Instruction> instructions, List<String> functions, List<BtfFuncInfo> funcInfos,
                            List<BtfLineInfo> lineInfos, List<BtfCoreRelo> coreRelos) {
    public LinkedProgram {
        instructions = List.copyOf(instructions);
        functions = List.copyOf(functions);
        funcInfos = List.copyOf(funcInfos);
        lineInfos = List.copyOf(lineInfos);
        coreRelos = List.copyOf(coreRelos);
    }
}
