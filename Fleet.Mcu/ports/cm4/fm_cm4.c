/* Fleet.Mcu firmware for a Cortex-M4F (QEMU mps2-an386): UART0 (CMSDK APB UART at 0x40004000) carries the log
 * and self-test lines, SysTick counts instructions for the benchmark (under qemu -icount), semihosting only ends
 * the run with the self-test's exit code. Runs the same self-test as the host port, then the benchmark probes. */
#include "fm_selftest.h"
#include "fm_link.h"
#include "vocoder.h"
#include "vocoder-safety.h"

#define UART0 0x40004000u
#define REG(a) (*(volatile uint32_t *)(a))
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)

#define ACTIVE_MAX (FM_IMAGE_VOCODER_PARAMS > FM_IMAGE_VOCODER_SAFETY_PARAMS ? FM_IMAGE_VOCODER_PARAMS : FM_IMAGE_VOCODER_SAFETY_PARAMS)

extern uint8_t __golden_bank[], __golden_bank_end[], __persist[];
void fm_semihost_exit(int code);

static uint8_t active[(ACTIVE_MAX + 3u) & ~3u] __attribute__((aligned(4)));
static fm_agent_t agent;
static fm_selftest_t test __attribute__((unused)); /* self-test build only */

/* Flash is reached through a pointer the compiler cannot see through, so reads of the const images are real
 * loads from the banks (which fault injection and the golden-bank programming write). */
static const uint8_t *launder(const uint8_t *p) { __asm__ volatile("" : "+r"(p)); return p; }

static void uart_init(void) { REG(UART0 + 0x10) = 16; REG(UART0 + 0x08) = 1; }
static void uart_putc(char c) { while (REG(UART0 + 0x04) & 1u) {} REG(UART0) = (uint8_t)c; }
static void uart_puts(const char *s) { while (*s) uart_putc(*s++); }
static void print_line(const char *s) { uart_puts(s); uart_putc('\n'); }

static void print_kv(const char *key, uint32_t value)
{
    char buf[80];
    fm_json_t j;
    fm_json_init(&j, buf, sizeof buf);
    fm_json_raw(&j, key);
    fm_json_raw(&j, " ");
    fm_json_uint(&j, value);
    buf[j.len] = 0;
    print_line(buf);
}

void fm_semihost_exit(int code)
{
    /* SYS_EXIT (0x18): ADP_Stopped_ApplicationExit ends QEMU with 0, anything else with 1. */
    register uint32_t r0 __asm__("r0") = 0x18u;
    register uint32_t r1 __asm__("r1") = code == 0 ? 0x20026u : 0x20023u;
    __asm__ volatile("bkpt 0xAB" : : "r"(r0), "r"(r1) : "memory");
}

static void on_send(void *ctx, fm_topic_t topic, const char *json, uint32_t len) { (void)ctx; (void)topic; (void)json; (void)len; }
static int persist_load(void *ctx, fm_persist_t *rec) { (void)ctx; fm_memcpy(rec, launder(__persist), sizeof *rec); return 1; }
static void persist_store(void *ctx, const fm_persist_t *rec) { (void)ctx; fm_memcpy(__persist, rec, sizeof *rec); }
static int flash_write(void *ctx, const uint8_t *dst, const uint8_t *src, uint32_t len)
{
    (void)ctx;
    if (dst < __golden_bank || dst + len > __golden_bank_end) return -1;
    fm_memcpy((uint8_t *)dst, src, len); /* mps2 "flash" is SSRAM; a real part programs its flash controller here */
    return 0;
}
__attribute__((unused)) static void flash_flip(void *ctx, const uint8_t *addr, uint8_t mask) { (void)ctx; *(volatile uint8_t *)addr ^= mask; }
/* A new epoch must exceed any earlier one of this device: the hub's clock (seconds) when the link delivered it,
 * else 1 (right only for a gateway that never saw this device). */
static uint32_t hub_seconds;
static uint32_t fresh_epoch(void *ctx) { (void)ctx; return hub_seconds ? hub_seconds : 1u; }

/* SysTick runs from the CPU clock; under -icount shift=0 one instruction is one ns of virtual time, so ticks are
 * instructions times a constant this calibration measures (an 8-instruction loop body). */
static void ticks_start(void) { SYST_RVR = 0x00FFFFFFu; SYST_CVR = 0; SYST_CSR = 5u; while (SYST_CVR == 0) {} }
static uint32_t ticks_now(void) { return 0x00FFFFFFu - SYST_CVR; }

