// ebpf4j-ldflags: -ldl -no-pie
/* usdt_target linked as a fixed-address executable (ELF type ET_EXEC, not position-independent): its probes fire at
 * the addresses their notes give, in every process, which USDT spec lookup by address relies on. */
#include "usdt_target.c"
