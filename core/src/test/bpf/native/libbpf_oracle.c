// ebpf4j-ldflags: -lbpf
/* Test oracle: what Debian's libbpf does with a BPF object, for comparison with ebpf4j's object loader.
 *
 *   libbpf_oracle all  OBJ PIN_ROOT   load the object as libbpf does by default (autoload flags as declared);
 *                                     prints "LOADED <prog>" per loaded program, or "OPEN-FAILED <errno>" /
 *                                     "LOAD-FAILED <errno>"
 *   libbpf_oracle each OBJ PIN_ROOT   load every program on its own (as veristat does: only that program
 *                                     autoloaded); prints "PROG <name> ok" or "PROG <name> fail <errno>"
 *
 * PIN_ROOT is where maps pinned by name go (instead of /sys/fs/bpf); the caller removes it afterwards.
 * Test-only: ebpf4j itself never uses libbpf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return 0;
}

static struct bpf_object *open_object(const char *path, const char *pin_root)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_root);
	return bpf_object__open_file(path, &opts);
}

static int load_all(const char *path, const char *pin_root)
{
	struct bpf_object *obj = open_object(path, pin_root);
	struct bpf_program *prog;
	int err;

	if (!obj) {
		printf("OPEN-FAILED %d\n", errno);
		return 0;
	}
	err = bpf_object__load(obj);
	if (err) {
		printf("LOAD-FAILED %d\n", -err);
	} else {
		bpf_object__for_each_program(prog, obj)
			if (bpf_program__fd(prog) >= 0)
				printf("LOADED %s\n", bpf_program__name(prog));
	}
	bpf_object__close(obj);
	return 0;
}

static int load_each(const char *path, const char *pin_root)
{
	struct bpf_object *list = open_object(path, pin_root);
	struct bpf_program *prog;

	if (!list) {
		printf("OPEN-FAILED %d\n", errno);
		return 0;
	}
	bpf_object__for_each_program(prog, list) {
		const char *name = bpf_program__name(prog);
		struct bpf_object *obj = open_object(path, pin_root);
		struct bpf_program *p;
		int err;

		if (!obj) {
			printf("PROG %s fail %d\n", name, errno);
			continue;
		}
		bpf_object__for_each_program(p, obj)
			bpf_program__set_autoload(p, strcmp(bpf_program__name(p), name) == 0);
		err = bpf_object__load(obj);
		if (err)
			printf("PROG %s fail %d\n", name, -err);
		else
			printf("PROG %s ok\n", name);
		bpf_object__close(obj);
	}
	bpf_object__close(list);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: libbpf_oracle all|each OBJ PIN_ROOT\n");
		return 2;
	}
	if (!getenv("LIBBPF_ORACLE_VERBOSE"))
		libbpf_set_print(quiet);
	if (strcmp(argv[1], "all") == 0)
		return load_all(argv[2], argv[3]);
	if (strcmp(argv[1], "each") == 0)
		return load_each(argv[2], argv[3]);
	fprintf(stderr, "unknown mode %s\n", argv[1]);
	return 2;
}