static uint32_t calibrate(void)
{
    uint32_t n = 200000u, t0, t1;
    ticks_start();
    t0 = ticks_now();
    __asm__ volatile(
        "1: nop\n nop\n nop\n nop\n nop\n nop\n subs %0, %0, #1\n bne 1b\n" : "+r"(n) : : "cc");
    t1 = ticks_now();
    return t1 - t0; /* ticks for 1,600,000 instructions */
}

static uint32_t instructions(uint32_t ticks, uint32_t per_1600k) { return (uint32_t)(((uint64_t)ticks * 1600000u + per_1600k / 2) / per_1600k); }

/* A model update as the hub sends it: the factory image re-versioned 1.0.1 (header CRC redone), announced by a
 * desired frame, written in 1000-byte image-data calls, then image end (SHA-256, open, golden validation, install). */
__attribute__((unused)) static void bench_update(uint32_t cal)
{
    static const char hexd[] = "0123456789abcdef";
    const fm_image_t *f = &agent.factory;
    uint8_t head[1000], digest[32];
    char desired[200];
    uint32_t off, t0, t1, crc, n, i;
    fm_sha256_t sha;
    fm_json_t j;
    fm_memcpy(head, f->base, sizeof head);
    for (i = 32; i < 48; i++) head[i] = 0;
    fm_memcpy(head + 32, "1.0.1", 5);
    crc = fm_crc32c(fm_crc32c(0, head, 120), f->base + f->digests_off, f->size - f->digests_off);
    head[120] = (uint8_t)crc; head[121] = (uint8_t)(crc >> 8); head[122] = (uint8_t)(crc >> 16); head[123] = (uint8_t)(crc >> 24);
    fm_sha256_init(&sha);
    fm_sha256_update(&sha, head, sizeof head);
    fm_sha256_update(&sha, f->base + sizeof head, f->size - sizeof head);
    fm_sha256_final(&sha, digest);
    fm_json_init(&j, desired, sizeof desired);
    fm_json_raw(&j, "{\"version\":1,\"modelId\":\"vocoder\",\"modelVersion\":\"1.0.1\"");
    fm_json_u32(&j, "imageSize", f->size);
    fm_json_key(&j, "imageSha256"); fm_json_raw(&j, "\"");
    for (i = 0; i < 32; i++) { char h[3] = { hexd[digest[i] >> 4], hexd[digest[i] & 15u], 0 }; fm_json_raw(&j, h); }
    fm_json_raw(&j, "\"}");
    print_kv("BENCH update_desired_accepted", (uint32_t)fm_agent_desired(&agent, desired, j.len));
    ticks_start(); t0 = ticks_now();
    for (off = 0; off < f->size; off += n) {
        n = f->size - off < sizeof head ? f->size - off : (uint32_t)sizeof head;
        fm_agent_image_data(&agent, off, off == 0 ? head : f->base + off, n);
    }
    t1 = ticks_now();
    print_kv("BENCH update_receive_instructions", instructions(t1 - t0, cal));
    ticks_start(); t0 = ticks_now();
    fm_sha256(fm_agent_bank(&agent, agent.bank ^ 1u), f->size, digest);
    t1 = ticks_now();
    print_kv("BENCH sha256_image_instructions", instructions(t1 - t0, cal));
    print_kv("BENCH image_bytes", f->size);
    ticks_start(); t0 = ticks_now();
    i = (uint32_t)fm_agent_image_end(&agent);
    t1 = ticks_now();
    print_kv("BENCH update_install_instructions", instructions(t1 - t0, cal));
    print_kv("BENCH update_installed", i == FM_OK && agent.running->version[4] == '1');
}

