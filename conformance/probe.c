/* fsmodel conformance probe: runs one scenario's steps against a real kernel.
 *
 * Reads steps from stdin, one per line, and prints one line per step on stdout:
 *     R <scenario> <step> <op> <result>
 * where <result> is 0, an errno name (EIO, ENOSPC, ...), or for reads "v<N>" (the version
 * the page holds: every byte of a written page is its version number).  Files live in the
 * directory given as argv[1]; descriptors are named by letters.
 *
 * Steps:
 *   open A F          open file F (O_RDWR|O_CREAT) as descriptor A
 *   dup A B           B = dup(A): same open file description
 *   close A
 *   write A P V       pwrite page P of A with version V
 *   write_direct A P V, write_dsync A P V   the same through O_DIRECT / O_DSYNC descriptors
 *   fsync A, fdatasync A, syncfs A, sync
 *   sfr A write|wait  sync_file_range(SYNC_FILE_RANGE_WRITE [| WAIT_BEFORE | WAIT_AFTER])
 *   read A P          pread through the page cache
 *   read_direct F P   pread with O_DIRECT (the disk)
 *   drop_caches       echo 3 > /proc/sys/vm/drop_caches
 *   fail F [P] / heal map exactly F's sectors, or page P's, to dm's error target (FIEMAP)
 *                     / map them back
 *   remount           umount and mount the file system again
 * The namespace (names are files in the directory):
 *   unlink F, rename F G (atomic replace), fsync_dir (fsync of the directory itself)
 *   append A V        pwrite a page of version V at the end of A's file
 *   truncate A P      ftruncate A's file to P pages
 *   size F            the file's size in pages: s<N>, or ENOENT
 *   cat F P           open F read-only, pread page P: v<N>, eof past the end, or ENOENT
 *   rofs              whether the file system is mounted read-only now: ro or rw
 *   powerloss         the point where the guest is killed without sync: steps before it run
 *                     in the first boot (argv[4] "before"), steps after it in the next boot
 *                     on the same image (argv[4] "after"); without argv[4], no power loss
 *
 * fail/heal/remount run the helper script given as argv[2] (dmsetup needs the whole
 * table): "<helper> fail <first sector> <sectors>" and "<helper> heal|remount".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define PAGE 4096
static int fds[26];
static char dir[256], helper[256], scenario[64];
static int step;
static enum { ALL, BEFORE, AFTER } phase = ALL;

static void report(const char *op, int rc)
{
    if (rc == 0)
        printf("R %s %d %s 0\n", scenario, step, op);
    else
        printf("R %s %d %s %s\n", scenario, step, op, strerrorname_np(rc) ?: "E?");
    fflush(stdout);
}

static int path_of(const char *name, char *out)
{
    return snprintf(out, 512, "%s/%s", dir, name);
}

static int slot(const char *name) { return name[0] - 'A'; }

static int page_write(int fd, int page, int version)
{
    static char buf[PAGE] __attribute__((aligned(PAGE)));
    memset(buf, version, PAGE);
    return pwrite(fd, buf, PAGE, (off_t)page * PAGE) == PAGE ? 0 : errno;
}

static int reopen_with(int flags, const char *file, int page, int version)
{
    char path[512];
    path_of(file, path);
    int fd = open(path, O_RDWR | flags);
    if (fd < 0)
        return errno;
    int rc = page_write(fd, page, version);
    close(fd);
    return rc;
}

static void page_read(const char *op, int fd, int page)
{
    static char buf[PAGE] __attribute__((aligned(PAGE)));
    ssize_t n = pread(fd, buf, PAGE, (off_t)page * PAGE);
    if (n < 0)
        report(op, errno);
    else {
        printf("R %s %d %s v%d\n", scenario, step, op, n == 0 ? 0 : (unsigned char)buf[0]);
        fflush(stdout);
    }
}

static int extent_of(const char *file, int page, unsigned long long *first,
                     unsigned long long *count)
{
    char path[512];
    path_of(file, path);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {   /* only a file's data sectors */
        close(fd);
        return EISDIR;
    }
    struct { struct fiemap m; struct fiemap_extent e[8]; } f = {0};
    f.m.fm_length = ~0ULL;
    f.m.fm_extent_count = 8;
    /* no FIEMAP_FLAG_SYNC: it would write the dirty pages out before the error is live;
     * the scenario's setup writes and fsyncs the file first, so its blocks exist */
    int rc = ioctl(fd, FS_IOC_FIEMAP, &f.m) < 0 ? errno : 0;
    close(fd);
    if (rc || f.m.fm_mapped_extents == 0)
        return rc ? rc : ENODATA;
    unsigned long long lo = ~0ULL, hi = 0, at = (unsigned long long)page * PAGE;
    for (unsigned i = 0; i < f.m.fm_mapped_extents; i++) {
        struct fiemap_extent *e = &f.e[i];
        if (page >= 0) {             /* only the sectors of this page */
            if (at >= e->fe_logical && at < e->fe_logical + e->fe_length) {
                lo = e->fe_physical + (at - e->fe_logical);
                hi = lo + PAGE;
            }
            continue;
        }
        if (e->fe_physical < lo) lo = e->fe_physical;
        if (e->fe_physical + e->fe_length > hi) hi = e->fe_physical + e->fe_length;
    }
    if (hi == 0)
        return ENODATA;
    *first = lo / 512;
    *count = (hi - lo) / 512;
    return 0;
}

