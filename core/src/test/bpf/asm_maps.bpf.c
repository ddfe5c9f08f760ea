// Exercises many instruction kinds as clang emits them by default: maps, helpers, bounded loops, global data,
// a switch, bpf-to-bpf calls, atomics and 32-bit arithmetic. Used by the asm/elf tests (decode, encode, disassemble).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} slots SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

struct event {
    __u32 pid;
    __u32 kind;
    __u64 value;
};

__u64 total_calls = 0;               /* .bss */
__u64 seed = 0x1234567890abcdefULL;  /* .data */
const volatile __u32 scale = 3;      /* .rodata */
__u32 small_counter = 0;

static __noinline __u64 mix(__u64 x, __u32 y)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x + y;
}

static __noinline int classify(int v)
{
    switch (v & 7) {
    case 0: return 11;
    case 1: return 23;
    case 2: return v * 5;
    case 3: return (int)((unsigned)v / 3);
    case 4: return (int)((unsigned)v % 7);
    case 5: return -v;
    case 6: return v << 2;
    default: return v >> 1;
    }
}

SEC("tracepoint/syscalls/sys_enter_write")
int count_writes(void *ctx)
{
    __u32 key = bpf_get_smp_processor_id();
    __u64 *value = bpf_map_lookup_elem(&counts, &key);
    if (value) {
        __sync_fetch_and_add(value, 1);
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
    }
    __u64 before = __sync_fetch_and_add(&total_calls, 1);
    __atomic_fetch_or(&total_calls, 2, __ATOMIC_RELAXED);
    __atomic_fetch_and(&total_calls, ~0ULL, __ATOMIC_RELAXED);
    __atomic_fetch_xor(&total_calls, 0, __ATOMIC_RELAXED);
    __sync_val_compare_and_swap(&seed, before, mix(before, scale));
    __atomic_exchange_n(&seed, before + 1, __ATOMIC_RELAXED);
    __sync_fetch_and_add(&small_counter, 1);

    __u64 acc = 0;
    for (int i = 0; i < 16; i++) {
        __u32 k = i & 7;
        __u64 *slot = bpf_map_lookup_elem(&slots, &k);
        if (!slot)
            continue;
        acc += *slot * scale + classify(i);
        if (acc > 1000000)
            break;
    }

    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    e->pid = bpf_get_current_pid_tgid() >> 32;
    e->kind = (__u32)acc & 0xff;
    e->value = mix(acc, e->pid) + bpf_ktime_get_ns();
    bpf_ringbuf_submit(e, 0);
    return 0;
}

SEC("socket")
int narrow_math(struct __sk_buff *skb)
{
    __u32 len = skb->len;
    __u16 proto = (__u16)skb->protocol;
    __u8 mark = (__u8)skb->mark;
    int s = (int)len;
    s = s * 3 - (int)proto;
    if (s < 0)
        s = -s;
    if ((__u32)s > 1500U)
        s = 1500;
    return s + classify(mark) + (int)(len >> 3) + (int)(len & 0x7f) + (int)(len | 1) + (int)(len ^ proto)
        + (int)bpf_ntohs(proto) + (int)bpf_htonl(len);
}

char LICENSE[] SEC("license") = "GPL";