__attribute__((unused)) static void bench(void)
{
    uint32_t cal = calibrate(), t0, t1, i, first;
    int8_t in[FM_MAX_INPUTS];
    fm_sensor_t s;
    fm_rung_result_t r = { FM_RUNG_RESTORE, 0, 0, 0, 0 };
    fm_policy_t p;
    fm_port_t port = { 0, on_send, persist_load, persist_store, flash_write, fresh_epoch };
    fm_policy_default(&p);
    print_kv("BENCH calibration_ticks_per_1600000_instructions", cal);
    fm_sensor_seed(&s, 99);
    fm_agent_init(&agent, &p, &port, launder(__golden_bank), (uint32_t)(__golden_bank_end - __golden_bank),
                  launder(fm_image_vocoder), FM_IMAGE_VOCODER_SIZE, launder(fm_image_vocoder_safety), FM_IMAGE_VOCODER_SAFETY_SIZE,
                  active, sizeof active);
    fm_sensor_sample(&s, agent.running, in);
    ticks_start(); t0 = ticks_now();
    for (i = 0; i < 64; i++) fm_infer(agent.running, agent.active, in, agent.out, agent.scratch);
    t1 = ticks_now();
    print_kv("BENCH inference_instructions", instructions(t1 - t0, cal) / 64u);
    ticks_start(); t0 = ticks_now();
    for (i = 0; i < 8; i++) fm_infer(&agent.safety, agent.safety.base + agent.safety.params_off, in, agent.out, agent.scratch);
    t1 = ticks_now();
    print_kv("BENCH safety_inference_instructions", instructions(t1 - t0, cal) / 8u);
    ticks_start(); t0 = ticks_now();
    i = fm_agent_check(&agent, &first);
    t1 = ticks_now();
    print_kv("BENCH digest_check_instructions", instructions(t1 - t0, cal));
    agent.active[5000] ^= 0x08;
    fm_agent_check(&agent, &first);
    ticks_start(); t0 = ticks_now();
    fm_agent_restore(&agent, &r);
    t1 = ticks_now();
    print_kv("BENCH restore_chunk_instructions", instructions(t1 - t0, cal));
    print_kv("BENCH restore_chunk_count", r.chunks);
    /* baseline: reloading every parameter from flash, as a restore without chunk digests would have to */
    ticks_start(); t0 = ticks_now();
    fm_memcpy(agent.active, agent.running->base + agent.running->params_off, agent.running->params_size);
    t1 = ticks_now();
    print_kv("BENCH full_reload_instructions", instructions(t1 - t0, cal));
    ticks_start(); t0 = ticks_now();
    i = (uint32_t)fm_agent_validate(&agent);
    t1 = ticks_now();
    print_kv("BENCH validation_instructions", instructions(t1 - t0, cal));
    print_kv("BENCH validation_pass", i);
    agent.active[9000] ^= 0x40;
    ticks_start(); t0 = ticks_now();
    i = (uint32_t)fm_agent_heal_now(&agent, "command");
    t1 = ticks_now();
    print_kv("BENCH heal_instructions", instructions(t1 - t0, cal));
    print_kv("BENCH heal_outcome_healed", i == FM_OUT_HEALED);
    bench_update(cal);
}

#ifndef FM_AGENT_MODE
static int selftest_main(void)
{
    uart_init();
    print_line("fleet-mcu: Cortex-M4 self-test");
    test.golden_bank = launder(__golden_bank); test.golden_bank_len = (uint32_t)(__golden_bank_end - __golden_bank);
    test.factory = launder(fm_image_vocoder); test.factory_len = FM_IMAGE_VOCODER_SIZE;
    test.safety = launder(fm_image_vocoder_safety); test.safety_len = FM_IMAGE_VOCODER_SAFETY_SIZE;
    test.active = active; test.active_cap = sizeof active;
    test.port.send = on_send; test.port.persist_load = persist_load; test.port.persist_store = persist_store;
    test.port.flash_write = flash_write; test.port.fresh_epoch = fresh_epoch;
    test.flash_flip = flash_flip; test.print = print_line;
#ifdef FM_DAMAGE_FACTORY_HEADER
    flash_flip(0, test.factory + 116, 0x40); /* proves a failing self-test ends QEMU with a non-zero code */
#endif
    test.flip_trials = FM_SELFTEST_TRIALS; test.clean_windows = FM_SELFTEST_CLEAN; test.seed = 4242;
    fm_selftest_run(&test, &agent);
    print_kv("campaign: flips", test.flips);
    print_kv("campaign: detected", test.detected);
    print_kv("campaign: healed", test.healed);
    print_kv("campaign: validated", test.validated);
    print_kv("campaign: max_detect_windows", test.max_detect_windows);
    print_kv("clean: windows", test.clean_total);
    print_kv("clean: exceeded", test.clean_exceeded);
    if (!test.failed) bench(); /* the probes need a bootable model */
    {
        char buf[48];
        fm_json_t j;
        fm_json_init(&j, buf, sizeof buf);
        fm_json_uint(&j, test.passed); fm_json_raw(&j, " passed, "); fm_json_uint(&j, test.failed); fm_json_raw(&j, " failed");
        buf[j.len] = 0;
        print_line(buf);
    }
    return test.failed ? 1 : 0;
}
#endif

