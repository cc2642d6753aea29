/* Desired state and model updates from the hub (docs/MCU-LINK.md): klMax, the desired version, and a new model image
 * received into the bank not holding the golden image, checked by SHA-256, opened, validated on its own golden inputs
 * and only then installed by switching banks (one persist write). The factory image is never written; a refused
 * image leaves the old model serving. */
#include "fm_internal.h"

static int hex_nibble(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

static int parse_sha(const char *hex, uint8_t out[32])
{
    uint32_t i;
    if (fm_strlen(hex) != 64) return 0;
    for (i = 0; i < 32; i++) {
        int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return 0;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return 1;
}

static int same(const char *x, const char *y) { return fm_strlen(x) == fm_strlen(y) && fm_memcmp(x, y, fm_strlen(x)) == 0; }

static void copy_reason(fm_agent_t *a, const char *reason, const char *detail)
{
    uint32_t n = 0, i;
    for (i = 0; reason[i] && n + 1 < FM_REASON_MAX; i++) a->cannot_reason[n++] = reason[i];
    for (i = 0; detail && detail[i] && n + 1 < FM_REASON_MAX; i++) a->cannot_reason[n++] = detail[i];
    a->cannot_reason[n] = 0;
}

static void send_update(fm_agent_t *a, uint32_t version, const char *model_version, const char *outcome, const char *reason)
{
    fm_json_t j;
    fm_i_header(a, &j);
    fm_json_str(&j, "type", "update");
    fm_json_u32(&j, "desiredVersion", version);
    if (model_version && model_version[0]) fm_json_str(&j, "modelVersion", model_version);
    fm_json_str(&j, "outcome", outcome);
    if (reason) fm_json_str(&j, "reason", reason);
    fm_i_send(a, &j, FM_TOPIC_EVENTS);
}

/* Records a refused desired version: reported as cannotApply, announced as an update event "refused". */
static void refuse(fm_agent_t *a, uint32_t version, const char *model_version, const char *reason, const char *detail)
{
    a->pending.active = 0;
    a->desired_version = version;
    a->cannot_version = version;
    copy_reason(a, reason, detail);
    fm_i_store(a);
    send_update(a, version, model_version, "refused", a->cannot_reason);
    fm_agent_send_report(a);
}

static void accept(fm_agent_t *a, uint32_t version)
{
    a->pending.active = 0;
    a->desired_version = version;
    a->cannot_version = 0;
    a->cannot_reason[0] = 0;
    fm_i_store(a);
    fm_agent_send_report(a);
}

int fm_agent_desired(fm_agent_t *a, const char *json, uint32_t len)
{
    uint32_t version = 0, size = 0;
    float kl = 0;
    int has_kl;
    char model_id[24], model_version[16], sha_hex[65], reason[FM_REASON_MAX];
    if (fm_json_get_u32(json, len, "version", &version) != 1 || version == 0) return 0; /* not a desired state */
    if (version <= a->desired_version) return 0;                                        /* already processed */
    has_kl = fm_json_get_decimal(json, len, "klMax", &kl);
    if (has_kl < 0 || (has_kl && !(kl > 0.0f && kl < 1000.0f))) { refuse(a, version, 0, "klMax must be a number above 0 and below 1000", 0); return 0; }
    if (has_kl) a->kl_override = kl;
    if (fm_json_get_str(json, len, "modelVersion", model_version, sizeof model_version) < 0) {
        if (fm_json_get_str(json, len, "modelId", model_id, sizeof model_id) >= 0) { refuse(a, version, 0, "modelId without a valid modelVersion (1-15 characters)", 0); return 0; }
        accept(a, version); /* thresholds only */
        return 0;
    }
    if (fm_json_get_str(json, len, "modelId", model_id, sizeof model_id) <= 0) { refuse(a, version, model_version, "modelVersion without a valid modelId", 0); return 0; }
    if (fm_json_has(json, len, "refused")) { /* a reason it cannot read is still a refusal */
        refuse(a, version, model_version, "refused by the hub: ", fm_json_get_str(json, len, "refused", reason, sizeof reason) > 0 ? reason : "(reason unreadable)");
        return 0;
    }
    if (!same(model_id, a->factory.id)) { refuse(a, version, model_version, "this MCU runs model ", a->factory.id); return 0; }
    if (a->source == FM_SRC_ACTIVE && same(model_version, a->golden.version)) { accept(a, version); return 0; } /* already serving */
    if (fm_json_get_str(json, len, "imageSha256", sha_hex, sizeof sha_hex) != 64 || !parse_sha(sha_hex, a->pending.sha256)
        || fm_json_get_u32(json, len, "imageSize", &size) != 1 || size < 128) {
        refuse(a, version, model_version, "a new model needs imageSize and a 64-hex-digit imageSha256", 0);
        return 0;
    }
    if (size > fm_agent_bank_len(a) || !a->port.flash_write) { refuse(a, version, model_version, "the image does not fit this MCU's update bank", 0); return 0; }
    a->pending.active = 1;
    a->pending.version = version;
    a->pending.size = size;
    a->pending.received = 0;
    fm_memcpy(a->pending.model_version, model_version, fm_strlen(model_version) + 1);
    return 1;
}

int fm_agent_image_data(fm_agent_t *a, uint32_t offset, const uint8_t *data, uint32_t len)
{
    const uint8_t *staging = fm_agent_bank(a, a->bank ^ 1u);
    if (!a->pending.active) return FM_E_FORMAT;
    if (offset + len > a->pending.size || offset + len < offset) return FM_E_BOUNDS;
    if (offset + len <= a->pending.received) return FM_OK; /* a repeat (its ack was lost) */
    if (offset != a->pending.received) return FM_E_BOUNDS;  /* a gap: the hub resends from received */
    if (a->port.flash_write(a->port.ctx, staging + offset, data, len) != 0) return FM_E_SPACE;
    a->pending.received = offset + len;
    return FM_OK;
}

int fm_agent_image_end(fm_agent_t *a)
{
    const uint8_t *staging = fm_agent_bank(a, a->bank ^ 1u);
    const fm_image_t *was_running = a->running;
    fm_source_t was_source = a->source;
    fm_image_t old_golden, staged; /* copied with fm_memcpy: a struct assignment would call libc's memcpy */
    uint8_t digest[32];
    uint32_t version = a->pending.version;
    const char *mv = a->pending.model_version;
    if (!a->pending.active) return FM_E_FORMAT;
    fm_memcpy(&old_golden, &a->golden, sizeof old_golden);
    if (a->pending.received != a->pending.size) { refuse(a, version, mv, "the image arrived incomplete", 0); return FM_E_BOUNDS; }
    fm_sha256(staging, a->pending.size, digest);
    if (fm_memcmp(digest, a->pending.sha256, 32) != 0) { refuse(a, version, mv, "the image's SHA-256 does not match (damaged or tampered with on the link)", 0); return FM_E_CRC; }
    if (fm_image_open(&staged, staging, a->pending.size) != FM_OK) { refuse(a, version, mv, "the image's SHA-256 matches but it is not a valid model image", 0); return FM_E_FORMAT; }
    if (!same(staged.id, a->factory.id) || !same(staged.version, mv)) { refuse(a, version, mv, "the image is another model or version than the desired one", 0); return FM_E_FORMAT; }
    if (staged.params_size > a->active_cap) { refuse(a, version, mv, "the image's parameters exceed this MCU's SRAM", 0); return FM_E_SPACE; }
    /* Validated before it serves: run its golden inputs on its parameters in SRAM; on failure the old model is reloaded
     * from its flash bank, which the transfer never touched. */
    fm_memcpy(&a->golden, &staged, sizeof staged);
    if (fm_i_load(a, &a->golden, FM_SRC_ACTIVE) != FM_OK || !fm_agent_validate(a)) {
        fm_memcpy(&a->golden, &old_golden, sizeof old_golden);
        fm_i_load(a, was_running, was_source);
        refuse(a, version, mv, "the image failed validation on its golden inputs", 0);
        return FM_E_CRC;
    }
    a->bank ^= 1u;
    a->golden_ok = 1;
    a->health = FM_HEALTHY;
    a->pending.active = 0;
    a->desired_version = version;
    a->cannot_version = 0;
    a->cannot_reason[0] = 0;
    fm_i_store(a); /* the install: from the next boot on, this bank is the golden image */
    send_update(a, version, mv, "committed", 0);
    fm_agent_send_report(a);
    return FM_OK;
}
