#include "fm_selftest.h"

static fm_selftest_t *current;
static void (*inner_send)(void *, fm_topic_t, const char *, uint32_t);

static void capture(void *ctx, fm_topic_t topic, const char *json, uint32_t len)
{
    current->messages++;
    if (topic == FM_TOPIC_EVENTS) {
        uint32_t n = len < FM_JSON_MAX - 1 ? len : FM_JSON_MAX - 1;
        fm_memcpy(current->last_event, json, n);
        current->last_event[n] = 0;
    }
    if (inner_send) inner_send(ctx, topic, json, len);
}

static int contains(const char *hay, const char *needle)
{
    uint32_t n = fm_strlen(needle), i;
    for (i = 0; hay[i]; i++) if (fm_memcmp(hay + i, needle, n) == 0) return 1;
    return 0;
}

static void line(fm_selftest_t *t, int ok, const char *name, uint32_t a, uint32_t b)
{
    char buf[160];
    fm_json_t j;
    fm_json_init(&j, buf, sizeof buf);
    fm_json_raw(&j, ok ? "ok " : "not ok ");
    fm_json_uint(&j, t->passed + t->failed + 1);
    fm_json_raw(&j, " - ");
    fm_json_raw(&j, name);
    fm_json_raw(&j, " (");
    fm_json_uint(&j, a);
    fm_json_raw(&j, ", ");
    fm_json_uint(&j, b);
    fm_json_raw(&j, ")");
    buf[j.len] = 0;
    if (ok) t->passed++; else t->failed++;
    t->print(buf);
}

static int boot(fm_selftest_t *t, fm_agent_t *a, const fm_policy_t *p)
{
    fm_port_t port = t->port;
    port.send = capture;
    return fm_agent_init(a, p, &port, t->golden_bank, t->golden_bank_len, t->factory, t->factory_len,
                         t->safety, t->safety_len, t->active, t->active_cap);
}

/* Runs up to max windows of sensor input; returns the window count until a heal episode ran (0: none). */
static uint32_t run_until_heal(fm_agent_t *a, fm_sensor_t *s, uint32_t max_windows)
{
    int8_t in[FM_MAX_INPUTS];
    uint32_t start = a->windows;
    while (a->windows - start < max_windows) {
        fm_sensor_sample(s, a->running, in);
        if (fm_agent_step(a, in, a->out)) return a->windows - start;
    }
    return 0;
}

static const uint8_t *chunk_addr(const fm_image_t *img, uint32_t chunk, uint32_t byte)
{
    return img->base + img->params_off + chunk * img->chunk_size + byte;
}

