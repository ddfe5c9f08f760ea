/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pair 3: single-element lookups and updates from user space (bpf_map_lookup_elem / bpf_map_update_elem), on a
 * hash and an array of ENTRIES entries (u32 key, u64 value = key * 3), keys visited in a scrambled order
 * (key = i * 2654435761 mod ENTRIES, ENTRIES a power of two). Pair 4: dumping a full hash map of ENTRIES entries
 * with bpf_map_lookup_batch (BATCH entries per call; the median of 3 passes after a second of unreported ones) and
 * with bpf_map_get_next_key + bpf_map_lookup_elem (one pass).
 * Mirrored by dev.ebpf4j.bench.pairs.MapOpsPair and MapDumpPair.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "anchor.h"

#define SCRAMBLE 2654435761u
#define WARMUP_OPS 50000
#define WARMUP_CHUNK 10000
#define WARMUP_NS 1000000000ull  /* warm-up: WARMUP_OPS and at least this long, as on the Java side */

static int create(enum bpf_map_type type, const char *name, uint32_t entries)
{
	int fd = bpf_map_create(type, name, sizeof(uint32_t), sizeof(uint64_t), entries, NULL);
	if (fd < 0)
		die("cannot create %s: %s", name, strerror(errno));
	return fd;
}

/* Fills keys 0..entries-1 with value key * 3 in batches of 65536; returns the time taken in ns. */
static uint64_t fill(int fd, uint32_t entries)
{
	const uint32_t chunk = 65536;
	uint32_t *keys = malloc(chunk * sizeof(*keys));
	uint64_t *values = malloc(chunk * sizeof(*values));
	uint64_t t0 = now_ns();
	for (uint32_t start = 0; start < entries; start += chunk) {
		uint32_t n = entries - start < chunk ? entries - start : chunk;
		for (uint32_t i = 0; i < n; i++) {
			keys[i] = start + i;
			values[i] = (uint64_t)(start + i) * 3;
		}
		uint32_t count = n;
		if (bpf_map_update_batch(fd, keys, values, &count, NULL) || count != n)
			die("batch update failed: %s", strerror(errno));
	}
	uint64_t t = now_ns() - t0;
	free(keys);
	free(values);
	return t;
}

static void lookups(const char *kase, int fd, uint32_t mask, uint64_t ops)
{
	uint32_t key;
	uint64_t value = 0, found = 0, sum = 0;
	uint64_t warm_until = now_ns() + WARMUP_NS;
	for (uint64_t done = 0; done < WARMUP_OPS || now_ns() < warm_until; done += WARMUP_CHUNK) {
		for (uint64_t i = 0; i < WARMUP_CHUNK; i++) {
			key = (uint32_t)(i * SCRAMBLE) & mask;
			bpf_map_lookup_elem(fd, &key, &value);
		}
	}
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		key = (uint32_t)(i * SCRAMBLE) & mask;
		if (bpf_map_lookup_elem(fd, &key, &value) == 0) {
			found++;
			sum += value;
		}
	}
	uint64_t t = now_ns() - t0;
	emit("mapops", kase, "ops_per_s", ops / (t / 1e9), found, sum, found == ops, found == ops ? "" : "keys_missing");
}

static void updates(const char *kase, int fd, uint32_t mask, uint64_t ops)
{
	uint32_t key;
	uint64_t value;
	uint64_t warm_until = now_ns() + WARMUP_NS;
	for (uint64_t done = 0; done < WARMUP_OPS || now_ns() < warm_until; done += WARMUP_CHUNK) {
		for (uint64_t i = 0; i < WARMUP_CHUNK; i++) {
			key = (uint32_t)(i * SCRAMBLE) & mask;
			value = (uint64_t)key * 3;
			bpf_map_update_elem(fd, &key, &value, BPF_ANY);
		}
	}
	uint64_t done = 0, t0 = now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		key = (uint32_t)(i * SCRAMBLE) & mask;
		value = (uint64_t)key * 3;
		if (bpf_map_update_elem(fd, &key, &value, BPF_ANY) == 0)
			done++;
	}
	uint64_t t = now_ns() - t0;
	emit("mapops", kase, "ops_per_s", ops / (t / 1e9), done, 0, done == ops, done == ops ? "" : "update_failed");
}

