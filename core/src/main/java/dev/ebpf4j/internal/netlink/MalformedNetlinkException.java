package dev.ebpf4j.internal.netlink;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;

/**
 * A netlink reply whose lengths do not fit the bytes received. Never expected from a sane kernel; raised instead of
 * reading past the buffer.
 *
 * <pre>{@code
 * throw new MalformedNetlinkException("attribute type 3 at offset 40 claims 900 bytes but 12 remain");
 * }</pre>
 */
public final class MalformedNetlinkException extends BpfException {
    public MalformedNetlinkException(String detail) {
        super("malformed netlink reply from the kernel: " + detail, Errno.EBADMSG.number());
    }
}
