/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pair 6: open and load a CO-RE object (bench_core.bpf.o: 8 programs, 3 maps, .rodata, .bss) with
 * bpf_object__open_file + bpf_object__load; closing is not timed.
 *   load warm N OBJ   unreported loads (N, and for at least a second), then N loads in this process: median ms
 *                     per open+load
 *   load child OBJ    one load in a fresh process, printed as a CHILD line for `spawn` (cold)
 * count is the number of programs loaded, check the sum of their translated instruction counts (the CO-RE result
 * must be the same code on both sides). Mirrored by dev.ebpf4j.bench.pairs.ObjectLoadPair.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "anchor.h"

#define WARMUP_NS 1000000000ull  /* warm-up: N loads and at least this long, as on the Java side */

static uint64_t load_once(const char *path, uint32_t *programs, uint64_t *insns)
{
	uint64_t t0 = now_ns();
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj)
		die("cannot open %s: %s", path, strerror(errno));
	if (bpf_object__load(obj))
		die("cannot load %s: %s", path, strerror(errno));
	uint64_t t = now_ns() - t0;
	struct bpf_program *prog;
	*programs = 0;
	*insns = 0;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = { 0 };
		uint32_t len = sizeof(info);
		if (bpf_program__fd(prog) < 0)
			continue;
		(*programs)++;
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
			*insns += info.xlated_prog_len / 8;
	}
	bpf_object__close(obj);
	return t;
}

int load_main(int argc, char **argv)
{
	uint64_t main_ns = now_ns(), insns;
	uint32_t programs;
	if (argc == 2 && strcmp(argv[0], "child") == 0) {
		uint64_t t = load_once(argv[1], &programs, &insns);
		printf("CHILD main_ns=%llu work_ns=%llu count=%u check=%llx\n", (unsigned long long)main_ns,
		       (unsigned long long)t, programs, (unsigned long long)insns);
		return 0;
	}
	if (argc != 3 || strcmp(argv[0], "warm") != 0)
		die("usage: bench-anchor load warm N OBJ | child OBJ");
	long n = arg_long(argv[1], "N");
	uint64_t *times = calloc(n, sizeof(*times));
	uint64_t warm_until = now_ns() + WARMUP_NS;
	for (long i = 0; i < n || now_ns() < warm_until; i++)
		load_once(argv[2], &programs, &insns);
	for (long i = 0; i < n; i++)
		times[i] = load_once(argv[2], &programs, &insns);
	emit("load", "warm", "ms", median_u64(times, n) / 1e6, programs, insns, 1, "");
	free(times);
	return 0;
}
