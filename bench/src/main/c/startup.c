/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pair 7: tool start-up, process start to first event delivered. `startup CASE SIDE TIMEOUT_MS -- CMD...` starts
 * CMD (an execsnoop) with its stdout on a pipe, then every 5 ms executes a marker (/tmp/e4jm<pid>, a symlink to
 * /bin/true) until a line naming the marker appears on CMD's output; then it sends CMD SIGINT (SIGKILL after 10 s).
 * Reports first_event_ms (spawn to the marker line) and first_output_ms (spawn to CMD's first line, usually the
 * header it prints once attached). The same harness times the Java and the C tool.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "anchor.h"

#define MARKER_EVERY_NS 5000000ull

static void run_marker(const char *marker)
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		execl(marker, marker, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

static int stop_tool(pid_t pid, int fd)
{
	char sink[4096];
	int status = 0;
	kill(pid, SIGINT);
	uint64_t deadline = now_ns() + 10000000000ull;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (now_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return status;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10) > 0 && read(fd, sink, sizeof(sink)) <= 0)
			usleep(10000);  /* EOF: the tool closed its output and is exiting */
	}
}

int startup_main(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[3], "--") != 0)
		die("usage: bench-anchor startup CASE SIDE TIMEOUT_MS -- CMD...");
	const char *kase = argv[0];
	emit_side = argv[1];
	uint64_t timeout_ns = arg_long(argv[2], "TIMEOUT_MS") * 1000000ull;
	char **cmd = argv + 4;

	char marker[64], errpath[] = "/tmp/e4jstartup-XXXXXX";
	snprintf(marker, sizeof(marker), "/tmp/e4jm%d", (int)getpid());
	const char *needle = marker + 5;
	unlink(marker);
	if (symlink("/bin/true", marker))
		die("cannot create the marker %s: %s", marker, strerror(errno));
	int errfd = mkstemp(errpath);
	int out[2];
	if (errfd < 0 || pipe(out))
		die("cannot set up the tool's output: %s", strerror(errno));

	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(errfd, 2);
		close(out[0]);
		close(out[1]);
		execvp(cmd[0], cmd);
		fprintf(stderr, "cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);

	static char buf[1 << 16];
	size_t len = 0;
	uint64_t first_line = 0, found = 0, last_marker = 0;
	const char *failure = NULL;
	while (!found && !failure) {
		uint64_t now = now_ns();
		if (now - t0 > timeout_ns) {
			failure = "timeout";
			break;
		}
		if (now - last_marker >= MARKER_EVERY_NS) {
			run_marker(marker);
			last_marker = now_ns();
		}
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		if (poll(&p, 1, 5) <= 0)
			continue;
		ssize_t n = read(out[0], buf + len, sizeof(buf) - 1 - len);
		if (n == 0) {
			failure = "tool_exited";
			break;
		}
		if (n < 0)
			continue;
		uint64_t at = now_ns();
		len += n;
		buf[len] = 0;
		char *start = buf, *nl;
		while ((nl = strchr(start, '\n')) != NULL) {
			*nl = 0;
			if (!first_line)
				first_line = at;
			if (strstr(start, needle)) {
				found = at;
				break;
			}
			start = nl + 1;
		}
		len = strlen(start);
		memmove(buf, start, len);
		if (len == sizeof(buf) - 1)
			len = 0;  /* an absurdly long line: drop it */
	}
	int status = stop_tool(pid, out[0]);
	close(out[0]);
	unlink(marker);

	if (failure) {
		char note[96];
		snprintf(note, sizeof(note), "%s_status_%d_stderr_in_%s", failure,
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), errpath);
		emit("startup", kase, "first_event_ms", 0, 0, 0, 0, note);
		close(errfd);
		return 0;
	}
	close(errfd);
	unlink(errpath);
	emit("startup", kase, "first_event_ms", (found - t0) / 1e6, 1, 0, 1, "");
	if (first_line && first_line < found)
		emit("startup", kase, "first_output_ms", (first_line - t0) / 1e6, 1, 0, 1, "");
	return 0;
}
