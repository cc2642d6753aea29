/* The self-test both ports run (host binary and Cortex-M4 firmware): boot, golden validation, clean windows
 * (false-positive rate), a bit-flip campaign on the active weights, the ladder's later rungs, the heal budget,
 * drift detection and (epoch, seq) persistence. Prints TAP-style lines and "N passed, N failed". */
#ifndef FM_SELFTEST_H
#define FM_SELFTEST_H
#include "fm_core.h"

typedef struct {
    /* flash banks as the port maps them */
    const uint8_t *golden_bank; uint32_t golden_bank_len;
    const uint8_t *factory; uint32_t factory_len;
    const uint8_t *safety; uint32_t safety_len;
    uint8_t *active; uint32_t active_cap;
    fm_port_t port;                 /* its send is wrapped by the self-test */
    /* fault injection into emulated flash (the factory image is never written by the core, only by this) */
    void (*flash_flip)(void *ctx, const uint8_t *addr, uint8_t mask);
    void (*print)(const char *line);
    uint32_t clean_windows, flip_trials, seed;
    /* results */
    uint32_t passed, failed;
    uint32_t flips, detected, healed, validated, max_detect_windows;
    uint32_t clean_exceeded, clean_total, clean_heals;
    uint32_t messages;
    char last_event[FM_JSON_MAX];
} fm_selftest_t;

void fm_selftest_run(fm_selftest_t *t, fm_agent_t *agent);
#endif
