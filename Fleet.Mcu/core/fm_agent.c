/* The MCU agent: observation windows (output histogram vs baseline KL, k-of-n persistence), periodic chunk digests,
 * the remediation ladder (restore chunks -> factory image -> safety model, golden validation after each rung) under
 * a heal budget, and the device protocol's payloads with a persisted (epoch, seq). Same policy as Fleet.Device. */
#include "fm_internal.h"

#define FM_PERSIST_MAGIC 0x50534D46u /* "FMSP" */

static const char *const rung_names[] = { "restoreTensors", "factoryDefault", "safetyModel" };
static const char *const source_names[] = { "active", "factory", "safety" };
static const char *const health_names[] = { "healthy", "degraded", "healing", "unhealable" };
static const char *const outcome_names[] = { "none", "healed", "unhealable", "budgetExhausted" };

void fm_policy_default(fm_policy_t *p)
{
    p->digest_period = 4;
    p->persist_k = 2; p->persist_n = 3;
    p->budget_max = 3; p->budget_period = 400;
    p->backoff_initial = 0; p->backoff_max = 64; p->streak_reset = 200;
    p->telemetry_every = 8;
}

static uint32_t persist_crc(const fm_persist_t *r) { return fm_crc32c(0, (const uint8_t *)r, (uint32_t)offsetof(fm_persist_t, crc)); }

float fm_agent_kl_max(const fm_agent_t *a) { return a->kl_override > 0 ? a->kl_override : a->running->kl_max; }

uint32_t fm_agent_bank_len(const fm_agent_t *a) { return (a->golden_bank_len / 2u) & ~3u; }

const uint8_t *fm_agent_bank(const fm_agent_t *a, uint32_t i) { return a->golden_bank + (i & 1u) * fm_agent_bank_len(a); }

void fm_i_store(fm_agent_t *a)
{
    fm_persist_t r;
    union { float f; uint32_t u; } kl;
    a->seq_block = a->seq + FM_SEQ_BLOCK;
    kl.f = a->kl_override;
    r.magic = FM_PERSIST_MAGIC; r.epoch = a->epoch; r.seq_block = a->seq_block;
    r.bank = a->bank; r.desired_version = a->desired_version; r.kl_max_bits = kl.u;
    r.crc = persist_crc(&r);
    if (a->port.persist_store) a->port.persist_store(a->port.ctx, &r);
}

/* seq survives resets without a flash write per message: blocks of FM_SEQ_BLOCK are reserved ahead, and a restart
 * resumes at the reserved end, so seq only ever grows within an epoch. */
static uint32_t next_seq(fm_agent_t *a)
{
    if (++a->seq >= a->seq_block) fm_i_store(a);
    return a->seq;
}

void fm_i_header(fm_agent_t *a, fm_json_t *j)
{
    fm_json_init(j, a->json, FM_JSON_MAX);
    fm_json_raw(j, "{");
    fm_json_u32(j, "v", 1);
    fm_json_u32(j, "seq", next_seq(a));
    fm_json_u32(j, "epoch", a->epoch);
}

void fm_i_send(fm_agent_t *a, fm_json_t *j, fm_topic_t topic)
{
    fm_json_raw(j, "}");
    if (!j->overflow && a->port.send) a->port.send(a->port.ctx, topic, j->buf, j->len);
}

void fm_agent_send_status(fm_agent_t *a)
{
    fm_json_t j;
    fm_i_header(a, &j);
    fm_json_str(&j, "state", "online");
    fm_json_str(&j, "agent", FM_AGENT_NAME);
    fm_i_send(a, &j, FM_TOPIC_STATUS);
}