void fm_selftest_run(fm_selftest_t *t, fm_agent_t *a)
{
    fm_policy_t p, campaign;
    fm_sensor_t s;
    int8_t in[FM_MAX_INPUTS];
    uint32_t i, w, epoch, seq;
    current = t;
    inner_send = t->port.send;
    fm_policy_default(&p);
    fm_sensor_seed(&s, t->seed);

    /* boot and golden validation */
    i = (uint32_t)boot(t, a, &p);
    if (i != FM_OK) {
        line(t, 0, "boot provisions the golden bank and validates the golden inputs", (uint32_t)-(int32_t)i, 0);
        t->print("self-test FAILED: no model could be booted");
        return;
    }
    line(t, a->source == FM_SRC_ACTIVE && a->health == FM_HEALTHY, "boot provisions the golden bank and validates the golden inputs", a->running->params_size, a->running->chunk_count);
    line(t, fm_agent_validate(a) && fm_agent_check(a, 0) == 0, "golden cases bit-exact, every chunk digest matches", a->running->golden_count, a->running->chunk_count);

    /* clean windows: false positives */
    t->clean_total = t->clean_windows;
    for (w = 0; w < t->clean_windows; w++) {
        uint32_t k;
        for (k = 0; k < a->running->window; k++) {
            fm_sensor_sample(&s, a->running, in);
            if (fm_agent_step(a, in, a->out)) t->clean_heals++;
        }
    }
    t->clean_exceeded = a->kl_exceeded_windows;
    line(t, t->clean_heals == 0 && a->health == FM_HEALTHY && t->clean_exceeded * 1000u <= t->clean_windows,
         "clean windows: KL above threshold in at most 1/1000, no heal", t->clean_exceeded, t->clean_windows);

    /* bit-flip campaign on the active weights: unlimited budget so every flip is judged on detection and repair */
    campaign = p;
    campaign.budget_period = 1; campaign.streak_reset = 1; campaign.budget_max = 1;
    a->policy = campaign;
    for (i = 0; i < t->flip_trials; i++) {
        uint32_t r = fm_sensor_next(&s), byte = r % a->running->params_size, bit = (r >> 24) & 7u, took;
        uint32_t chunk = byte / a->running->chunk_size;
        a->active[byte] ^= (uint8_t)(1u << bit);
        t->flips++;
        took = run_until_heal(a, &s, a->policy.digest_period);
        if (took) {
            const fm_heal_result_t *h = &a->last_heal_result;
            t->detected++;
            if (took > t->max_detect_windows) t->max_detect_windows = took;
            if (h->outcome == FM_OUT_HEALED && h->rung_count == 1 && h->rungs[0].rung == FM_RUNG_RESTORE && h->rungs[0].chunks == 1 && h->rungs[0].first_chunk == chunk) t->healed++;
            if (h->rungs[h->rung_count - 1].pass && fm_agent_validate(a) && a->source == FM_SRC_ACTIVE) t->validated++;
        }
    }
    line(t, t->detected == t->flips, "every flip detected within one digest period", t->detected, t->flips);
    line(t, t->healed == t->flips && t->validated == t->flips, "every flip healed by restoring its one chunk and validated", t->healed, t->validated);
    line(t, contains(t->last_event, "\"type\":\"heal\"") && contains(t->last_event, "\"rung\":\"restoreTensors\",\"validation\":\"pass\"")
         && contains(t->last_event, "\"diagnosis\":\"hardware\"") && contains(t->last_event, "\"trigger\":\"digest\"") && contains(t->last_event, "\"outcome\":\"healed\""),
         "heal event names diagnosis, trigger, rung, validation and outcome", fm_strlen(t->last_event), 0);

    /* a damaged golden chunk is refused; the factory image heals */
    {
        uint32_t c = 3 % a->running->chunk_count, took;
        t->flash_flip(t->port.ctx, chunk_addr(&a->golden, c, 17), 0x10);
        a->active[c * a->running->chunk_size + 17] ^= 0x10;
        took = run_until_heal(a, &s, a->policy.digest_period);
        line(t, took && a->last_heal_result.rung_count == 2 && a->last_heal_result.rungs[0].refused == 1 && !a->last_heal_result.rungs[0].pass
             && a->last_heal_result.rungs[1].rung == FM_RUNG_FACTORY && a->last_heal_result.rungs[1].pass && a->source == FM_SRC_FACTORY,
             "golden chunk failing its digest is refused; factory image reloaded and validated", a->last_heal_result.rung_count, a->source);
        /* factory damaged as well: the safety model takes over */
        line(t, boot(t, a, &campaign) == FM_OK, "reboot", 0, 0);
        t->flash_flip(t->port.ctx, chunk_addr(&a->factory, c, 17), 0x10);
        a->active[c * a->running->chunk_size + 17] ^= 0x10;
        took = run_until_heal(a, &s, a->policy.digest_period);
        line(t, took && a->last_heal_result.rung_count == 3 && a->last_heal_result.rungs[2].rung == FM_RUNG_SAFETY && a->last_heal_result.rungs[2].pass
             && !a->last_heal_result.rungs[1].pass && a->source == FM_SRC_SAFETY && a->health == FM_HEALTHY && contains(t->last_event, "\"rung\":\"safetyModel\",\"validation\":\"pass\""),
             "golden and factory damaged: safety model validated", a->last_heal_result.rung_count, a->source);
        /* the safety model is watched like any other: a flip in it is restored from its own flash image */
        a->active[5] ^= 0x01;
        took = run_until_heal(a, &s, a->policy.digest_period);
        line(t, took && a->last_heal_result.outcome == FM_OUT_HEALED && a->source == FM_SRC_SAFETY, "a flip in the safety model is healed from its flash copy", took, a->source);
        t->flash_flip(t->port.ctx, chunk_addr(&a->factory, c, 17), 0x10);
        t->flash_flip(t->port.ctx, chunk_addr(&a->golden, c, 17), 0x10);
    }

    /* heal budget: three heals, then one budgetExhausted event and quiet */
    {
        uint32_t outcomes[5], k, budget_events;
        k = (uint32_t)boot(t, a, &p);
        line(t, k == FM_OK && a->source == FM_SRC_ACTIVE, "reboot after flash repaired serves the golden bank", a->source, 0);
        for (k = 0; k < 5; k++) {
            a->active[100 + k] ^= 0x04;
            outcomes[k] = run_until_heal(a, &s, a->policy.digest_period) ? a->last_heal_result.outcome : 0;
            if (outcomes[k] == FM_OUT_BUDGET) a->active[100 + k] ^= 0x04; /* repair by hand to keep the next trial apart */
        }
        budget_events = contains(t->last_event, "\"outcome\":\"budgetExhausted\",") && contains(t->last_event, "\"rungs\":[]");
        line(t, outcomes[0] == FM_OUT_HEALED && outcomes[2] == FM_OUT_HEALED && outcomes[3] == FM_OUT_BUDGET && outcomes[4] == FM_OUT_BUDGET && budget_events && a->heals == 3,
             "heal budget: 3 heals per period, then budgetExhausted with no rungs", a->heals, outcomes[3]);
    }

    /* drift: inputs pinned to a corner of the box move the output histogram; digests and golden pass -> degraded */
    {
        const int8_t *hi = (const int8_t *)(a->running->base + a->running->inbox_off) + a->running->sizes[0];
        uint32_t k, heals = a->heals;
        for (k = 0; k < a->running->sizes[0]; k++) in[k] = hi[k];
        for (w = 0; w < 3u * a->running->window; w++) fm_agent_step(a, in, a->out);
        line(t, a->health == FM_DEGRADED && a->heals == heals && a->last_kl > a->running->kl_max, "drifted inputs: KL over threshold k of n windows, degraded, no heal", (uint32_t)(a->last_kl * 1000), (uint32_t)(a->running->kl_max * 1000));
        run_until_heal(a, &s, 4);
        line(t, a->health == FM_HEALTHY, "back to clean inputs: healthy again", a->health, 0);
    }

    /* (epoch, seq) persistence */
    epoch = a->epoch; seq = a->seq;
    i = (uint32_t)boot(t, a, &p);
    line(t, i == FM_OK && a->epoch == epoch && a->seq > seq, "reboot keeps the epoch and resumes seq above every seq sent", a->seq, seq);
    t->print(t->failed ? "self-test FAILED" : "self-test passed");
}
