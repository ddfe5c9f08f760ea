package dev.ebpf4j.cli;

/** Entry point of the {@code ebpf4j} command (placeholder until the CLI lands). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("ebpf4j");
    }
}
