package dev.ebpf4j.cli.feature;

/**
 * bpftool's sentences for the BPF sysctls in {@code feature probe}'s system-configuration section.
 *
 * <pre>{@code
 * SysctlText.describe("bpf_jit_enable", 1L);   // "JIT compiler is enabled"
 * }</pre>
 */
final class SysctlText {
    private SysctlText() {
    }

    static String describe(String name, Long value) {
        long v = value == null ? -1 : value;
        return switch (name) {
            case "unprivileged_bpf_disabled" -> switch ((int) v) {
                case 0 -> "bpf() syscall for unprivileged users is enabled";
                case 1 -> "bpf() syscall restricted to privileged users (without recovery)";
                case 2 -> "bpf() syscall restricted to privileged users (admin can change)";
                case -1 -> "Unable to retrieve required privileges for bpf() syscall";
                default -> "bpf() syscall restriction has unknown value " + v;
            };
            case "bpf_jit_enable" -> switch ((int) v) {
                case 0 -> "JIT compiler is disabled";
                case 1 -> "JIT compiler is enabled";
                case 2 -> "JIT compiler is enabled with debugging traces in kernel logs";
                case -1 -> "Unable to retrieve JIT-compiler status";
                default -> "JIT-compiler status has unknown value " + v;
            };
            case "bpf_jit_harden" -> switch ((int) v) {
                case 0 -> "JIT compiler hardening is disabled";
                case 1 -> "JIT compiler hardening is enabled for unprivileged users";
                case 2 -> "JIT compiler hardening is enabled for all users";
                case -1 -> "Unable to retrieve JIT hardening status";
                default -> "JIT hardening status has unknown value " + v;
            };
            case "bpf_jit_kallsyms" -> switch ((int) v) {
                case 0 -> "JIT compiler kallsyms exports are disabled";
                case 1 -> "JIT compiler kallsyms exports are enabled for root";
                case 2 -> "JIT compiler kallsyms exports are enabled for all users";
                case -1 -> "Unable to retrieve JIT kallsyms export status";
                default -> "JIT kallsyms exports status has unknown value " + v;
            };
            case "bpf_jit_limit" -> v < 0 ? "Unable to retrieve global memory limit for JIT compiler for unprivileged users"
                    : "Global memory limit for JIT compiler for unprivileged users is " + v + " bytes";
            default -> name + " is " + v;
        };
    }
}
