// sockets: accept one connection on the listening socket the runtime made
// (--tcplisten; fd 3 without preopens), read a line with recv, answer with
// send, shut the connection down. argv[1], when given, is the listening
// descriptor (the unikernel numbers it after its preopened `/`: 4).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("ready\n");
  fflush(stdout);
  int c = accept(argc > 1 ? atoi(argv[1]) : 3, NULL, NULL);
  if (c < 0) { perror("accept"); return 1; }
  char buf[256];
  ssize_t n = recv(c, buf, sizeof buf - 1, 0);
  if (n <= 0) { perror("recv"); return 2; }
  buf[n] = 0;
  char out[300];
  int len = snprintf(out, sizeof out, "pong: %s", buf);
  if (send(c, out, (size_t)len, 0) != len) { perror("send"); return 3; }
  if (shutdown(c, SHUT_RDWR) != 0) { perror("shutdown"); return 4; }
  printf("served %zd bytes\n", n);
  return 0;
}
