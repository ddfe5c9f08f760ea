// ebpf4j-ldflags: -lbpf
/* Test oracle: what Debian's libbpf (1.1) does for a USDT attachment, for comparison with ebpf4j's UsdtLink.
 *
 *   usdt_oracle OBJ PROG BINARY PROVIDER NAME COOKIE
 *
 * Loads OBJ, attaches program PROG to BINARY's probe PROVIDER:NAME in every process with usdt_cookie COOKIE
 * (bpf_program__attach_usdt), then prints
 *   LINKS <n>                 the bpf_link descriptors this process holds (one per uprobe libbpf made)
 *   SPEC <id> <hex bytes>     every non-zero entry of __bpf_usdt_specs (the specs libbpf wrote)
 *   ready
 * and keeps the attachment until a line arrives on stdin. On failure it prints "FAILED <errno>".
 * Test-only: ebpf4j itself never uses libbpf. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return 0;
}

static int count_links(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[64], target[64];
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		ssize_t len;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		if (strcmp(target, "anon_inode:bpf_link") == 0)
			n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_usdt_opts, opts);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct bpf_map *specs;
	unsigned char value[4096];
	char line[16];
	__u32 id, size;

	if (argc != 7) {
		fprintf(stderr, "usage: %s OBJ PROG BINARY PROVIDER NAME COOKIE\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		printf("FAILED %d\n", errno);
		return 0;
	}
	prog = bpf_object__find_program_by_name(obj, argv[2]);
	if (!prog) {
		printf("FAILED %d\n", ENOENT);
		return 0;
	}
	opts.usdt_cookie = strtoull(argv[6], NULL, 0);
	link = bpf_program__attach_usdt(prog, -1, argv[3], argv[4], argv[5], &opts);
	if (!link) {
		printf("FAILED %d\n", errno);
		return 0;
	}
	printf("LINKS %d\n", count_links());
	specs = bpf_object__find_map_by_name(obj, "__bpf_usdt_specs");
	size = bpf_map__value_size(specs);
	for (id = 0; id < bpf_map__max_entries(specs) && size <= sizeof(value); id++) {
		int nonzero = 0;
		if (bpf_map_lookup_elem(bpf_map__fd(specs), &id, value))
			continue;
		for (__u32 i = 0; i < size; i++)
			nonzero |= value[i];
		if (!nonzero)
			continue;
		printf("SPEC %u ", id);
		for (__u32 i = 0; i < size; i++)
			printf("%02x", value[i]);
		printf("\n");
	}
	printf("ready\n");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		/* stdin closed: detach */
	}
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