void fm_agent_send_report(fm_agent_t *a)
{
    fm_json_t j;
    fm_i_header(a, &j);
    fm_json_u32(&j, "desiredVersion", a->desired_version);
    fm_json_key(&j, "model"); fm_json_raw(&j, "{");
    fm_json_str(&j, "id", a->running->id);
    fm_json_str(&j, "version", a->running->version);
    fm_json_str(&j, "source", source_names[a->source]);
    fm_json_raw(&j, "}");
    fm_json_str(&j, "health", health_names[a->health]);
    fm_json_key(&j, "thresholds"); fm_json_raw(&j, "{");
    fm_json_fixed(&j, "klMax", fm_agent_kl_max(a));
    fm_json_raw(&j, "}");
    if (a->cannot_version) {
        fm_json_key(&j, "cannotApply"); fm_json_raw(&j, "{");
        fm_json_u32(&j, "version", a->cannot_version);
        fm_json_str(&j, "reason", a->cannot_reason);
        fm_json_raw(&j, "}");
    }
    fm_json_str(&j, "agent", FM_AGENT_NAME);
    fm_i_send(a, &j, FM_TOPIC_REPORT);
}

void fm_agent_send_cmd_result(fm_agent_t *a, const char *id, int ok, const char *result_json, const char *error)
{
    fm_json_t j;
    fm_i_header(a, &j);
    fm_json_str(&j, "id", id);
    fm_json_key(&j, "ok"); fm_json_raw(&j, ok ? "true" : "false");
    fm_json_key(&j, "result"); fm_json_raw(&j, result_json);
    fm_json_key(&j, "error");
    if (error) fm_json_str(&j, 0, error); else fm_json_raw(&j, "null");
    fm_i_send(a, &j, FM_TOPIC_CMD_RESULT);
}

static void send_telemetry(fm_agent_t *a)
{
    fm_json_t j;
    fm_i_header(a, &j);
    fm_json_fixed(&j, "kl", a->last_kl);
    fm_json_fixed(&j, "klThreshold", fm_agent_kl_max(a));
    fm_json_u32(&j, "inferences", a->running->window);
    fm_json_u32(&j, "heals", a->heals);
    fm_i_send(a, &j, FM_TOPIC_TELEMETRY);
}

static void reset_observation(fm_agent_t *a)
{
    const fm_image_t *img = a->running;
    const uint8_t *counts = img->base + img->baseline_off;
    uint32_t b, total = 0;
    float den;
    for (b = 0; b < img->bins; b++) { a->hist[b] = 0; total += (uint32_t)counts[4 * b] | ((uint32_t)counts[4 * b + 1] << 8) | ((uint32_t)counts[4 * b + 2] << 16) | ((uint32_t)counts[4 * b + 3] << 24); }
    den = (float)total + 0.5f * (float)img->bins;
    for (b = 0; b < img->bins; b++) {
        uint32_t c = (uint32_t)counts[4 * b] | ((uint32_t)counts[4 * b + 1] << 8) | ((uint32_t)counts[4 * b + 2] << 16) | ((uint32_t)counts[4 * b + 3] << 24);
        a->ln_q[b] = fm_ln(((float)c + 0.5f) / den);
    }
    a->in_window = 0;
    a->persist_bits = 0;
}

/* Copies an image's parameters into SRAM and makes it the running model. */
int fm_i_load(fm_agent_t *a, const fm_image_t *img, fm_source_t source)
{
    if (img->params_size > a->active_cap) return FM_E_SPACE;
    fm_memcpy(a->active, img->base + img->params_off, img->params_size);
    a->running = img;
    a->source = source;
    reset_observation(a);
    return FM_OK;
}

uint32_t fm_agent_check(fm_agent_t *a, uint32_t *first)
{
    const fm_image_t *img = a->running;
    uint32_t c, bad = 0;
    a->bad_chunks = 0;
    for (c = 0; c < img->chunk_count; c++) {
        if (fm_crc32c(0, a->active + c * img->chunk_size, fm_chunk_len(img, c)) != fm_image_digest(img, c)) {
            if (!bad && first) *first = c;
            a->bad_chunks |= (uint64_t)1 << c;
            bad++;
        }
    }
    return bad;
}

int fm_agent_validate(fm_agent_t *a)
{
    const fm_image_t *img = a->running;
    uint32_t in = img->sizes[0], out = img->sizes[img->layers], c;
    const int8_t *g = (const int8_t *)(img->base + img->golden_off);
    if (fm_agent_check(a, 0) != 0) return 0;
    for (c = 0; c < img->golden_count; c++, g += in + out) {
        fm_infer(img, a->active, g, a->out, a->scratch);
        if (fm_memcmp(a->out, g + in, out) != 0) return 0;
    }
    return 1;
}

