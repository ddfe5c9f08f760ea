/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-anchor: the libbpf side of ebpf4j's benchmark pairs. Usage (the Java side takes the same arguments):
 *
 *   bench-anchor ring    drain|live SIZE EVENTS WARMUP OBJ     pair 1: ring buffer consumption
 *   bench-anchor perf    drain|live SIZE EVENTS WARMUP OBJ     pair 2: perf buffer consumption
 *   bench-anchor mapops  OPS ENTRIES                            pair 3: single lookups/updates, hash and array
 *   bench-anchor dump    ENTRIES BATCH                          pair 4: dump a hash map, batch and get-next-key
 *   bench-anchor btf     warm ITERATIONS | child                pair 5: parse vmlinux BTF (child: once, cold)
 *   bench-anchor load    warm ITERATIONS OBJ | child OBJ         pair 6: open + load a CO-RE object
 *   bench-anchor spawn   PAIR CASE SIDE RUNS -- CMD...          pairs 5/6 cold: run CMD RUNS times, time each
 *   bench-anchor startup CASE SIDE TIMEOUT_MS -- CMD...         pair 7: spawn a tool until its first event
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <bpf/libbpf.h>
#include "anchor.h"

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t process_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

const char *emit_side = "c";

void emit(const char *pair, const char *kase, const char *metric, double value, uint64_t count, uint64_t check,
	  int ok, const char *note)
{
	printf("BENCH pair=%s case=%s side=%s metric=%s value=%.6g count=%llu", pair, kase, emit_side, metric, value,
	       (unsigned long long)count);
	if (check)
		printf(" check=%llx", (unsigned long long)check);
	printf(" ok=%d", ok);
	if (note && *note)
		printf(" note=%s", note);
	printf("\n");
	fflush(stdout);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

uint64_t median_u64(uint64_t *v, uint64_t n)
{
	qsort(v, n, sizeof(*v), compare_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int print_errors(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

void quiet_libbpf(void)
{
	libbpf_set_print(print_errors);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bench-anchor: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

long arg_long(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == 0 || *end != 0 || v < 0)
		die("%s must be a non-negative number, got '%s'", what, s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} modes[] = {
		{ "ring", ring_main }, { "perf", perf_main }, { "mapops", mapops_main }, { "dump", dump_main },
		{ "btf", btf_main }, { "load", load_main }, { "spawn", spawn_main }, { "startup", startup_main },
	};
	if (argc < 2)
		die("usage: bench-anchor ring|perf|mapops|dump|btf|load|spawn|startup ARGS...");
	quiet_libbpf();
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].fn(argc - 2, argv + 2);
	die("unknown mode '%s'", argv[1]);
}
