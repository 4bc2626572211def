/* The system's floor for checking a record store for changes, without Herald.
 *
 * For every record folder in FOLDER (e.g. a generated store's content/incidents), times the
 * system calls alone of two ways to stamp it:
 *   listing  open the folder, read its entries, fstatat each entry, close (what a build does for
 *            a record it parses);
 *   names    fstatat the folder, then each entry it held, by path from FOLDER, with the names
 *            known in advance (what later builds do with the names kept in the parse cache).
 * Three rounds each, on one core. See bench/README.md.
 *
 *   cc -O2 -o /tmp/stat_floor bench/stat_floor.c && /tmp/stat_floor STORE/content/incidents
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

struct folder {
    char *name;
    char **entries;
    int count;
};

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
        return 2;
    }
    int parent = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *top = parent < 0 ? NULL : fdopendir(dup(parent));
    if (!top) {
        perror(argv[1]);
        return 1;
    }
    int capacity = 1024, n = 0;
    struct folder *folders = malloc(sizeof *folders * capacity);
    struct dirent *e;
    while ((e = readdir(top))) {
        if (e->d_name[0] == '.') continue;
        if (n == capacity) folders = realloc(folders, sizeof *folders * (capacity *= 2));
        folders[n].name = strdup(e->d_name);
        folders[n].entries = NULL;
        folders[n].count = 0;
        n++;
    }
    closedir(top);
    /* The names each folder holds, as the parse cache keeps them. */
    for (int i = 0; i < n; i++) {
        int fd = openat(parent, folders[i].name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd < 0 ? NULL : fdopendir(fd);
        if (!d) continue;
        int room = 16;
        folders[i].entries = malloc(sizeof(char *) * room);
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            if (folders[i].count == room) folders[i].entries = realloc(folders[i].entries, sizeof(char *) * (room *= 2));
            folders[i].entries[folders[i].count++] = strdup(e->d_name);
        }
        closedir(d);
    }
    long checksum = 0;
    for (int round = 0; round < 3; round++) {
        double t0 = seconds();
        for (int i = 0; i < n; i++) {
            int fd = openat(parent, folders[i].name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            DIR *d = fd < 0 ? NULL : fdopendir(fd);
            if (!d) continue;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                struct stat st;
                if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) checksum += st.st_size;
            }
            closedir(d);
        }
        double t1 = seconds();
        for (int i = 0; i < n; i++) {
            struct stat st;
            if (fstatat(parent, folders[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0) checksum += st.st_size;
            char path[4096];
            int prefix = snprintf(path, sizeof path, "%s/", folders[i].name);
            for (int j = 0; j < folders[i].count; j++) {
                snprintf(path + prefix, sizeof path - prefix, "%s", folders[i].entries[j]);
                if (fstatat(parent, path, &st, AT_SYMLINK_NOFOLLOW) == 0) checksum += st.st_size;
            }
        }
        double t2 = seconds();
        printf("%d folders: listing %.3f s (%.1f us per folder), names %.3f s (%.1f us per folder)\n", n, t1 - t0,
               (t1 - t0) / n * 1e6, t2 - t1, (t2 - t1) / n * 1e6);
    }
    return checksum == -1;
}
