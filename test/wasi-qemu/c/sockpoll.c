// sockets without blocking calls: the listening descriptor (argv[1]) is a
// socket to fstat, O_NONBLOCK makes accept answer EAGAIN at once, poll
// (poll_oneoff) waits for the client; the connection is read and written
// with read/write (fd_read/fd_write), closed, and the status is 3.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int ls = argc > 1 ? atoi(argv[1]) : 3;
  struct stat st;
  if (fstat(ls, &st) != 0 || !S_ISSOCK(st.st_mode)) { printf("fd %d is not a socket\n", ls); return 10; }
  if (fcntl(ls, F_SETFL, fcntl(ls, F_GETFL) | O_NONBLOCK) != 0) { perror("fcntl"); return 11; }
  int c = accept(ls, NULL, NULL);
  printf("accept now: %s\n", c < 0 && errno == EAGAIN ? "EAGAIN" : "something else");
  printf("ready\n");
  fflush(stdout);
  struct pollfd p = { .fd = ls, .events = POLLIN };
  int n = poll(&p, 1, 60000);
  printf("poll %d POLLIN %d\n", n, (p.revents & POLLIN) != 0);
  c = accept(ls, NULL, NULL);
  if (c < 0) { perror("accept"); return 12; }
  p.fd = c;
  p.revents = 0;
  if (poll(&p, 1, 60000) != 1) { printf("no data\n"); return 13; }
  char buf[64];
  ssize_t r = read(c, buf, sizeof buf);
  if (r <= 0 || write(c, buf, (size_t)r) != r) { perror("read/write"); return 14; }
  close(c);
  printf("echoed %zd\n", r);
  return 3;
}
