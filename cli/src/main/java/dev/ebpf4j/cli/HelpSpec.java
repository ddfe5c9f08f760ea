package dev.ebpf4j.cli;

/**
 * The grammar snippets shared by the usage texts (bpftool's HELP_SPEC_* lines).
 *
 * <pre>{@code
 * String usage = "       " + HelpSpec.MAP + "\n";
 * }</pre>
 */
public final class HelpSpec {
    public static final String PROGRAM = "PROG := { id PROG_ID | pinned FILE | tag PROG_TAG | name PROG_NAME }";
    public static final String MAP = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME }";
    public static final String LINK = "LINK := { id LINK_ID | pinned FILE }";
    public static final String OPTIONS = "OPTIONS := { {-j|--json} [{-p|--pretty}] | {-d|--debug}";

    private HelpSpec() {
    }
}