/* Restore rung: copy only the chunks the last digest check found damaged from the running image's flash, refusing
 * a flash chunk that fails its own digest (copying it would replace one corruption with another). */
void fm_agent_restore(fm_agent_t *a, fm_rung_result_t *r)
{
    const fm_image_t *img = a->running;
    const uint8_t *flash = img->base + img->params_off;
    uint32_t c;
    for (c = 0; c < img->chunk_count; c++) {
        uint32_t off = c * img->chunk_size, len = fm_chunk_len(img, c), want = fm_image_digest(img, c);
        if (!((a->bad_chunks >> c) & 1u)) continue;
        if (fm_crc32c(0, flash + off, len) != want) { if (!r->refused) r->first_chunk = c; r->refused++; continue; }
        fm_memcpy(a->active + off, flash + off, len);
        if (!r->chunks && !r->refused) r->first_chunk = c;
        r->chunks++;
    }
}

static uint32_t backoff(const fm_policy_t *p, uint32_t streak)
{
    uint32_t b = p->backoff_initial, i;
    if (streak < 2) return streak ? b : 0;
    for (i = 1; i < streak && b < p->backoff_max; i++) b = b ? b * 2 : 0;
    return b < p->backoff_max ? b : p->backoff_max;
}

/* The heal budget of Fleet.Shared.Health.HealBudget, clocked in windows: at most budget_max heals per period, and
 * exponential backoff between consecutive heals of a streak. */
static int budget_acquire(fm_agent_t *a)
{
    const fm_policy_t *p = &a->policy;
    uint32_t i, kept = 0, now = a->windows;
    for (i = 0; i < a->budget_used; i++) if (now - a->budget_at[i] < p->budget_period) a->budget_at[kept++] = a->budget_at[i];
    a->budget_used = (uint8_t)kept;
    if (a->budget_used >= p->budget_max) return 0;
    if (a->has_healed && now - a->last_heal < p->streak_reset && now < a->last_heal + backoff(p, a->streak)) return 0;
    a->streak = (a->has_healed && now - a->last_heal < p->streak_reset) ? a->streak + 1 : 1;
    a->last_heal = now; a->has_healed = 1;
    a->budget_at[a->budget_used++] = now;
    return 1;
}

static void send_heal_event(fm_agent_t *a, const fm_heal_result_t *h)
{
    fm_json_t j;
    uint32_t i;
    fm_i_header(a, &j);
    fm_json_str(&j, "type", "heal");
    fm_json_key(&j, "id"); fm_json_raw(&j, "\"h-"); fm_json_uint(&j, a->epoch); fm_json_raw(&j, "-"); fm_json_uint(&j, a->seq); fm_json_raw(&j, "\"");
    fm_json_str(&j, "diagnosis", h->diagnosis);
    fm_json_str(&j, "trigger", h->trigger);
    fm_json_key(&j, "rungs"); fm_json_raw(&j, "[");
    for (i = 0; i < h->rung_count; i++) {
        const fm_rung_result_t *r = &h->rungs[i];
        if (i) fm_json_raw(&j, ",");
        fm_json_raw(&j, "{");
        fm_json_str(&j, "rung", rung_names[r->rung]);
        fm_json_str(&j, "validation", r->pass ? "pass" : "fail");
        fm_json_key(&j, "detail");
        if (r->rung == FM_RUNG_RESTORE) {
            fm_json_raw(&j, "\"restored "); fm_json_uint(&j, r->chunks); fm_json_raw(&j, " chunk(s)");
            if (r->refused) { fm_json_raw(&j, ", refused "); fm_json_uint(&j, r->refused); fm_json_raw(&j, " flash chunk(s) failing their digest"); }
            fm_json_raw(&j, ", first "); fm_json_uint(&j, r->first_chunk); fm_json_raw(&j, "\"");
        } else if (r->rung == FM_RUNG_FACTORY) {
            fm_json_raw(&j, r->refused ? "\"factory image unusable\"" : "\"reloaded the factory image\"");
        } else {
            fm_json_raw(&j, r->refused ? "\"no usable safety model\"" : "\"switched to the safety model\"");
        }
        fm_json_raw(&j, "}");
    }
    fm_json_raw(&j, "]");
    fm_json_str(&j, "outcome", outcome_names[h->outcome]);
    fm_json_str(&j, "modelVersion", a->running->version);
    fm_i_send(a, &j, FM_TOPIC_EVENTS);
}

