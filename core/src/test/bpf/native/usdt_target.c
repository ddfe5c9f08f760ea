// ebpf4j-ldflags: -ldl
/*
 * Target process for USDT tests: fires SystemTap-style probes (<sys/sdt.h>, Debian's systemtap-sdt-dev) of provider
 * "ebpf4j" with known arguments, N times each.
 *
 *   usdt_target N [wait] [lib PATH]
 *
 * With "wait" it first prints "ready <pid>" and waits for a line on stdin, so a test can attach pid-filtered probes
 * before anything fires. With "lib PATH" it also dlopens the shared library PATH (libusdt_lib) and calls its
 * ebpf4j_lib_fire(i) N times (probe ebpf4j_lib:fired, behind a semaphore).
 *
 * The probes (values for iteration i = 0 .. N-1; the BPF side must read exactly these):
 *   zero                      no arguments
 *   one     (s8)  -5 - i                                  -1@%reg
 *   two     (u8)  200 + i, (s16) -1234 - i
 *   three   (u16) 60000 + i, (s32) -123456 - i, (u32) 4000000000 + i
 *   four    (s64) -1234567890123 - i, (u64) 0xfedcba9876543210 + i, constant 5, constant -7
 *   memory  (s32) -42 - i, (u64) 0x1122334455667788 + i, (s16) -300 - i  — read from memory (N@OFF(%reg))
 *   stack   (s64) -77 - i, (u32) 3000000000 + i       — volatile locals read from the frame (N@-OFF(%rbp))
 *   six     (s8) -1, (u8) 255, (s16) -2, (u16) 65535, (s32) -3, (u64) i
 *   twelve  1 + i, 2 + i, ..., 12 + i (s64)                (the most usdt.bpf.h takes)
 *   inlined (s32) 1000 + i at call site A, 2000 + i at call site B: one probe name, two locations
 *   gated   (s32) i, only while its semaphore is non-zero (the tracer increments it when attaching)
 *
 * Printed at the end: "gated <times the gated probe fired>" and "semaphore <its value at the last check>".
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sdt.h>

/* The semaphore of probe ebpf4j:gated: <provider>_<name>_semaphore in section .probes, as dtrace -G would make. */
volatile unsigned short ebpf4j_gated_semaphore __attribute__((section(".probes"), used));

/* Only the gated probe records its semaphore's address in its note: sdt.h's per-probe semaphore field, chosen by
 * probe name (sdt.h expands _SDT_SEMAPHORE(provider, name) where a probe is used). */
#undef _SDT_SEMAPHORE
#define _SDT_SEMAPHORE(p, n) _SDT_SEMAPHORE_##p##_##n
#define _SDT_SEMAPHORE_ebpf4j_gated _SDT_ASM_1(_SDT_ASM_ADDR ebpf4j_gated_semaphore)
#define _SDT_SEMAPHORE_ebpf4j_zero _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_one _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_two _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_three _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_four _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_memory _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_stack _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_six _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_twelve _SDT_ASM_1(_SDT_ASM_ADDR 0)
#define _SDT_SEMAPHORE_ebpf4j_inlined _SDT_ASM_1(_SDT_ASM_ADDR 0)

#define NOINLINE __attribute__((noinline))

/* Values travel through volatile globals so the compiler cannot fold them into constants. */
volatile int64_t base;

struct in_memory {
    int32_t a;
    uint64_t b;
    int16_t c;
};

static inline __attribute__((always_inline)) void fire_inlined(int32_t v)
{
    STAP_PROBE1(ebpf4j, inlined, v);
}

NOINLINE void call_site_a(int i) { fire_inlined(1000 + i); }
NOINLINE void call_site_b(int i) { fire_inlined(2000 + i); }

NOINLINE void fire_memory(volatile struct in_memory *m)
{
    STAP_PROBE3(ebpf4j, memory, m->a, m->b, m->c);
}

NOINLINE void fire_stack(int64_t b)
{
    volatile int64_t on_stack = -77 - b;
    volatile uint32_t also_on_stack = 3000000000u + b;
    STAP_PROBE2(ebpf4j, stack, on_stack, also_on_stack);
}

NOINLINE void fire_all(int i, int *gated)
{
    int64_t b = base + i;
    int8_t s8 = (int8_t) (-5 - b);
    uint8_t u8 = (uint8_t) (200 + b);
    int16_t s16 = (int16_t) (-1234 - b);
    uint16_t u16 = (uint16_t) (60000 + b);
    int32_t s32 = (int32_t) (-123456 - b);
    uint32_t u32 = (uint32_t) (4000000000u + b);
    int64_t s64 = -1234567890123LL - b;
    uint64_t u64 = 0xfedcba9876543210ULL + b;

    STAP_PROBE(ebpf4j, zero);
    STAP_PROBE1(ebpf4j, one, s8);
    STAP_PROBE2(ebpf4j, two, u8, s16);
    STAP_PROBE3(ebpf4j, three, u16, s32, u32);
    STAP_PROBE4(ebpf4j, four, s64, u64, 5, -7);

    volatile struct in_memory m = { (int32_t) (-42 - b), 0x1122334455667788ULL + b, (int16_t) (-300 - b) };
    fire_memory(&m);

    fire_stack(b);

    STAP_PROBE6(ebpf4j, six, (int8_t) -1, (uint8_t) 255, (int16_t) -2, (uint16_t) 65535, (int32_t) -3, (uint64_t) b);
    STAP_PROBE12(ebpf4j, twelve, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11,
                 b + 12);

    call_site_a(i);
    call_site_b(i);

    if (ebpf4j_gated_semaphore) {
        STAP_PROBE1(ebpf4j, gated, (int32_t) b);
        (*gated)++;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s N [wait] [lib PATH]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]);
    int wait = 0;
    const char *lib = NULL;
    for (int a = 2; a < argc; a++) {
        if (strcmp(argv[a], "wait") == 0) wait = 1;
        else if (strcmp(argv[a], "lib") == 0 && a + 1 < argc) lib = argv[++a];
        else {
            fprintf(stderr, "unknown argument %s\n", argv[a]);
            return 2;
        }
    }
    void (*lib_fire)(int) = NULL;
    if (lib != NULL) {
        void *h = dlopen(lib, RTLD_NOW);
        if (h == NULL) {
            fprintf(stderr, "dlopen %s: %s\n", lib, dlerror());
            return 4;
        }
        lib_fire = (void (*)(int)) dlsym(h, "ebpf4j_lib_fire");
        if (lib_fire == NULL) {
            fprintf(stderr, "dlsym ebpf4j_lib_fire: %s\n", dlerror());
            return 4;
        }
    }
    if (wait) {
        char line[64];
        printf("ready %d\n", (int) getpid());
        fflush(stdout);
        if (fgets(line, sizeof line, stdin) == NULL) return 3;
    }
    int gated = 0;
    for (int i = 0; i < n; i++) {
        fire_all(i, &gated);
        if (lib_fire != NULL) lib_fire(i);
    }
    printf("gated %d\n", gated);
    printf("semaphore %u\n", (unsigned) ebpf4j_gated_semaphore);
    fflush(stdout);
    return 0;
}
