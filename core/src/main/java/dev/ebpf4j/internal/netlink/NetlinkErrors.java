package dev.ebpf4j.internal.netlink;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.SysErrors;

/**
 * Turns a netlink error answer into a typed exception naming the operation and quoting the kernel's own
 * explanation (extended ack) when it gave one. EPERM/EACCES become a PermissionException naming CAP_NET_ADMIN.
 *
 * <pre>{@code
 * if (!answer.ok()) throw NetlinkErrors.of("adding clsact qdisc to eth0", answer.errno(), answer.kernelMessage());
 * }</pre>
 */
public final class NetlinkErrors {
    private NetlinkErrors() {
    }

    public static BpfException of(String operation, int errno, String kernelMessage) {
        String said = kernelMessage == null || kernelMessage.isBlank() ? "" : " (the kernel says: \"" + kernelMessage + "\")";
        if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
            return SysErrors.of(operation + said, errno, Capabilities.CAP_NET_ADMIN);
        }
        return new BpfException(operation + " failed: " + Errno.describe(errno) + said, errno);
    }
}