static int heal(fm_agent_t *a, const char *diagnosis, const char *trigger, int hardware)
{
    fm_heal_result_t *h = &a->last_heal_result;
    fm_rung_t ladder[3];
    uint32_t n = 0, i;
    h->diagnosis = diagnosis; h->trigger = trigger; h->rung_count = 0; h->detected_window = a->windows;
    if (!budget_acquire(a)) {
        h->outcome = FM_OUT_BUDGET;
        if (!a->refusal_sent) { a->refusal_sent = 1; send_heal_event(a, h); }
        return FM_OUT_BUDGET;
    }
    a->refusal_sent = 0;
    a->heals++;
    a->health = FM_HEALING;
    if (hardware) { ladder[n++] = FM_RUNG_RESTORE; ladder[n++] = FM_RUNG_FACTORY; }
    ladder[n++] = FM_RUNG_SAFETY;
    h->outcome = FM_OUT_UNHEALABLE;
    for (i = 0; i < n; i++) {
        fm_rung_result_t *r = &h->rungs[h->rung_count++];
        r->rung = ladder[i]; r->pass = 0; r->refused = 0; r->chunks = 0; r->first_chunk = 0;
        if (ladder[i] == FM_RUNG_RESTORE) fm_agent_restore(a, r);
        else if (ladder[i] == FM_RUNG_FACTORY) { if (fm_i_load(a, &a->factory, FM_SRC_FACTORY) != FM_OK) r->refused = 1; }
        else if (!a->safety_ok || fm_i_load(a, &a->safety, FM_SRC_SAFETY) != FM_OK) r->refused = 1;
        r->pass = (uint8_t)fm_agent_validate(a);
        if (r->pass) { h->outcome = FM_OUT_HEALED; break; }
    }
    a->health = h->outcome == FM_OUT_HEALED ? FM_HEALTHY : FM_UNHEALABLE;
    reset_observation(a);
    send_heal_event(a, h);
    fm_agent_send_report(a);
    return h->outcome;
}

int fm_agent_heal_now(fm_agent_t *a, const char *trigger)
{
    if (fm_agent_check(a, 0)) return heal(a, "hardware", trigger, 1);
    if (!fm_agent_validate(a)) return heal(a, "compute", trigger, 0);
    return FM_OUT_NONE;
}

static int end_window(fm_agent_t *a)
{
    const fm_image_t *img = a->running;
    uint32_t b, total = 0, ones = 0;
    uint64_t mask = a->policy.persist_n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << a->policy.persist_n) - 1);
    float kl = 0, den;
    int exceeded;
    for (b = 0; b < img->bins; b++) total += a->hist[b];
    den = (float)total + 0.5f * (float)img->bins;
    for (b = 0; b < img->bins; b++) {
        float p = ((float)a->hist[b] + 0.5f) / den;
        kl += p * (fm_ln(p) - a->ln_q[b]);
        a->hist[b] = 0;
    }
    a->last_kl = kl > 0 ? kl : 0;
    a->in_window = 0;
    a->windows++;
    exceeded = a->last_kl > fm_agent_kl_max(a);
    if (exceeded) a->kl_exceeded_windows++;
    a->persist_bits = ((a->persist_bits << 1) | (uint64_t)exceeded) & mask;
    for (b = 0; b < 64; b++) ones += (uint32_t)((a->persist_bits >> b) & 1u);
    if (a->policy.telemetry_every && a->windows % a->policy.telemetry_every == 0) send_telemetry(a);
    if (a->windows % a->policy.digest_period == 0 && fm_agent_check(a, 0)) return heal(a, "hardware", "digest", 1) != FM_OUT_NONE;
    if (ones >= a->policy.persist_k) {
        if (fm_agent_check(a, 0)) return heal(a, "hardware", "kl", 1) != FM_OUT_NONE;
        if (!fm_agent_validate(a)) return heal(a, "compute", "kl", 0) != FM_OUT_NONE;
        if (a->health != FM_DEGRADED) { a->health = FM_DEGRADED; fm_agent_send_report(a); } /* data drift: nothing to heal */
    } else if (a->health == FM_DEGRADED && ones == 0) {
        a->health = FM_HEALTHY;
        fm_agent_send_report(a);
    }
    return 0;
}

