package dev.ebpf4j.internal.sys;

/**
 * Byte offsets and sizes of the {@code union bpf_attr} members ebpf4j uses (Linux UAPI, {@code include/uapi/linux/bpf.h}).
 * A size is the number of bytes passed to {@code bpf()}: the kernel accepts a shorter attr than it knows and
 * rejects non-zero bytes past what it knows, so each size covers exactly the fields ebpf4j may set.
 *
 * <pre>{@code
 * MemorySegment a = CallScratch.get().attr(BpfAttr.ELEM_SIZE);
 * a.set(JAVA_INT, BpfAttr.ELEM_MAP_FD, fd);
 * }</pre>
 */
public final class BpfAttr {
    private BpfAttr() {
    }

    // BPF_MAP_CREATE
    public static final int MAP_TYPE = 0;
    public static final int MAP_KEY_SIZE = 4;
    public static final int MAP_VALUE_SIZE = 8;
    public static final int MAP_MAX_ENTRIES = 12;
    public static final int MAP_FLAGS = 16;
    public static final int MAP_INNER_MAP_FD = 20;
    public static final int MAP_NUMA_NODE = 24;
    public static final int MAP_NAME = 28;
    public static final int MAP_IFINDEX = 44;
    public static final int MAP_BTF_FD = 48;
    public static final int MAP_BTF_KEY_TYPE_ID = 52;
    public static final int MAP_BTF_VALUE_TYPE_ID = 56;
    public static final int MAP_BTF_VMLINUX_VALUE_TYPE_ID = 60;
    public static final int MAP_EXTRA = 64;
    public static final int MAP_VALUE_TYPE_BTF_OBJ_FD = 72;
    public static final int MAP_TOKEN_FD = 76;
    public static final int MAP_CREATE_SIZE = 72;
    /** Size including value_type_btf_obj_fd and map_token_fd (Linux 6.9+). */
    public static final int MAP_CREATE_SIZE_WITH_TOKEN = 80;

    // BPF_MAP_{LOOKUP,UPDATE,DELETE}_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_LOOKUP_AND_DELETE_ELEM
    public static final int ELEM_MAP_FD = 0;
    public static final int ELEM_KEY = 8;
    public static final int ELEM_VALUE = 16;
    public static final int ELEM_NEXT_KEY = 16;
    public static final int ELEM_FLAGS = 24;
    public static final int ELEM_SIZE = 32;

    // BPF_MAP_*_BATCH
    public static final int BATCH_IN_BATCH = 0;
    public static final int BATCH_OUT_BATCH = 8;
    public static final int BATCH_KEYS = 16;
    public static final int BATCH_VALUES = 24;
    public static final int BATCH_COUNT = 32;
    public static final int BATCH_MAP_FD = 36;
    public static final int BATCH_ELEM_FLAGS = 40;
    public static final int BATCH_FLAGS = 48;
    public static final int BATCH_SIZE = 56;

    // BPF_PROG_LOAD
    public static final int PROG_TYPE = 0;
    public static final int PROG_INSN_CNT = 4;
    public static final int PROG_INSNS = 8;
    public static final int PROG_LICENSE = 16;
    public static final int PROG_LOG_LEVEL = 24;
    public static final int PROG_LOG_SIZE = 28;
    public static final int PROG_LOG_BUF = 32;
    public static final int PROG_KERN_VERSION = 40;
    public static final int PROG_FLAGS = 44;
    public static final int PROG_NAME = 48;
    public static final int PROG_IFINDEX = 64;
    public static final int PROG_EXPECTED_ATTACH_TYPE = 68;
    public static final int PROG_BTF_FD = 72;
    public static final int PROG_FUNC_INFO_REC_SIZE = 76;
    public static final int PROG_FUNC_INFO = 80;
    public static final int PROG_FUNC_INFO_CNT = 88;
    public static final int PROG_LINE_INFO_REC_SIZE = 92;
    public static final int PROG_LINE_INFO = 96;
    public static final int PROG_LINE_INFO_CNT = 104;
    public static final int PROG_ATTACH_BTF_ID = 108;
    public static final int PROG_ATTACH_PROG_FD = 112;
    public static final int PROG_ATTACH_BTF_OBJ_FD = 112;
    public static final int PROG_CORE_RELO_CNT = 116;
    public static final int PROG_FD_ARRAY = 120;
    public static final int PROG_CORE_RELOS = 128;
    public static final int PROG_CORE_RELO_REC_SIZE = 136;
    public static final int PROG_LOG_TRUE_SIZE = 140;
    public static final int PROG_TOKEN_FD = 144;
    public static final int PROG_FD_ARRAY_CNT = 148;
    /** Up to and including log_true_size (Linux 6.4+); older kernels accept the shorter {@link #PROG_LOAD_SIZE_OLD}. */
    public static final int PROG_LOAD_SIZE = 144;
    public static final int PROG_LOAD_SIZE_OLD = 140;

