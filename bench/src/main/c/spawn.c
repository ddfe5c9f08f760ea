/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cold measurements (pairs 5 and 6): `spawn PAIR CASE SIDE RUNS -- CMD...` runs CMD RUNS times, one after the
 * other. CMD (a `btf child` / `load child` of this anchor, or the Java side's equivalent) does its work once and
 * prints "CHILD main_ns=<CLOCK_MONOTONIC at main> work_ns=<ns> count=<n> [check=<hex>]". Java's System.nanoTime()
 * reads the same clock, so for every run this reports
 *   first_ms    the work, first time in a fresh process (the child's own measurement)
 *   process_ms  spawn to exit, as the parent sees it
 *   to_main_ms  spawn to main() (for the JVM: its start-up)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "anchor.h"

static int run_child(char **cmd, char *out, size_t cap, uint64_t *elapsed)
{
	int p[2];
	if (pipe(p))
		die("pipe: %s", strerror(errno));
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(cmd[0], cmd);
		fprintf(stderr, "bench-anchor: cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	size_t len = 0;
	ssize_t n;
	while ((n = read(p[0], out + len, cap - 1 - len)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && (len += n) >= cap - 1)
			break;
	out[len] = 0;
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*elapsed = now_ns() - t0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static uint64_t field(const char *line, const char *key, int base)
{
	const char *at = strstr(line, key);
	return at ? strtoull(at + strlen(key), NULL, base) : 0;
}

int spawn_main(int argc, char **argv)
{
	if (argc < 6 || strcmp(argv[4], "--") != 0)
		die("usage: bench-anchor spawn PAIR CASE SIDE RUNS -- CMD...");
	const char *pair = argv[0], *kase = argv[1];
	emit_side = argv[2];
	long runs = arg_long(argv[3], "RUNS");
	static char out[1 << 16];
	for (long r = 0; r < runs; r++) {
		uint64_t t0 = now_ns(), elapsed;
		int status = run_child(argv + 5, out, sizeof(out), &elapsed);
		const char *line = strstr(out, "CHILD ");
		if (status != 0 || !line) {
			char note[64];
			snprintf(note, sizeof(note), "child_exit_%d%s", status, line ? "" : "_no_CHILD_line");
			emit(pair, kase, "first_ms", 0, 0, 0, 0, note);
			continue;
		}
		uint64_t main_ns = field(line, "main_ns=", 10), work_ns = field(line, "work_ns=", 10);
		uint64_t count = field(line, "count=", 10), check = field(line, "check=", 16);
		emit(pair, kase, "first_ms", work_ns / 1e6, count, check, 1, "");
		emit(pair, kase, "process_ms", elapsed / 1e6, count, check, 1, "");
		emit(pair, kase, "to_main_ms", main_ns > t0 ? (main_ns - t0) / 1e6 : 0, count, check, 1, "");
	}
	return 0;
}
