/* Host port (Linux): flash emulated by a memory-mapped file, the uplink printed as "MSG topic json" lines.
 *   fm_host FLASH FACTORY.fmi SAFETY.fmi [--trials N] [--clean N] [--seed S] [--messages]
 * FLASH is created on first use ("factory programming": factory and safety banks written, the golden bank and
 * the persist page erased to 0xFF); later runs reuse it, so (epoch, seq) survive across runs. Exit code 0 when
 * every self-test check passed. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fm_selftest.h"

#define BANK (64u * 1024u)
#define FLASH_SIZE (3u * BANK + 4096u)
enum { FACTORY = 0, SAFETY = 1, GOLDEN = 2 };

static uint8_t *flash;
static int print_messages;
static uint8_t active[48 * 1024];
static fm_agent_t agent;
static const char *const topics[] = { "status", "report", "telemetry", "events", "cmd-result" };

static void on_send(void *ctx, fm_topic_t topic, const char *json, uint32_t len)
{
    (void)ctx;
    if (print_messages) printf("MSG %s %.*s\n", topics[topic], (int)len, json);
}

static int persist_load(void *ctx, fm_persist_t *rec) { (void)ctx; memcpy(rec, flash + 3 * BANK, sizeof *rec); return 1; }
static void persist_store(void *ctx, const fm_persist_t *rec) { (void)ctx; memcpy(flash + 3 * BANK, rec, sizeof *rec); msync(flash, FLASH_SIZE, MS_SYNC); }

static int flash_write(void *ctx, const uint8_t *dst, const uint8_t *src, uint32_t len)
{
    (void)ctx;
    if (dst < flash + GOLDEN * BANK || dst + len > flash + 3 * BANK) return -1; /* only the golden bank is writable */
    memcpy((uint8_t *)dst, src, len);
    return msync(flash, FLASH_SIZE, MS_SYNC);
}

static void flash_flip(void *ctx, const uint8_t *addr, uint8_t mask) { (void)ctx; *(uint8_t *)addr ^= mask; }

static uint32_t fresh_epoch(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint32_t)ts.tv_sec;
}

static void print_line(const char *s) { puts(s); fflush(stdout); }

static int load_file(const char *path, uint8_t *dst, uint32_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f) { fprintf(stderr, "fm_host: cannot open %s\n", path); return -1; }
    n = fread(dst, 1, cap, f);
    if (!feof(f)) { fprintf(stderr, "fm_host: %s is larger than a %u-byte bank\n", path, cap); fclose(f); return -1; }
    fclose(f);
    return (int)n;
}

static int open_flash(const char *path, const char *factory, const char *safety)
{
    struct stat st;
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0 || fstat(fd, &st) != 0) { fprintf(stderr, "fm_host: cannot open flash file %s\n", path); return -1; }
    if ((uint32_t)st.st_size != FLASH_SIZE) {
        if (ftruncate(fd, FLASH_SIZE) != 0) return -1;
        flash = mmap(0, FLASH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (flash == MAP_FAILED) return -1;
        memset(flash, 0xff, FLASH_SIZE);
        if (load_file(factory, flash + FACTORY * BANK, BANK) < 0 || load_file(safety, flash + SAFETY * BANK, BANK) < 0) return -1;
        msync(flash, FLASH_SIZE, MS_SYNC);
    } else {
        flash = mmap(0, FLASH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (flash == MAP_FAILED) return -1;
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    static fm_selftest_t t;
    int i;
    if (argc < 4) { fprintf(stderr, "usage: fm_host FLASH FACTORY.fmi SAFETY.fmi [--trials N] [--clean N] [--seed S] [--messages]\n"); return 2; }
    t.flip_trials = 1000; t.clean_windows = 2000; t.seed = 12345;
    for (i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--messages")) print_messages = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--trials")) t.flip_trials = (uint32_t)strtoul(argv[++i], 0, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--clean")) t.clean_windows = (uint32_t)strtoul(argv[++i], 0, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--seed")) t.seed = (uint32_t)strtoul(argv[++i], 0, 10);
        else { fprintf(stderr, "fm_host: unknown argument %s\n", argv[i]); return 2; }
    }
    if (open_flash(argv[1], argv[2], argv[3]) != 0) return 2;
    t.factory = flash + FACTORY * BANK; t.factory_len = BANK;
    t.safety = flash + SAFETY * BANK; t.safety_len = BANK;
    t.golden_bank = flash + GOLDEN * BANK; t.golden_bank_len = BANK;
    t.active = active; t.active_cap = sizeof active;
    t.port.send = on_send; t.port.persist_load = persist_load; t.port.persist_store = persist_store;
    t.port.flash_write = flash_write; t.port.fresh_epoch = fresh_epoch;
    t.flash_flip = flash_flip; t.print = print_line;
    fm_selftest_run(&t, &agent);
    printf("campaign: flips=%u detected=%u healed=%u validated=%u max_detect_windows=%u digest_period=%u\n",
           t.flips, t.detected, t.healed, t.validated, t.max_detect_windows, agent.policy.digest_period);
    printf("clean: windows=%u exceeded=%u heals=%u\n", t.clean_total, t.clean_exceeded, t.clean_heals);
    printf("%u passed, %u failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
