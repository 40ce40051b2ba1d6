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

// Reads `nbytes` voxel bytes at `offset` of a .nii/.nii.gz file, swapping to native order when
// `swap`; returns the bytes read (fewer than asked: truncated), or -1 if the file cannot be opened.
// libnifti's own loader silently turns NaN and Inf into 0, which would hide a broken volume.
int64_t cnifti_read_raw(const char *path, int64_t offset, void *buf, int64_t nbytes, int swapsize, int swap) {
    znzFile fp = znzopen(path, "rb", nifti_is_gzfile(path));
    if (znz_isnull(fp)) return -1;
    if (znzseek(fp, (znz_off_t)offset, SEEK_SET) < 0) { znzclose(fp); return 0; }
    int64_t got = 0;
    char *p = (char *)buf;
    while (got < nbytes) {
        size_t want = (size_t)(nbytes - got) < ((size_t)1 << 30) ? (size_t)(nbytes - got) : ((size_t)1 << 30);
        size_t n = znzread(p + got, 1, want, fp);
        if (n == 0 || n == (size_t)-1) break;
        got += (int64_t)n;
    }
    znzclose(fp);
    if (swap && swapsize > 1) nifti_swap_Nbytes(got / swapsize, swapsize, buf);
    return got;
}
