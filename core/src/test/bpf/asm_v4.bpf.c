// ebpf4j-cflags: -mcpu=v4
// Compiled for cpu v4: signed division and modulo, sign-extending moves and loads, bswap, gotol, may_goto, and the
// legacy packet loads (BPF_ABS/BPF_IND). Never loaded; only decoded and disassembled.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

volatile signed char s8v;
volatile short s16v;
volatile int s32v;
volatile long long s64v;

SEC("socket")
int legacy_loads(struct __sk_buff *skb)
{
    __u64 a = load_byte(skb, 12);
    __u64 b = load_half(skb, skb->len & 0xff);
    __u64 c = load_word(skb, 20);
    return a + b + c;
}

static __noinline long long widen(int w)
{
    return (long long)(signed char)w + (long long)(short)(w >> 8) + (long long)w;
}

SEC("xdp")
int v4_ops(struct xdp_md *ctx)
{
    long long x = s8v, y = s16v, z = s32v;
    long long q = s64v / (y | 1);
    long long r = s64v % (z | 3);
    int w = (int)s64v;
    int w2 = w / (int)(x | 1);
    int w3 = w % (int)(y | 5);
    unsigned long long swapped = __builtin_bswap64(s64v) ^ __builtin_bswap32((int)q) ^ __builtin_bswap16((short)r);
    asm volatile("may_goto +0");
    asm volatile("gotol +1");
    asm volatile("r0 = r0" ::: "r0");
    return (int)(x + y + z + q + r + w2 + w3 + swapped + widen(w));
}

char LICENSE[] SEC("license") = "GPL";
