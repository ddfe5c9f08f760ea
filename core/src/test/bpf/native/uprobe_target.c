// Target process for uprobe tests.
//
//   uprobe_target N VALUE [wait]
//
// Calls ebpf4j_uprobe_target(VALUE + i) for i = 0 .. N-1 (it returns x * 2 + 1) and getpid() once per call, printing
// each result on its own line, then exits. With "wait" it first prints "ready <pid>" and waits for a line on stdin,
// so that a test can attach probes to this very process before the calls happen.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__GNUC__) && !defined(__clang__)
#define KEEP __attribute__((noinline, noipa, used))
#else
#define KEEP __attribute__((noinline, used))
#endif

KEEP int ebpf4j_uprobe_target(int x) {
    __asm__ volatile("" ::: "memory");
    return x * 2 + 1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s N VALUE [wait]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]);
    int value = atoi(argv[2]);
    if (argc > 3 && strcmp(argv[3], "wait") == 0) {
        char line[64];
        printf("ready %d\n", (int) getpid());
        fflush(stdout);
        if (fgets(line, sizeof line, stdin) == NULL) return 3;
    }
    long pids = 0;
    for (int i = 0; i < n; i++) {
        int r = ebpf4j_uprobe_target(value + i);
        pids += getpid();
        printf("%d\n", r);
    }
    fflush(stdout);
    return n > 0 && pids <= 0 ? 1 : 0;
}
