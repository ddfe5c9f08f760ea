// ebpf4j-cflags: -target bpfeb -mcpu=v4
// A big-endian object (register nibbles and multi-byte fields swapped) for the decoder and ELF reader tests.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} be_values SEC(".maps");

__u64 be_total = 0x0102030405060708ULL;

static __noinline __u64 be_helper(__u64 v)
{
    return (v << 3) - (v >> 2) + 0x7fffffffffffULL;
}

SEC("xdp")
int big_endian(struct xdp_md *ctx)
{
    __u32 key = 1;
    __u64 *v = bpf_map_lookup_elem(&be_values, &key);
    if (!v)
        return XDP_ABORTED;
    __sync_fetch_and_add(v, be_helper(*v));
    __sync_fetch_and_add(&be_total, 1);
    return (int)(*v & 3);
}

char LICENSE[] SEC("license") = "GPL";
