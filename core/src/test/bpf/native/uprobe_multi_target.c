// Target process for uprobe.multi / uretprobe.multi / uprobe.session tests.
//
//   uprobe_multi_target N [wait]
//
// Calls ebpf4j_multi_add(i) N times, ebpf4j_multi_sub(i) 2N times, ebpf4j_multi_mul(i) 3N times (i counting from 0
// for each) and ebpf4j_other(7) once, then prints "add=A sub=S mul=M other=O" with the sums of the results and exits.
// With "wait" it first prints "ready <pid>" and waits for a line on stdin, so that a test can attach to this very
// process before the calls happen.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__GNUC__) && !defined(__clang__)
#define KEEP __attribute__((noinline, noipa, used))
#else
#define KEEP __attribute__((noinline, used))
#endif

KEEP long ebpf4j_multi_add(long x) {
    __asm__ volatile("" ::: "memory");
    return x + 100;
}

KEEP long ebpf4j_multi_sub(long x) {
    __asm__ volatile("" ::: "memory");
    return x - 100;
}

KEEP long ebpf4j_multi_mul(long x) {
    __asm__ volatile("" ::: "memory");
    return x * 3;
}

KEEP long ebpf4j_other(long x) {
    __asm__ volatile("" ::: "memory");
    return x;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s N [wait]\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]);
    if (argc > 2 && strcmp(argv[2], "wait") == 0) {
        char line[64];
        printf("ready %d\n", (int) getpid());
        fflush(stdout);
        if (fgets(line, sizeof line, stdin) == NULL) return 3;
    }
    long add = 0, sub = 0, mul = 0;
    for (long i = 0; i < n; i++) add += ebpf4j_multi_add(i);
    for (long i = 0; i < 2 * n; i++) sub += ebpf4j_multi_sub(i);
    for (long i = 0; i < 3 * n; i++) mul += ebpf4j_multi_mul(i);
    long other = ebpf4j_other(7);
    printf("add=%ld sub=%ld mul=%ld other=%ld\n", add, sub, mul, other);
    fflush(stdout);
    return 0;
}
