// ebpf4j-ldflags: -shared -fPIC
/*
 * A shared library with USDT probes, for tests of probes in libraries (ET_DYN, mapped at a different address in every
 * process): usdt_target dlopens it ("usdt_target N lib PATH") and calls ebpf4j_lib_fire(i) for i = 0 .. N-1.
 *
 *   ebpf4j_lib:fired   (s32) 7000 + i, (u64) 0xabcdef0000000000 + i   every call
 *   ebpf4j_lib:gated   (s32) -i                                       only while its semaphore is non-zero
 */
#include <stdint.h>
#include <sys/sdt.h>

/* The semaphore of ebpf4j_lib:gated, in the library's .probes section. */
volatile unsigned short ebpf4j_lib_gated_semaphore __attribute__((section(".probes"), used));

/* Only ebpf4j_lib:gated records a semaphore (sdt.h expands _SDT_SEMAPHORE(provider, name) where a probe is used). */
#undef _SDT_SEMAPHORE
#define _SDT_SEMAPHORE(p, n) _SDT_SEMAPHORE_##p##_##n
#define _SDT_SEMAPHORE_ebpf4j_lib_gated _SDT_ASM_1(_SDT_ASM_ADDR ebpf4j_lib_gated_semaphore)
#define _SDT_SEMAPHORE_ebpf4j_lib_fired _SDT_ASM_1(_SDT_ASM_ADDR 0)

volatile int64_t ebpf4j_lib_base;

__attribute__((noinline, visibility("default"))) void ebpf4j_lib_fire(int i)
{
    int64_t b = ebpf4j_lib_base + i;
    STAP_PROBE2(ebpf4j_lib, fired, (int32_t) (7000 + b), (uint64_t) (0xabcdef0000000000ULL + b));
    if (ebpf4j_lib_gated_semaphore)
        STAP_PROBE1(ebpf4j_lib, gated, (int32_t) -b);
}