int mapops_main(int argc, char **argv)
{
	if (argc != 2)
		die("usage: bench-anchor mapops OPS ENTRIES");
	uint64_t ops = arg_long(argv[0], "OPS");
	uint32_t entries = (uint32_t)arg_long(argv[1], "ENTRIES");
	if (entries == 0 || (entries & (entries - 1)))
		die("ENTRIES must be a power of two");
	int hash = create(BPF_MAP_TYPE_HASH, "bench_hash", entries);
	int array = create(BPF_MAP_TYPE_ARRAY, "bench_array", entries);
	fill(hash, entries);
	fill(array, entries);
	lookups("hash-lookup", hash, entries - 1, ops);
	updates("hash-update", hash, entries - 1, ops);
	lookups("array-lookup", array, entries - 1, ops);
	updates("array-update", array, entries - 1, ops);
	close(hash);
	close(array);
	return 0;
}

/* One pass over the map in batches; returns its time in ns and the entries and value sum seen. */
static uint64_t batch_pass(int fd, uint32_t batch, uint32_t *keys, uint64_t *values, uint64_t *entries, uint64_t *sum)
{
	uint64_t in = 0, out = 0;
	int first = 1;
	*entries = 0;
	*sum = 0;
	uint64_t t0 = now_ns();
	for (;;) {
		uint32_t count = batch;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, values, &count, NULL);
		if (err && errno != ENOENT)
			die("batch lookup failed: %s", strerror(errno));
		for (uint32_t i = 0; i < count; i++)
			*sum += values[i];
		*entries += count;
		if (err)
			break;
		in = out;
		first = 0;
	}
	return now_ns() - t0;
}

/* Unreported passes for at least a second (at least one), then the median of three passes. */
static void dump_batch(int fd, uint32_t batch)
{
	uint32_t *keys = malloc(batch * sizeof(*keys));
	uint64_t *values = malloc(batch * sizeof(*values));
	uint64_t entries, sum, times[3];
	uint64_t warm_until = now_ns() + 1000000000ull;
	do
		batch_pass(fd, batch, keys, values, &entries, &sum);
	while (now_ns() < warm_until);
	for (int i = 0; i < 3; i++)
		times[i] = batch_pass(fd, batch, keys, values, &entries, &sum);
	uint64_t t = median_u64(times, 3);
	emit("dump", "batch", "entries_per_s", entries / (t / 1e9), entries, sum, 1, "");
	emit("dump", "batch", "ms", t / 1e6, entries, sum, 1, "");
	free(keys);
	free(values);
}

static void dump_iterate(int fd)
{
	uint32_t key, next;
	uint64_t value, entries = 0, sum = 0;
	int first = 1;
	uint64_t t0 = now_ns();
	while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		first = 0;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &value) == 0) {
			entries++;
			sum += value;
		}
	}
	uint64_t t = now_ns() - t0;
	emit("dump", "iterate", "entries_per_s", entries / (t / 1e9), entries, sum, 1, "");
	emit("dump", "iterate", "ms", t / 1e6, entries, sum, 1, "");
}

int dump_main(int argc, char **argv)
{
	if (argc != 2)
		die("usage: bench-anchor dump ENTRIES BATCH");
	uint32_t entries = (uint32_t)arg_long(argv[0], "ENTRIES");
	uint32_t batch = (uint32_t)arg_long(argv[1], "BATCH");
	int fd = create(BPF_MAP_TYPE_HASH, "bench_dump", entries);
	uint64_t fill_ns = fill(fd, entries);
	emit("dump", "fill-batch-update", "ms", fill_ns / 1e6, entries, 0, 1, "");
	dump_batch(fd, batch);
	dump_iterate(fd);
	close(fd);
	return 0;
}
