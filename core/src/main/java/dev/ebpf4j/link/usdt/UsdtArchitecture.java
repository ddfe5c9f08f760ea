package dev.ebpf4j.link.usdt;

import dev.ebpf4j.elf.ElfConstants;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The instruction set a USDT probe's binary is built for: it decides the syntax of the argument specifications
 * (GNU as operand syntax of that architecture) and the registers' offsets in the registers the kernel saves when a
 * uprobe fires — the context a USDT program's {@code bpf_usdt_arg()} reads ({@code struct pt_regs} on x86-64,
 * {@code struct user_pt_regs} on aarch64).
 *
 * <p>x86-64 accepts every name of the general registers ({@code rax eax ax al}, {@code r8 r8d r8w r8b}, ...,
 * {@code rip}); aarch64 accepts {@code x0}–{@code x30}, {@code w0}–{@code w30} and {@code sp}.
 *
 * <pre>{@code
 * UsdtArchitecture arch = UsdtArchitecture.ofMachine(elf.header().machine()).orElseThrow();
 * int di = arch.registerOffset("edi").getAsInt();   // 112 on x86-64
 * }</pre>
 */
public enum UsdtArchitecture {
    /** x86-64 (AT&T syntax: {@code -4@%edi}, {@code 8@-16(%rbp)}, {@code 4@$5}). */
    X86_64("x86-64", ElfConstants.EM_X86_64, x86Registers()),
    /** AArch64 ({@code -4@x0}, {@code 8@[sp, 96]}, {@code 4@5}). */
    AARCH64("aarch64", ElfConstants.EM_AARCH64, aarch64Registers());

    private final String displayName;
    private final int machine;
    private final Map<String, Integer> registers;

    UsdtArchitecture(String displayName, int machine, Map<String, Integer> registers) {
        this.displayName = displayName;
        this.machine = machine;
        this.registers = registers;
    }

    /** The architecture of ELF {@code e_machine} value {@code machine}, when USDT arguments are understood there. */
    public static Optional<UsdtArchitecture> ofMachine(int machine) {
        for (UsdtArchitecture a : values()) if (a.machine == machine) return Optional.of(a);
        return Optional.empty();
    }

    /** The architecture this JVM runs on, when USDT arguments are understood there. */
    public static Optional<UsdtArchitecture> host() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> Optional.of(X86_64);
            case "aarch64", "arm64" -> Optional.of(AARCH64);
            default -> Optional.empty();
        };
    }

    /** The ELF {@code e_machine} value. */
    public int machine() {
        return machine;
    }

    /** The byte offset of register {@code name} (without {@code %}) in the saved registers, if it is one. */
    public OptionalInt registerOffset(String name) {
        Integer off = registers.get(name);
        return off == null ? OptionalInt.empty() : OptionalInt.of(off);
    }

    @Override
    public String toString() {
        return displayName;
    }

    /** x86-64 {@code struct pt_regs}: every name of a register (64, 32, 16 and low 8 bits) maps to its slot. */
    private static Map<String, Integer> x86Registers() {
        Map<String, Integer> m = new java.util.HashMap<>();
        // Slots of struct pt_regs (8 bytes each): r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs
        // flags sp ss.
        String[][] legacy = {
                {"rbp", "ebp", "bp", "bpl"}, {"rbx", "ebx", "bx", "bl"}, {"rax", "eax", "ax", "al"},
                {"rcx", "ecx", "cx", "cl"}, {"rdx", "edx", "dx", "dl"}, {"rsi", "esi", "si", "sil"},
                {"rdi", "edi", "di", "dil"}, {"rip", "eip"}, {"rsp", "esp", "sp", "spl"}};
        int[] legacySlots = {4, 5, 10, 11, 12, 13, 14, 16, 19};
        for (int i = 0; i < legacy.length; i++) for (String n : legacy[i]) m.put(n, legacySlots[i] * 8);
        int[] numberedSlots = {9, 8, 7, 6, 3, 2, 1, 0};   // r8 .. r15
        for (int r = 8; r <= 15; r++) {
            int off = numberedSlots[r - 8] * 8;
            for (String suffix : new String[]{"", "d", "w", "b"}) m.put("r" + r + suffix, off);
        }
        return Map.copyOf(m);
    }

    /** aarch64 {@code struct user_pt_regs}: {@code regs[31]}, then {@code sp}. */
    private static Map<String, Integer> aarch64Registers() {
        Map<String, Integer> m = new java.util.HashMap<>();
        for (int r = 0; r <= 30; r++) {
            m.put("x" + r, r * 8);
            m.put("w" + r, r * 8);
        }
        m.put("sp", 31 * 8);
        return Map.copyOf(m);
    }
}
