/*
 * An ELF symbol-lookup target for tests: calls ebpf4j_uprobe_target(x) once for every integer given on the command line and
 * prints each result as "ebpf4j_uprobe_target(X) = Y". With "--wait" as the first argument it first reads one line
 * from stdin, so a test can attach a pid-filtered probe before any call happens.
 *
 *   elf_target 1 2 3            ->  ebpf4j_uprobe_target(1) = 3 ...
 *   echo go | elf_target --wait 7
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counts calls; a data symbol in the writable segment, whose file offset differs from its address. */
volatile int ebpf4j_uprobe_calls = 1;

__attribute__((noinline)) int ebpf4j_uprobe_target(int x)
{
    /* keeps the compiler from folding the call away or cloning the function */
    __asm__ volatile("" : "+r"(x));
    ebpf4j_uprobe_calls++;
    return 2 * x + 1;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--wait") == 0) {
        char line[64];
        if (fgets(line, sizeof line, stdin) == NULL) {
            /* stdin closed: run anyway */
        }
        first = 2;
    }
    for (int i = first; i < argc; i++) {
        int x = atoi(argv[i]);
        printf("ebpf4j_uprobe_target(%d) = %d\n", x, ebpf4j_uprobe_target(x));
        fflush(stdout);
    }
    return 0;
}
