package dev.ebpf4j;

/**
 * Linux error numbers that the kernel's BPF, perf and netlink interfaces return, with their usual descriptions.
 *
 * <pre>{@code
 * try { map.update(key, value, UpdateFlag.NO_EXIST); }
 * catch (BpfException e) { if (e.errno() == Errno.EEXIST) { ... } }
 * }</pre>
 */
public enum Errno {
    EPERM(1, "operation not permitted"),
    ENOENT(2, "no such file or directory / no such element"),
    ESRCH(3, "no such process"),
    EINTR(4, "interrupted system call"),
    EIO(5, "input/output error"),
    ENXIO(6, "no such device or address"),
    E2BIG(7, "argument list too long / too big"),
    EBADF(9, "bad file descriptor"),
    EAGAIN(11, "resource temporarily unavailable"),
    ENOMEM(12, "cannot allocate memory"),
    EACCES(13, "permission denied"),
    EFAULT(14, "bad address"),
    EBUSY(16, "device or resource busy"),
    EEXIST(17, "file or element exists"),
    EXDEV(18, "invalid cross-device link"),
    ENODEV(19, "no such device"),
    ENOTDIR(20, "not a directory"),
    EISDIR(21, "is a directory"),
    EINVAL(22, "invalid argument"),
    ENFILE(23, "too many open files in system"),
    EMFILE(24, "too many open files"),
    ENOTTY(25, "inappropriate ioctl for device"),
    EFBIG(27, "file too large"),
    ENOSPC(28, "no space left (map full or buffer too small)"),
    ESPIPE(29, "illegal seek"),
    EROFS(30, "read-only file system"),
    EPIPE(32, "broken pipe"),
    ERANGE(34, "numerical result out of range"),
    EDEADLK(35, "resource deadlock avoided"),
    ENAMETOOLONG(36, "file name too long"),
    ENOSYS(38, "function not implemented"),
    ENOTEMPTY(39, "directory not empty"),
    ELOOP(40, "too many levels of symbolic links"),
    ENOMSG(42, "no message of desired type"),
    ENODATA(61, "no data available"),
    ENOLINK(67, "link has been severed"),
    EPROTO(71, "protocol error"),
    EBADMSG(74, "bad message"),
    EOVERFLOW(75, "value too large for defined data type"),
    EBADFD(77, "file descriptor in bad state"),
    ENOTSOCK(88, "socket operation on non-socket"),
    EMSGSIZE(90, "message too long"),
    EPROTONOSUPPORT(93, "protocol not supported"),
    EOPNOTSUPP(95, "operation not supported"),
    EAFNOSUPPORT(97, "address family not supported by protocol"),
    EADDRINUSE(98, "address already in use"),
    EADDRNOTAVAIL(99, "cannot assign requested address"),
    ENETDOWN(100, "network is down"),
    ENOBUFS(105, "no buffer space available"),
    ETIMEDOUT(110, "connection timed out"),
    EALREADY(114, "operation already in progress"),
    EINPROGRESS(115, "operation now in progress"),
    ECANCELED(125, "operation canceled"),
    /** Kernel-internal "not supported" (524) that some BPF paths leak to user space. */
    ENOTSUPP(524, "operation not supported by this kernel"),
    /** An error number this table does not name; see {@link BpfException#errnoValue()} for the number. */
    UNKNOWN(-1, "unknown error");

    private static final Errno[] BY_NUMBER = new Errno[525];

    static {
        for (Errno e : values()) {
            if (e.number > 0) BY_NUMBER[e.number] = e;
        }
    }

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** The positive error number, or -1 for {@link #UNKNOWN}. */
    public int number() {
        return number;
    }

    /** A short lower-case description, as strerror would give. */
    public String description() {
        return description;
    }

    /** The constant for a positive error number; {@link #UNKNOWN} for numbers not in the table. */
    public static Errno of(int number) {
        if (number > 0 && number < BY_NUMBER.length && BY_NUMBER[number] != null) return BY_NUMBER[number];
        return UNKNOWN;
    }

    /** "EINVAL (invalid argument)", or "errno 1234" when unknown. */
    public static String describe(int number) {
        Errno e = of(number);
        return e == UNKNOWN ? "errno " + number : e.name() + " (" + e.description + ")";
    }
}
