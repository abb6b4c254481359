// stdio: formatted output on stdout and stderr, argv, environ, exit status.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=%s (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  const char *greet = getenv("GREETING");
  printf("GREETING=%s\n", greet ? greet : "(unset)");
  for (int i = 0; i < 2000; i++) printf("%d%c", i * i, i % 20 == 19 ? '\n' : ' ');
  fprintf(stderr, "to stderr\n");
  static char big[70000];
  memset(big, 'x', sizeof big - 2);
  big[sizeof big - 2] = '\n';
  big[sizeof big - 1] = 0;
  fputs(big, stdout);
  ssize_t n = write(1, "raw write\n", 10);
  printf("write returned %zd\n", n);
  fflush(stdout);
  return 3;
}
