package dev.ebpf4j.link;

import java.nio.file.Path;

/**
 * An attachment of a program to a hook (or, for {@link StructOpsLink}, a struct_ops map of programs registered with
 * the kernel). Closing a link detaches the program unless the link was pinned (then the pin keeps it attached until
 * the pin is removed). One final class per attach kind; a {@code switch} naming them all
 * is exhaustive. The kinds that are always a kernel {@code bpf_link} share the base {@link BpfLink}.
 *
 * <pre>{@code
 * try (Program prog = Program.load(spec);
 *      Link link = TracepointLink.attach(prog, "syscalls", "sys_enter_execve")) {
 *     ... events flow while the link is open ...
 * }
 * }</pre>
 */
public sealed interface Link extends AutoCloseable
        permits DelegatingLink, SelfDetachingLink, PerfEventLink, UsdtLink {

    /** Human-readable description: "tracepoint syscalls/sys_enter_execve → program 'handle' (tracepoint)". */
    String describe();

    /**
     * The kernel link's info, for links backed by a {@code bpf_link}; empty for attachments made the older way
     * (perf event ioctl, netlink, setsockopt) which have no kernel link object.
     */
    java.util.Optional<LinkInfo> info();

    /** Pins the link on bpffs so it outlives this process; only for links backed by a {@code bpf_link}. */
    void pin(Path path);

    /** Removes this link's pin (the link stays attached while this object is open). */
    void unpin();

    /** Detaches now (and closes the descriptor) even when pinned. */
    void detach();

    /** Detaches unless pinned, and releases the descriptor. Idempotent. */
    @Override
    void close();
}