    // BPF_OBJ_PIN, BPF_OBJ_GET
    public static final int OBJ_PATHNAME = 0;
    public static final int OBJ_BPF_FD = 8;
    public static final int OBJ_FILE_FLAGS = 12;
    public static final int OBJ_PATH_FD = 16;
    public static final int OBJ_SIZE = 16;

    // BPF_PROG_ATTACH, BPF_PROG_DETACH
    public static final int ATTACH_TARGET_FD = 0;
    public static final int ATTACH_BPF_FD = 4;
    public static final int ATTACH_TYPE = 8;
    public static final int ATTACH_FLAGS = 12;
    public static final int ATTACH_REPLACE_BPF_FD = 16;
    public static final int ATTACH_SIZE = 20;

    // BPF_PROG_TEST_RUN
    public static final int TEST_PROG_FD = 0;
    public static final int TEST_RETVAL = 4;
    public static final int TEST_DATA_SIZE_IN = 8;
    public static final int TEST_DATA_SIZE_OUT = 12;
    public static final int TEST_DATA_IN = 16;
    public static final int TEST_DATA_OUT = 24;
    public static final int TEST_REPEAT = 32;
    public static final int TEST_DURATION = 36;
    public static final int TEST_CTX_SIZE_IN = 40;
    public static final int TEST_CTX_SIZE_OUT = 44;
    public static final int TEST_CTX_IN = 48;
    public static final int TEST_CTX_OUT = 56;
    public static final int TEST_FLAGS = 64;
    public static final int TEST_CPU = 68;
    public static final int TEST_BATCH_SIZE = 72;
    public static final int TEST_SIZE = 76;

    // BPF_*_GET_NEXT_ID, BPF_*_GET_FD_BY_ID
    public static final int ID_START_ID = 0;
    public static final int ID_NEXT_ID = 4;
    public static final int ID_OPEN_FLAGS = 8;
    public static final int ID_SIZE = 12;

    // BPF_OBJ_GET_INFO_BY_FD
    public static final int INFO_BPF_FD = 0;
    public static final int INFO_LEN = 4;
    public static final int INFO_INFO = 8;
    public static final int INFO_SIZE = 16;

    // BPF_PROG_QUERY
    public static final int QUERY_TARGET_FD = 0;
    public static final int QUERY_ATTACH_TYPE = 4;
    public static final int QUERY_QUERY_FLAGS = 8;
    public static final int QUERY_ATTACH_FLAGS = 12;
    public static final int QUERY_PROG_IDS = 16;
    public static final int QUERY_PROG_CNT = 24;
    public static final int QUERY_PROG_ATTACH_FLAGS = 32;
    public static final int QUERY_LINK_IDS = 40;
    public static final int QUERY_LINK_ATTACH_FLAGS = 48;
    public static final int QUERY_REVISION = 56;
    public static final int QUERY_SIZE = 64;

