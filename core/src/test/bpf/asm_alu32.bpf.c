// ebpf4j-cflags: -mcpu=v3
// Compiled for cpu v3 (alu32, jmp32): 32-bit sub-register loads/stores, JMP32 and the 32-bit atomic operations.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 word = 0;
__u64 dword = 0;
__u16 half = 0;
__u8 byte = 0;

SEC("xdp")
int atomics32(struct xdp_md *ctx)
{
    __u32 a = __sync_fetch_and_add(&word, 3);
    __u32 b = __sync_fetch_and_or(&word, 4);
    __u32 c = __sync_fetch_and_and(&word, 0xff);
    __u32 d = __sync_fetch_and_xor(&word, 0x11);
    __sync_fetch_and_add(&word, 1);
    __atomic_fetch_or(&word, 8, __ATOMIC_RELAXED);
    __atomic_fetch_and(&word, 0xf0, __ATOMIC_RELAXED);
    __atomic_fetch_xor(&word, 2, __ATOMIC_RELAXED);
    __u32 e = __atomic_exchange_n(&word, a + b, __ATOMIC_RELAXED);
    __u32 f = __sync_val_compare_and_swap(&word, c, d);
    __u64 g = __sync_fetch_and_or(&dword, 5);
    __u64 h = __sync_fetch_and_and(&dword, 7);
    __u64 i = __sync_fetch_and_xor(&dword, 9);
    __u64 j = __atomic_exchange_n(&dword, g + h, __ATOMIC_RELAXED);
    half = (__u16)(e + f);
    byte = (__u8)(i ^ j);
    __u32 len = ctx->data_end - ctx->data;
    if (len > 64 && (len & 3) == 0)
        return XDP_DROP;
    if ((int)len < (int)e)
        return XDP_TX;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
