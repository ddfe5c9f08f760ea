package dev.ebpf4j.btf.core;

/**
 * A bound on the work of one recursive type comparison. The comparisons recurse into every member or parameter
 * pair up to 32 levels deep, which hand-made BTF could turn into an astronomically long walk; past the budget the
 * relocation fails instead of hanging.
 */
final class StepBudget {
    /** A hundred times what the largest kernel types need (task_struct or net_device against itself: ~1000). */
    static final int STEPS = 100_000;

    private int remaining = STEPS;

    void spend() {
        if (--remaining < 0) {
            throw CoreFailure.object("comparing the types takes more than " + STEPS + " steps (types nested too "
                    + "deeply or too widely)");
        }
    }
}