static int run_helper(const char *args)
{
    char cmd[768];
    snprintf(cmd, sizeof cmd, "%s %s", helper, args);
    return system(cmd) == 0 ? 0 : EIO;
}

static int fd_pages(int fd)
{
    struct stat st;
    return fstat(fd, &st) < 0 ? -1 : (int)((st.st_size + PAGE - 1) / PAGE);
}

static void report_text(const char *op, const char *text)
{
    printf("R %s %d %s %s\n", scenario, step, op, text);
    fflush(stdout);
}

/* The namespace steps; false if op is not one of them. */
static int namespace_step(const char *op, const char *a, const char *b, const char *line)
{
    char path[512], other[512];
    int p = 0;
    path_of(a, path);
    if (!strcmp(op, "unlink")) {
        report(op, unlink(path) < 0 ? errno : 0);
    } else if (!strcmp(op, "rename")) {
        path_of(b, other);
        report(op, rename(path, other) < 0 ? errno : 0);
    } else if (!strcmp(op, "fsync_dir")) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY);
        int rc = fd < 0 || fsync(fd) < 0 ? errno : 0;
        if (fd >= 0)
            close(fd);
        report(op, rc);
    } else if (!strcmp(op, "append")) {
        int v = 0, fd = fds[slot(a)], pages = fd_pages(fd);
        sscanf(line, "%*s %*s %d", &v);
        report(op, pages < 0 ? errno : page_write(fd, pages, v));
    } else if (!strcmp(op, "truncate")) {
        sscanf(line, "%*s %*s %d", &p);
        report(op, ftruncate(fds[slot(a)], (off_t)p * PAGE) < 0 ? errno : 0);
    } else if (!strcmp(op, "size")) {
        struct stat st;
        char text[32];
        if (stat(path, &st) < 0)
            report(op, errno);
        else {
            snprintf(text, sizeof text, "s%d", (int)((st.st_size + PAGE - 1) / PAGE));
            report_text(op, text);
        }
    } else if (!strcmp(op, "cat")) {
        sscanf(line, "%*s %*s %d", &p);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            report(op, errno);
        else {
            static char buf[PAGE];
            ssize_t n = pread(fd, buf, PAGE, (off_t)p * PAGE);
            char text[16];
            snprintf(text, sizeof text, "v%d", (unsigned char)buf[0]);
            if (n < 0)
                report(op, errno);
            else
                report_text(op, n == 0 ? "eof" : text);
            close(fd);
        }
    } else if (!strcmp(op, "rofs")) {
        struct statvfs sv;
        if (statvfs(dir, &sv) < 0)
            report(op, errno);
        else
            report_text(op, sv.f_flag & ST_RDONLY ? "ro" : "rw");
    } else {
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: probe DIR HELPER SCENARIO [before|after] < steps\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argv[1]);
    snprintf(helper, sizeof helper, "%s", argv[2]);
    snprintf(scenario, sizeof scenario, "%s", argv[3]);
    if (argc > 4)
        phase = !strcmp(argv[4], "before") ? BEFORE : AFTER;
    for (int i = 0; i < 26; i++)
        fds[i] = -1;
    char line[640], op[32], a[256], b[256];   /* names: paths below argv[1] */
    int p, v;
    while (fgets(line, sizeof line, stdin)) {
        a[0] = b[0] = 0;
        p = v = 0;
        if (sscanf(line, "%31s %255s %255s %d", op, a, b, &p) < 1)
            continue;
        step++;
        if (!strcmp(op, "powerloss")) {
            if (phase == BEFORE) {      /* the caller reboots the guest next */
                report(op, run_helper("cut"));   /* the disk is gone from here on */
                return 0;
            }
            phase = ALL;                /* AFTER: the steps from here on run */
            continue;
        }
        if (phase == AFTER)
            continue;
        if (namespace_step(op, a, b, line))
            continue;
        if (!strcmp(op, "open")) {
            char path[512];
            path_of(b, path);
            int fd = open(path, O_RDWR | O_CREAT, 0644);
            int attr = FS_NOCOW_FL;   /* Btrfs: overwrite in place, so fail hits the data */
            if (fd >= 0 && lseek(fd, 0, SEEK_END) == 0)
                ioctl(fd, FS_IOC_SETFLAGS, &attr);
            fds[slot(a)] = fd;
            report(op, fd < 0 ? errno : 0);
        } else if (!strcmp(op, "dup")) {
            int fd = dup(fds[slot(a)]);
            fds[slot(b)] = fd;
            report(op, fd < 0 ? errno : 0);
        } else if (!strcmp(op, "close")) {
            int rc = close(fds[slot(a)]) < 0 ? errno : 0;
            fds[slot(a)] = -1;
            report(op, rc);
        } else if (!strcmp(op, "write") || !strcmp(op, "write_direct") ||
                   !strcmp(op, "write_dsync")) {
            sscanf(line, "%*s %*s %d %d", &p, &v);
            if (!strcmp(op, "write"))
                report(op, page_write(fds[slot(a)], p, v));
            else {  /* a descriptor of its own on the same file */
                char name[32];
                sscanf(line, "%*s %31s", name);
                report(op, reopen_with(!strcmp(op, "write_direct") ? O_DIRECT : O_DSYNC,
                                       name, p, v));
            }
        } else if (!strcmp(op, "fsync")) {
            report(op, fsync(fds[slot(a)]) < 0 ? errno : 0);
        } else if (!strcmp(op, "fdatasync")) {
            report(op, fdatasync(fds[slot(a)]) < 0 ? errno : 0);
        } else if (!strcmp(op, "syncfs")) {
            report(op, syncfs(fds[slot(a)]) < 0 ? errno : 0);
        } else if (!strcmp(op, "sync")) {
            sync();
            report(op, 0);
        } else if (!strcmp(op, "sfr")) {
            unsigned flags = SYNC_FILE_RANGE_WRITE;
            if (!strcmp(b, "wait"))
                flags |= SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WAIT_AFTER;
            report(op, sync_file_range(fds[slot(a)], 0, 0, flags) < 0 ? errno : 0);
        } else if (!strcmp(op, "read")) {
            sscanf(line, "%*s %*s %d", &p);
            page_read(op, fds[slot(a)], p);
        } else if (!strcmp(op, "read_direct")) {
            char path[512];
            sscanf(line, "%*s %*s %d", &p);
            path_of(a, path);
            int fd = open(path, O_RDONLY | O_DIRECT);
            if (fd < 0)
                report(op, errno);
            else {
                page_read(op, fd, p);
                close(fd);
            }
        } else if (!strcmp(op, "drop_caches")) {
            int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
            int rc = fd < 0 || write(fd, "3\n", 2) != 2 ? errno : 0;
            if (fd >= 0)
                close(fd);
            report(op, rc);
        } else if (!strcmp(op, "fail")) {
            unsigned long long first = 0, count = 0;
            int page = sscanf(line, "%*s %*s %d", &p) == 1 ? p : -1;
            int rc = extent_of(a, page, &first, &count);
            if (!rc) {
                char args[128];
                snprintf(args, sizeof args, "fail %llu %llu", first, count);
                rc = run_helper(args);
            }
            report(op, rc);
        } else if (!strcmp(op, "heal") || !strcmp(op, "remount")) {
            report(op, run_helper(op));
        } else {
            report(op, EINVAL);
        }
    }
    return 0;
}
