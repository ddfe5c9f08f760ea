/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The libbpf anchor of ebpf4j's benchmarks: small C programs doing exactly what the Java side
 * (dev.ebpf4j.bench.pairs) does, against Debian's libbpf. Every measurement is printed as one line
 *
 *   BENCH pair=ring case=drain-8B side=c metric=events_per_s value=1.2e+07 count=5000000 check=1a2b ok=1
 *
 * (count: events/entries/programs the side saw, compared with the Java side's by the report; check: an optional
 * checksum that must agree too; ok=0 with note=... when a side's own consistency check failed).
 * Benchmark-only: ebpf4j itself never uses libbpf.
 */
#ifndef BENCH_ANCHOR_H
#define BENCH_ANCHOR_H

#include <stdint.h>
#include <stdio.h>

#define PACKET_SIZE 64

/* The side= of emitted lines: "c", or what spawn/startup were told (they time other programs too). */
extern const char *emit_side;

uint64_t now_ns(void);
uint64_t thread_cpu_ns(void);
uint64_t process_cpu_ns(void);
/* Sorts v and returns its median (the mean of the middle two for an even n), as the Java side computes it. */
uint64_t median_u64(uint64_t *v, uint64_t n);
void emit(const char *pair, const char *kase, const char *metric, double value, uint64_t count, uint64_t check,
	  int ok, const char *note);
void quiet_libbpf(void);
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
long arg_long(const char *s, const char *what);

int ring_main(int argc, char **argv);
int perf_main(int argc, char **argv);
int mapops_main(int argc, char **argv);
int dump_main(int argc, char **argv);
int btf_main(int argc, char **argv);
int load_main(int argc, char **argv);
int spawn_main(int argc, char **argv);
int startup_main(int argc, char **argv);

#endif