    // BPF_RAW_TRACEPOINT_OPEN
    public static final int RAW_TP_NAME = 0;
    public static final int RAW_TP_PROG_FD = 8;
    public static final int RAW_TP_COOKIE = 16;
    public static final int RAW_TP_SIZE = 12;
    public static final int RAW_TP_SIZE_WITH_COOKIE = 24;

    // BPF_BTF_LOAD
    public static final int BTF_DATA = 0;
    public static final int BTF_LOG_BUF = 8;
    public static final int BTF_SIZE_FIELD = 16;
    public static final int BTF_LOG_SIZE = 20;
    public static final int BTF_LOG_LEVEL = 24;
    public static final int BTF_LOG_TRUE_SIZE = 28;
    public static final int BTF_LOAD_SIZE = 28;
    public static final int BTF_LOAD_SIZE_WITH_TRUE_SIZE = 32;

    // BPF_LINK_CREATE
    public static final int LINK_PROG_FD = 0;
    public static final int LINK_TARGET_FD = 4;
    public static final int LINK_TARGET_IFINDEX = 4;
    public static final int LINK_ATTACH_TYPE = 8;
    public static final int LINK_FLAGS = 12;
    /** target_btf_id, iter_info, perf_event.bpf_cookie, kprobe_multi.*, tracing.target_btf_id, tcx.relative_fd ... */
    public static final int LINK_UNION = 16;
    public static final int LINK_ITER_INFO = 16;
    public static final int LINK_ITER_INFO_LEN = 24;
    public static final int LINK_PERF_EVENT_COOKIE = 16;
    public static final int LINK_TRACING_TARGET_BTF_ID = 16;
    public static final int LINK_TRACING_COOKIE = 24;
    public static final int LINK_TCX_RELATIVE_FD = 16;
    public static final int LINK_TCX_EXPECTED_REVISION = 24;
    public static final int LINK_KPROBE_MULTI_FLAGS = 16;
    public static final int LINK_KPROBE_MULTI_CNT = 20;
    public static final int LINK_KPROBE_MULTI_SYMS = 24;
    public static final int LINK_KPROBE_MULTI_ADDRS = 32;
    public static final int LINK_KPROBE_MULTI_COOKIES = 40;
    public static final int LINK_UPROBE_MULTI_PATH = 16;
    public static final int LINK_UPROBE_MULTI_OFFSETS = 24;
    public static final int LINK_UPROBE_MULTI_REF_CTR_OFFSETS = 32;
    public static final int LINK_UPROBE_MULTI_COOKIES = 40;
    public static final int LINK_UPROBE_MULTI_CNT = 48;
    public static final int LINK_UPROBE_MULTI_FLAGS = 52;
    public static final int LINK_UPROBE_MULTI_PID = 56;
    public static final int LINK_NETFILTER_PF = 16;
    public static final int LINK_NETFILTER_HOOKNUM = 20;
    public static final int LINK_NETFILTER_PRIORITY = 24;
    public static final int LINK_NETFILTER_FLAGS = 28;
    public static final int LINK_CREATE_SIZE = 64;

    // BPF_LINK_UPDATE
    public static final int LINK_UPDATE_LINK_FD = 0;
    public static final int LINK_UPDATE_NEW_PROG_FD = 4;
    public static final int LINK_UPDATE_FLAGS = 8;
    public static final int LINK_UPDATE_OLD_PROG_FD = 12;
    public static final int LINK_UPDATE_SIZE = 16;

    // BPF_LINK_DETACH, BPF_MAP_FREEZE, BPF_ENABLE_STATS (one u32 at offset 0)
    public static final int SINGLE_FD = 0;
    public static final int SINGLE_SIZE = 4;

    // BPF_ITER_CREATE
    public static final int ITER_LINK_FD = 0;
    public static final int ITER_FLAGS = 4;
    public static final int ITER_SIZE = 8;

    // BPF_PROG_BIND_MAP
    public static final int BIND_PROG_FD = 0;
    public static final int BIND_MAP_FD = 4;
    public static final int BIND_FLAGS = 8;
    public static final int BIND_SIZE = 12;
}
