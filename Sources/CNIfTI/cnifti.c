#include "CNIfTI.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cnifti_linked_with_zlib(void) { return nifti_compiled_with_zlib(); }

// libnifti only prints its version (to stdout); capture that one line through a pipe.
void cnifti_lib_version(char *buf, size_t size) {
    if (size == 0) return;
    buf[0] = 0;
    int fds[2];
    if (pipe(fds) != 0) return;
    fflush(stdout);
    fflush(stderr);
    int saved = dup(1);
    dup2(fds[1], 1);
    nifti_disp_lib_version();
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fds[1]);
    ssize_t n = read(fds[0], buf, size - 1);
    close(fds[0]);
    if (n < 0) n = 0;
    buf[n] = 0;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
}
