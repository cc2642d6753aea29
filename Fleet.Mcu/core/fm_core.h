/* Fleet.Mcu core: a self-healing int8 MLP agent for microcontrollers.
 * C99, freestanding: no malloc, no OS, no libc beyond <stdint.h>/<stddef.h>; no floating point in inference
 * (the KL divergence of a window uses float, one log per histogram bin, on an FPU or soft-float).
 * Every buffer is owned by the caller (the port); the core keeps all state in fm_agent_t. */
#ifndef FM_CORE_H
#define FM_CORE_H
#include <stddef.h>
#include <stdint.h>

#define FM_AGENT_NAME "fleet-mcu/1.0.0"
#define FM_MAX_LAYERS 5
#define FM_MAX_WIDTH 256
#define FM_MAX_INPUTS 16
#define FM_MAX_BINS 255
#define FM_MAX_CHUNKS 64
#define FM_MAX_BUDGET 8
#define FM_JSON_MAX 768
#define FM_SEQ_BLOCK 64u

enum { FM_OK = 0, FM_E_MAGIC = -1, FM_E_FORMAT = -2, FM_E_BOUNDS = -3, FM_E_CRC = -4, FM_E_SHAPE = -5, FM_E_SPACE = -6 };

/* ---- the flash image (layout: Fleet.Mcu/README.md; written by Fleet.Shared.Mcu.McuImageWriter) ---- */
typedef struct {
    const uint8_t *base;
    uint32_t size;
    const char *id, *version;
    uint8_t layers, hidden_act, output_act, bins;
    uint16_t sizes[FM_MAX_LAYERS + 1];
    uint32_t params_off, params_size, chunk_size, chunk_count, digests_off, golden_off;
    uint16_t golden_count, window;
    uint32_t lut_off, baseline_off, binmap_off, inbox_off;
    float out_scale, kl_max;
    uint32_t params_crc;
} fm_image_t;

uint32_t fm_crc32c(uint32_t crc, const uint8_t *data, uint32_t len); /* pass 0 to start; returns the final CRC */
/* SHA-256 (FIPS 180-4), streaming: the check of a model image received over the link. */
typedef struct { uint32_t h[8]; uint64_t total; uint8_t buf[64]; uint32_t fill; } fm_sha256_t;
void fm_sha256_init(fm_sha256_t *s);
void fm_sha256_update(fm_sha256_t *s, const uint8_t *data, uint32_t len);
void fm_sha256_final(fm_sha256_t *s, uint8_t out[32]);
void fm_sha256(const uint8_t *data, uint32_t len, uint8_t out[32]);
int fm_image_open(fm_image_t *img, const uint8_t *flash, uint32_t len);
uint32_t fm_image_digest(const fm_image_t *img, uint32_t chunk);
uint32_t fm_chunk_len(const fm_image_t *img, uint32_t chunk);
/* scratch: 2 * FM_MAX_WIDTH bytes. params: the parameter section (SRAM copy or flash). */
void fm_infer(const fm_image_t *img, const uint8_t *params, const int8_t *in, int8_t *out, int8_t *scratch);
float fm_ln(float x);

/* ---- sensor stand-in: xorshift32 over the image's input box (Fleet.Shared.Mcu.McuSensor) ---- */
typedef struct { uint32_t state; } fm_sensor_t;
void fm_sensor_seed(fm_sensor_t *s, uint32_t seed);
uint32_t fm_sensor_next(fm_sensor_t *s);
void fm_sensor_sample(fm_sensor_t *s, const fm_image_t *img, int8_t *in);

/* ---- the agent ---- */
typedef enum { FM_SRC_ACTIVE = 0, FM_SRC_FACTORY = 1, FM_SRC_SAFETY = 2 } fm_source_t;
typedef enum { FM_HEALTHY = 0, FM_DEGRADED = 1, FM_HEALING = 2, FM_UNHEALABLE = 3 } fm_health_t;
typedef enum { FM_TOPIC_STATUS = 0, FM_TOPIC_REPORT = 1, FM_TOPIC_TELEMETRY = 2, FM_TOPIC_EVENTS = 3, FM_TOPIC_CMD_RESULT = 4 } fm_topic_t;
typedef enum { FM_RUNG_RESTORE = 0, FM_RUNG_FACTORY = 1, FM_RUNG_SAFETY = 2 } fm_rung_t;
typedef enum { FM_OUT_NONE = 0, FM_OUT_HEALED, FM_OUT_UNHEALABLE, FM_OUT_BUDGET } fm_outcome_t;
#define FM_REASON_MAX 112