#ifdef FM_AGENT_MODE
/* ---- agent mode: the MCU as a fleet device behind a hub, over the link on UART1 (docs/MCU-LINK.md) ---- */
#define UART1 0x40005000u
#ifndef FM_DEVICE_ID
#define FM_DEVICE_ID "mcu-1"
#endif
static uint8_t link_frame[FM_LINK_MAX_PAYLOAD + FM_LINK_OVERHEAD];
static uint8_t link_message[FM_JSON_MAX + 1];
static uint8_t link_seq;
static fm_link_rx_t link_rx;

static void link_send(uint8_t type, const uint8_t *payload, uint32_t len)
{
    uint32_t n = fm_link_encode(type, link_seq++, payload, len, link_frame, sizeof link_frame), i;
    for (i = 0; i < n; i++) { while (REG(UART1 + 0x04) & 1u) {} REG(UART1) = link_frame[i]; }
}

static void on_link_frame(void *ctx, uint8_t type, const uint8_t *payload, uint32_t len) { (void)ctx; link_send(type, payload, len); }

static void on_link_send(void *ctx, fm_topic_t topic, const char *json, uint32_t len)
{
    (void)ctx;
    link_message[0] = (uint8_t)topic;
    fm_memcpy(link_message + 1, json, len);
    link_send(FM_LINK_MESSAGE, link_message, len + 1);
}

__attribute__((noreturn)) static int agent_main(void)
{
    fm_policy_t p;
    fm_port_t port = { 0, on_link_send, persist_load, persist_store, flash_write, fresh_epoch };
    fm_sensor_t s;
    fm_link_frame_t f;
    int8_t in[FM_MAX_INPUTS];
    uart_init();
    REG(UART1 + 0x10) = 16; REG(UART1 + 0x08) = 3; /* TX and RX */
    fm_link_rx_init(&link_rx);
    print_line("fleet-mcu: agent " FM_DEVICE_ID " on the link (UART1)");
    {
        /* The hub answers HELLO with its clock, the epoch source for a blank persist page. Wait for it, saying HELLO
         * again now and then: a hub that is busy or starts after the MCU must not leave the device on epoch 1, which
         * would order its messages before those of an earlier life. */
        uint32_t polls;
        while (!hub_seconds) {
            link_send(FM_LINK_HELLO, (const uint8_t *)FM_DEVICE_ID, fm_strlen(FM_DEVICE_ID));
            for (polls = 0; polls < 20000000u && !hub_seconds; polls++) {
                if ((REG(UART1 + 0x04) & 2u) && fm_link_feed(&link_rx, (uint8_t)REG(UART1), &f) && f.type == FM_LINK_TIME && f.len == 8) {
                    uint64_t ms = 0;
                    int b;
                    for (b = 7; b >= 0; b--) ms = (ms << 8) | f.payload[b];
                    hub_seconds = (uint32_t)(ms / 1000u);
                }
            }
        }
    }
    fm_policy_default(&p);
    p.telemetry_every = 64;
    fm_agent_init(&agent, &p, &port, launder(__golden_bank), (uint32_t)(__golden_bank_end - __golden_bank),
                  launder(fm_image_vocoder), FM_IMAGE_VOCODER_SIZE, launder(fm_image_vocoder_safety), FM_IMAGE_VOCODER_SAFETY_SIZE,
                  active, sizeof active);
    fm_sensor_seed(&s, 7);
    for (;;) {
        fm_sensor_sample(&s, agent.running, in);
        fm_agent_step(&agent, in, agent.out);
        while (REG(UART1 + 0x04) & 2u) {
            if (!fm_link_feed(&link_rx, (uint8_t)REG(UART1), &f)) continue;
            /* A hub that (re)attached asks who is there: hello first, then the core sends status and report. */
            if (f.type == FM_LINK_SYNC) link_send(FM_LINK_HELLO, (const uint8_t *)FM_DEVICE_ID, fm_strlen(FM_DEVICE_ID));
            fm_link_dispatch(&agent, &f, on_link_frame, 0);
        }
    }
}
#endif

int main(void)
{
#ifdef FM_AGENT_MODE
    return agent_main();
#else
    return selftest_main();
#endif
}
