// ebpf4j-ldflags: -lbpf
/* Test oracle for `ebpf4j veristat`: what the kernel's veristat reports for an object, done with Debian's libbpf.
 * For each program of OBJ: open the object again, autoload only that program (all of them when there is one),
 * drop map pinning and give zero-sized maps (other than local storage) one entry, as veristat does, load with the
 * verifier's statistics log (level 4) and print
 *
 *   PROG <name> ok|fail <errno> <insns> <states>
 *
 * (insns and states from the "processed ... insns" line, -1 when absent), or "OPEN-FAILED <errno>" when libbpf
 * cannot open the object. Test-only: ebpf4j itself never uses libbpf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static char log_buf[1 << 20];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return 0;
}

static void stats(const char *log, long *insns, long *states)
{
	const char *line = strstr(log, "processed ");
	long max_per_insn, peak, mark;

	*insns = *states = -1;
	while (line) {
		if (sscanf(line, "processed %ld insns (limit %*d) max_states_per_insn %ld total_states %ld "
			   "peak_states %ld mark_read %ld", insns, &max_per_insn, states, &peak, &mark) >= 3)
			return;
		line = strstr(line + 1, "processed ");
	}
}

static void prepare(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		bpf_map__set_pin_path(map, NULL);
		switch (bpf_map__type(map)) {
		case BPF_MAP_TYPE_SK_STORAGE:
		case BPF_MAP_TYPE_TASK_STORAGE:
		case BPF_MAP_TYPE_INODE_STORAGE:
		case BPF_MAP_TYPE_CGROUP_STORAGE:
			break;
		default:
			if (bpf_map__max_entries(map) == 0)
				bpf_map__set_max_entries(map, 1);
		}
	}
}

int main(int argc, char **argv)
{
	struct bpf_object *list, *obj;
	struct bpf_program *prog, *p;
	int count = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: veristat_oracle OBJ\n");
		return 2;
	}
	if (!getenv("VERISTAT_ORACLE_VERBOSE"))
		libbpf_set_print(quiet);
	list = bpf_object__open_file(argv[1], NULL);
	if (!list) {
		printf("OPEN-FAILED %d\n", errno);
		return 0;
	}
	bpf_object__for_each_program(prog, list)
		count++;
	bpf_object__for_each_program(prog, list) {
		const char *name = bpf_program__name(prog);
		struct bpf_program *target = NULL;
		long insns, states;
		int err;

		obj = bpf_object__open_file(argv[1], NULL);
		if (!obj) {
			printf("PROG %s fail %d -1 -1\n", name, errno);
			continue;
		}
		bpf_object__for_each_program(p, obj) {
			int wanted = strcmp(bpf_program__name(p), name) == 0;

			bpf_program__set_autoload(p, wanted || count == 1);
			if (wanted)
				target = p;
		}
		log_buf[0] = '\0';
		bpf_program__set_log_buf(target, log_buf, sizeof(log_buf));
		bpf_program__set_log_level(target, 4);
		prepare(obj);
		err = bpf_object__load(obj);
		stats(log_buf, &insns, &states);
		printf("PROG %s %s %d %ld %ld\n", name, err ? "fail" : "ok", err ? -err : 0, insns, states);
		bpf_object__close(obj);
	}
	bpf_object__close(list);
	return 0;
}