typedef struct {
    uint32_t digest_period;   /* windows between full digest checks */
    uint8_t persist_k, persist_n; /* KL must exceed its threshold in k of the last n windows */
    uint8_t budget_max;       /* heals allowed per budget_period windows (<= FM_MAX_BUDGET) */
    uint32_t budget_period, backoff_initial, backoff_max, streak_reset; /* in windows */
    uint32_t telemetry_every; /* windows between telemetry messages (0: never) */
} fm_policy_t;

/* The persist page: (epoch, seq) and the applied desired state. bank: which half of the updatable region holds the
 * golden image; desired_version: the highest desired-state version processed; kl_max_bits: the desired klMax (float
 * bits; 0 = the image's own). crc: CRC-32C of the fields before it. */
typedef struct { uint32_t magic, epoch, seq_block, bank, desired_version, kl_max_bits, crc; } fm_persist_t;

typedef struct {
    void *ctx;
    /* one protocol payload (UTF-8 JSON, not NUL-terminated) for the uplink */
    void (*send)(void *ctx, fm_topic_t topic, const char *json, uint32_t len);
    int (*persist_load)(void *ctx, fm_persist_t *rec);        /* 1: rec filled */
    void (*persist_store)(void *ctx, const fm_persist_t *rec);
    int (*flash_write)(void *ctx, const uint8_t *dst, const uint8_t *src, uint32_t len); /* golden bank only */
    uint32_t (*fresh_epoch)(void *ctx);                        /* a new epoch when the counter is lost */
} fm_port_t;

typedef struct {
    fm_rung_t rung; uint8_t pass; uint8_t refused;
    uint32_t chunks; /* restore: chunks copied */
    uint32_t first_chunk;
} fm_rung_result_t;

typedef struct {
    fm_outcome_t outcome;
    const char *diagnosis, *trigger;
    uint8_t rung_count;
    fm_rung_result_t rungs[3];
    uint32_t detected_window;
} fm_heal_result_t;

typedef struct {
    fm_policy_t policy;
    fm_port_t port;
    const uint8_t *golden_bank; uint32_t golden_bank_len;
    fm_image_t golden, factory, safety;
    uint8_t golden_ok, safety_ok;
    const fm_image_t *running;
    fm_source_t source;
    uint8_t *active; uint32_t active_cap;
    /* observation */
    uint32_t hist[FM_MAX_BINS];
    float ln_q[FM_MAX_BINS];
    uint32_t in_window, windows, inferences;
    uint64_t persist_bits;
    float last_kl;
    uint32_t kl_exceeded_windows;
    uint64_t bad_chunks; /* set by fm_agent_check: the restore rung copies only these */
    /* heal budget, clocked in windows */
    uint32_t budget_at[FM_MAX_BUDGET]; uint8_t budget_used;
    uint32_t streak, last_heal; uint8_t has_healed, refusal_sent;
    /* protocol */
    uint32_t seq, seq_block, epoch, heals, desired_version;
    fm_health_t health;
    /* desired state and model updates (docs/MCU-LINK.md) */
    float kl_override;        /* desired klMax; 0: the running image's */
    uint8_t bank;             /* the updatable region is two banks; this one holds the golden image */
    struct {
        uint8_t active;       /* an image is expected (IMAGE_DATA frames, then IMAGE_END) */
        uint32_t version, size, received;
        uint8_t sha256[32];
        char model_version[16];
    } pending;
    uint32_t cannot_version;  /* the desired version refused last (0: none), reported as cannotApply */
    char cannot_reason[FM_REASON_MAX];
    fm_heal_result_t last_heal_result;
    char json[FM_JSON_MAX];
    int8_t scratch[2 * FM_MAX_WIDTH];
    int8_t out[FM_MAX_WIDTH];
} fm_agent_t;

void fm_policy_default(fm_policy_t *p);
/* Opens the images, provisions an empty golden bank from the factory image, loads the golden parameters into
 * SRAM (factory, then safety, when the golden image fails), validates, restores seq/epoch, sends status + report. */
int fm_agent_init(fm_agent_t *a, const fm_policy_t *policy, const fm_port_t *port,
                  const uint8_t *golden_bank, uint32_t golden_bank_len,
                  const uint8_t *factory, uint32_t factory_len,
                  const uint8_t *safety, uint32_t safety_len,
                  uint8_t *active, uint32_t active_cap);
