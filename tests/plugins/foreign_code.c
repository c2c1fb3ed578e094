/* A stranger's shared object, as a hostile repository would ship it: its constructor runs the moment it is
 * dlopen()ed, before the host can check anything. It leaves a marker file in $HOME, so a test can tell
 * whether qwen ever loaded it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void foreign_code_ran(void) {
  const char *home = getenv("HOME");
  char path[4096];
  if (!home || snprintf(path, sizeof path, "%s/FOREIGN_CODE_RAN", home) >= (int)sizeof path) return;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) {
    (void)!write(fd, "ran\n", 4);
    close(fd);
  }
}