int fm_agent_step(fm_agent_t *a, const int8_t *in, int8_t *out)
{
    const fm_image_t *img = a->running;
    const uint8_t *map = img->base + img->binmap_off;
    uint32_t o, n = img->sizes[img->layers];
    fm_infer(img, a->active, in, out, a->scratch);
    for (o = 0; o < n; o++) a->hist[map[(uint8_t)(out[o] + 128)]]++;
    a->inferences++;
    if (++a->in_window < img->window) return 0;
    return end_window(a);
}

int fm_agent_init(fm_agent_t *a, const fm_policy_t *policy, const fm_port_t *port,
                  const uint8_t *golden_bank, uint32_t golden_bank_len,
                  const uint8_t *factory, uint32_t factory_len,
                  const uint8_t *safety, uint32_t safety_len,
                  uint8_t *active, uint32_t active_cap)
{
    uint8_t *raw = (uint8_t *)a;
    uint32_t i;
    fm_persist_t rec;
    int rc;
    for (i = 0; i < sizeof *a; i++) raw[i] = 0;
    a->policy = *policy; a->port = *port;
    if (a->policy.digest_period == 0 || a->policy.persist_k == 0 || a->policy.persist_n < a->policy.persist_k
        || a->policy.persist_n > 64 || a->policy.budget_max == 0 || a->policy.budget_max > FM_MAX_BUDGET) return FM_E_FORMAT;
    a->golden_bank = golden_bank; a->golden_bank_len = golden_bank_len;
    a->active = active; a->active_cap = active_cap;
    rc = fm_image_open(&a->factory, factory, factory_len);
    if (rc != FM_OK) return rc;
    a->safety_ok = safety && fm_image_open(&a->safety, safety, safety_len) == FM_OK;
    if (a->port.persist_load && a->port.persist_load(a->port.ctx, &rec) && rec.magic == FM_PERSIST_MAGIC && rec.crc == persist_crc(&rec)) {
        union { float f; uint32_t u; } kl;
        kl.u = rec.kl_max_bits;
        a->epoch = rec.epoch; a->seq = rec.seq_block;
        a->bank = (uint8_t)(rec.bank & 1u); a->desired_version = rec.desired_version;
        a->kl_override = kl.f > 0 && kl.f < 1000.0f ? kl.f : 0;
    } else {
        a->epoch = a->port.fresh_epoch ? a->port.fresh_epoch(a->port.ctx) : 1u; a->seq = 0;
    }
    a->golden_ok = fm_image_open(&a->golden, fm_agent_bank(a, a->bank), fm_agent_bank_len(a)) == FM_OK;
    if (!a->golden_ok && a->bank == 0 && a->port.flash_write && a->factory.size <= fm_agent_bank_len(a)
        && a->port.flash_write(a->port.ctx, fm_agent_bank(a, 0), factory, a->factory.size) == 0)
        a->golden_ok = fm_image_open(&a->golden, fm_agent_bank(a, 0), fm_agent_bank_len(a)) == FM_OK; /* first boot: provision */
    fm_i_store(a);
    a->health = FM_HEALTHY;
    a->running = &a->factory;
    if (!(a->golden_ok && fm_i_load(a, &a->golden, FM_SRC_ACTIVE) == FM_OK && fm_agent_validate(a))
        && !(fm_i_load(a, &a->factory, FM_SRC_FACTORY) == FM_OK && fm_agent_validate(a))
        && !(a->safety_ok && fm_i_load(a, &a->safety, FM_SRC_SAFETY) == FM_OK && fm_agent_validate(a))) {
        a->health = FM_UNHEALABLE;
    }
    fm_agent_send_status(a);
    fm_agent_send_report(a);
    return a->health == FM_UNHEALABLE ? FM_E_CRC : FM_OK;
}