/* One inference on the active weights; closes a window every img->window inferences (KL, digests, ladder).
 * Returns 1 when a heal episode ran in this call (see a->last_heal_result), else 0. */
int fm_agent_step(fm_agent_t *a, const int8_t *in, int8_t *out);
/* Digest check of every active chunk against the running image; returns the mismatch count, first in *first. */
uint32_t fm_agent_check(fm_agent_t *a, uint32_t *first);
/* Restore rung alone (the chunks of the last fm_agent_check); exposed for tests and the benchmark. */
void fm_agent_restore(fm_agent_t *a, fm_rung_result_t *r);
/* Golden-input validation of the running model: digests match and every golden case is bit-exact. */
int fm_agent_validate(fm_agent_t *a);
/* Runs a heal episode now (trigger "command", diagnosis chosen from what the checks find). */
int fm_agent_heal_now(fm_agent_t *a, const char *trigger);
void fm_agent_send_status(fm_agent_t *a);
/* A command (docs/PROTOCOL.md): reportNow, validate, injectFault {"fault":"bitflip"}; answered on cmd-result.
 * Returns 1 done, 0 refused (answered ok:false), -1 no id (unanswerable, ignored). */
int fm_agent_command(fm_agent_t *a, const char *json, uint32_t len);
void fm_agent_send_cmd_result(fm_agent_t *a, const char *id, int ok, const char *result_json, const char *error);
void fm_agent_send_report(fm_agent_t *a);
/* The klMax in force: the desired one, else the running image's. */
float fm_agent_kl_max(const fm_agent_t *a);
/* The updatable region's bank i (0 or 1) and its length (half the region, a multiple of 4). */
const uint8_t *fm_agent_bank(const fm_agent_t *a, uint32_t i);
uint32_t fm_agent_bank_len(const fm_agent_t *a);
/* A desired-state frame (flat JSON, docs/MCU-LINK.md): applies klMax, records the version, and for a new model
 * either records the hub's refusal or starts expecting its image in the other bank. A version not above
 * desired_version is ignored. Returns 1 when an image is now expected, 0 otherwise; sends report/update as due. */
int fm_agent_desired(fm_agent_t *a, const char *json, uint32_t len);
/* Writes image bytes at offset into the staging bank; in order (offset == received) or a repeat (offset + len <=
 * received, ignored). FM_OK, or FM_E_FORMAT (no image expected), FM_E_BOUNDS (outside the image or a gap). */
int fm_agent_image_data(fm_agent_t *a, uint32_t offset, const uint8_t *data, uint32_t len);
/* The image is complete: checks its size and SHA-256, opens it, validates it on its golden inputs in SRAM, and only
 * then installs it as the golden image (the bank switch is one persist write; the factory image is never written).
 * Refused: the old model keeps serving. Sends an update event (committed | refused, with the reason) and a report.
 * Returns FM_OK when installed. */
int fm_agent_image_end(fm_agent_t *a);
/* ---- protocol JSON ---- */
typedef struct { char *buf; uint32_t cap, len; uint8_t overflow; } fm_json_t;
void fm_json_init(fm_json_t *j, char *buf, uint32_t cap);
void fm_json_raw(fm_json_t *j, const char *s);
void fm_json_str(fm_json_t *j, const char *key, const char *value); /* value: printable ASCII, escaped */
void fm_json_u32(fm_json_t *j, const char *key, uint32_t value);
void fm_json_fixed(fm_json_t *j, const char *key, float value);    /* 6 decimals */
void fm_json_key(fm_json_t *j, const char *key);
void fm_json_uint(fm_json_t *j, uint32_t value);
/* Flat JSON readers: the first "key": value anywhere in json. str: printable ASCII without escapes, copied with a
 * NUL into out; returns its length or -1. u32 / decimal (no exponent): 1 read, 0 absent, -1 malformed. */
int fm_json_get_str(const char *json, uint32_t len, const char *key, char *out, uint32_t cap);
int fm_json_has(const char *json, uint32_t len, const char *key); /* 1 when "key": is present */
int fm_json_get_u32(const char *json, uint32_t len, const char *key, uint32_t *out);
int fm_json_get_decimal(const char *json, uint32_t len, const char *key, float *out);

/* freestanding helpers */
void fm_memcpy(void *dst, const void *src, uint32_t n);
int fm_memcmp(const void *a, const void *b, uint32_t n);
uint32_t fm_strlen(const char *s);
#endif
