/* Unit tests of the Fleet.Mcu core (host build, under ASan/UBSan). Images are the ones Fleet's exporter wrote.
 *   fm_unit VOCODER.fmi SAFETY.fmi */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fm_core.h"
#include "fm_link.h"

static int passed, failed;
#define CHECK(cond, name) do { if (cond) { passed++; printf("ok - %s\n", name); } else { failed++; printf("not ok - %s (%s:%d)\n", name, __FILE__, __LINE__); } } while (0)

static uint8_t *read_file(const char *path, uint32_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 64);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
    fclose(f);
    *len = (uint32_t)n;
    return buf;
}

static void test_crc(void)
{
    const uint8_t check[] = "123456789";
    CHECK(fm_crc32c(0, check, 9) == 0xE3069283u, "CRC-32C check value of \"123456789\"");
    CHECK(fm_crc32c(fm_crc32c(0, check, 4), check + 4, 5) == 0xE3069283u, "CRC-32C continues across calls");
}

static void test_ln(void)
{
    const float xs[] = { 1e-6f, 0.001f, 0.015625f, 0.5f, 0.9999f, 1.0f, 1.5f, 2.0f, 10.0f };
    const double want[] = { -13.815510558, -6.907755279, -4.158883083, -0.693147181, -0.000100005, 0.0, 0.405465108, 0.693147181, 2.302585093 };
    unsigned i, ok = 1;
    for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double d = (double)fm_ln(xs[i]) - want[i];
        if (d < -2e-6 || d > 2e-6) { ok = 0; printf("# ln(%g) = %.9f, want %.9f\n", (double)xs[i], (double)fm_ln(xs[i]), want[i]); }
    }
    CHECK(ok, "fm_ln within 2e-6 of ln over 1e-6 .. 10");
}

static void test_json(void)
{
    char buf[64];
    fm_json_t j;
    fm_json_init(&j, buf, sizeof buf);
    fm_json_raw(&j, "{");
    fm_json_str(&j, "a", "x\"y\\z");
    fm_json_u32(&j, "n", 4294967295u);
    fm_json_fixed(&j, "f", 0.0125f);
    fm_json_raw(&j, "}");
    buf[j.len] = 0;
    CHECK(!j.overflow && strcmp(buf, "{\"a\":\"x\\\"y\\\\z\",\"n\":4294967295,\"f\":0.012500}") == 0, "JSON writer escapes strings and formats numbers");
    fm_json_init(&j, buf, 8);
    fm_json_raw(&j, "{\"long\":\"value\"}");
    CHECK(j.overflow && j.len == 7, "JSON writer flags overflow and never overruns");
}

static void test_image(const uint8_t *img_bytes, uint32_t len, const char *name)
{
    fm_image_t img;
    uint8_t *copy = malloc(len);
    int8_t out[FM_MAX_WIDTH], scratch[2 * FM_MAX_WIDTH];
    uint32_t c, in, outn, exact = 1;
    char label[96];
    CHECK(fm_image_open(&img, img_bytes, len) == FM_OK, name);
    in = img.sizes[0]; outn = img.sizes[img.layers];
    for (c = 0; c < img.golden_count; c++) {
        const int8_t *g = (const int8_t *)(img.base + img.golden_off) + c * (in + outn);
        fm_infer(&img, img.base + img.params_off, g, out, scratch);
        if (memcmp(out, g + in, outn) != 0) exact = 0;
    }
    snprintf(label, sizeof label, "%s: C inference is bit-exact with the exporter's on %u golden cases", name, img.golden_count);
    CHECK(exact && img.golden_count > 0, label);
    for (c = 0, exact = 1; c < img.chunk_count; c++)
        if (fm_crc32c(0, img.base + img.params_off + c * 1024, fm_chunk_len(&img, c)) != fm_image_digest(&img, c)) exact = 0;
    CHECK(exact, "every parameter chunk matches the exporter's CRC-32C");
    CHECK(fm_crc32c(0, img.base + img.params_off, img.params_size) == img.params_crc, "parameter section matches its whole-section CRC");

    memcpy(copy, img_bytes, len);
    CHECK(fm_image_open(&img, copy, 127) == FM_E_MAGIC, "a truncated header is refused");
    CHECK(fm_image_open(&img, copy, len - 4) == FM_E_BOUNDS, "an image longer than its bank is refused");
    copy[0] ^= 1;
    CHECK(fm_image_open(&img, copy, len) == FM_E_MAGIC, "a wrong magic is refused");
    copy[0] ^= 1; copy[116] ^= 0x40; /* kl_max */
    CHECK(fm_image_open(&img, copy, len) == FM_E_CRC, "a damaged header field fails the header CRC");
    copy[116] ^= 0x40; copy[len - 300] ^= 0x01; /* tail: tables */
    CHECK(fm_image_open(&img, copy, len) == FM_E_CRC, "a damaged table (digests, golden, tanh, baseline) fails the header CRC");
    copy[len - 300] ^= 0x01; copy[48] = 9;
    CHECK(fm_image_open(&img, copy, len) == FM_E_SHAPE, "more layers than the core runs is refused");
    copy[48] = img_bytes[48]; copy[128 + 5] ^= 0x80; /* a weight: header still opens, chunk digest catches it */
    CHECK(fm_image_open(&img, copy, len) == FM_OK && fm_crc32c(0, img.base + img.params_off, fm_chunk_len(&img, 0)) != fm_image_digest(&img, 0),
          "a damaged weight leaves the header valid and fails its chunk digest");
    free(copy);
}

static uint8_t bank[64 * 1024], active[48 * 1024];
static fm_persist_t stored; static int have_stored; static uint32_t epochs = 1000; static int sent;
static int p_load(void *c, fm_persist_t *r) { (void)c; if (!have_stored) return 0; *r = stored; return 1; }
static void p_store(void *c, const fm_persist_t *r) { (void)c; stored = *r; have_stored = 1; }
static int f_write(void *c, const uint8_t *d, const uint8_t *s, uint32_t n) { (void)c; memcpy((uint8_t *)d, s, n); return 0; }
static uint32_t f_epoch(void *c) { (void)c; return ++epochs; }
static char last_msg[FM_JSON_MAX + 1]; static fm_topic_t last_topic;
static void on_send(void *c, fm_topic_t t, const char *j, uint32_t n) { (void)c; memcpy(last_msg, j, n); last_msg[n] = 0; last_topic = t; sent++; }

static void test_agent(const uint8_t *voc, uint32_t vlen, const uint8_t *saf, uint32_t slen)
{
    static fm_agent_t a;
    fm_policy_t p;
    fm_port_t port = { 0, on_send, p_load, p_store, f_write, f_epoch };
    uint32_t e, s, first = 99;
    fm_policy_default(&p);
    memset(bank, 0xff, sizeof bank);
    CHECK(fm_agent_init(&a, &p, &port, bank, sizeof bank, voc, vlen, saf, slen, active, sizeof active) == FM_OK && a.golden_ok && memcmp(bank, voc, vlen) == 0,
          "first boot provisions the blank golden bank from the factory image");
    CHECK(sent == 2 && a.epoch == 1001 && a.seq == 2, "boot sends status and report with seq 1, 2 in a fresh epoch");
    e = a.epoch; s = a.seq;
    CHECK(fm_agent_init(&a, &p, &port, bank, sizeof bank, voc, vlen, saf, slen, active, sizeof active) == FM_OK && a.epoch == e && a.seq == s + FM_SEQ_BLOCK - 2 + 2,
          "reboot keeps the epoch and resumes seq at the reserved block's end");
    stored.crc ^= 1;
    CHECK(fm_agent_init(&a, &p, &port, bank, sizeof bank, voc, vlen, saf, slen, active, sizeof active) == FM_OK && a.epoch != e && a.seq == 2,
          "a damaged persist record starts a new epoch at seq 1");
    active[2000] ^= 0x20; active[5000] ^= 0x01;
    CHECK(fm_agent_check(&a, &first) == 2 && first == 1, "digest check finds both damaged chunks, first one first");
    CHECK(!fm_agent_validate(&a), "validation fails while a chunk is damaged");
    {
        fm_rung_result_t r = { FM_RUNG_RESTORE, 0, 0, 0, 0 };
        fm_agent_restore(&a, &r);
        CHECK(r.chunks == 2 && r.refused == 0 && fm_agent_check(&a, 0) == 0 && fm_agent_validate(&a), "restore copies exactly the damaged chunks and validation passes");
    }
    CHECK(fm_agent_init(&a, &p, &port, bank, 100, voc, vlen, saf, slen, active, 1000) == FM_E_CRC && a.health == FM_UNHEALABLE,
          "no image fits the SRAM buffer: init reports unhealable, does not overrun");
    {
        static const char validate[] = "{\"v\":1,\"id\":\"c-42\",\"name\":\"validate\",\"args\":{}}";
        static const char flip[] = "{\"v\":1,\"name\":\"injectFault\",\"id\":\"c-43\",\"args\":{\"fault\":\"bitflip\"}}";
        static const char drift[] = "{\"v\":1,\"id\":\"c-44\",\"name\":\"injectFault\",\"args\":{\"fault\":\"drift\"}}";
        static const char noid[] = "{\"v\":1,\"name\":\"validate\"}";
        fm_agent_init(&a, &p, &port, bank, sizeof bank, voc, vlen, saf, slen, active, sizeof active);
        CHECK(fm_agent_command(&a, validate, sizeof validate - 1) == 1 && last_topic == FM_TOPIC_CMD_RESULT
              && strstr(last_msg, "\"id\":\"c-42\",\"ok\":true,\"result\":{\"verdict\":\"pass\",\"cases\":16},\"error\":null}") != 0,
              "validate command answers verdict pass on cmd-result");
        CHECK(fm_agent_command(&a, flip, sizeof flip - 1) == 1 && fm_agent_check(&a, 0) == 1 && strstr(last_msg, "\"ok\":true") != 0,
              "injectFault bitflip flips one bit of the active weights");
        CHECK(fm_agent_heal_now(&a, "command") == FM_OUT_HEALED && fm_agent_check(&a, 0) == 0, "the flipped bit is healed");
        CHECK(fm_agent_command(&a, drift, sizeof drift - 1) == 0 && strstr(last_msg, "\"ok\":false") != 0 && strstr(last_msg, "\"error\":\"this MCU") != 0,
              "an unsupported fault is refused with ok false and an error");
        sent = 0;
        CHECK(fm_agent_command(&a, noid, sizeof noid - 1) == -1 && sent == 0, "a command without an id is ignored");
    }
    p.persist_k = 4; p.persist_n = 3;
    CHECK(fm_agent_init(&a, &p, &port, bank, sizeof bank, voc, vlen, saf, slen, active, sizeof active) == FM_E_FORMAT, "a policy with k > n is refused");
}

/* docs/MCU-LINK.md's example: a MESSAGE frame, seq 7, status topic, payload {"v":1} */
static const uint8_t vector[] = { 0xf1, 0xee, 0x02, 0x07, 0x08, 0x00, 0x00, 0x7b, 0x22, 0x76, 0x22, 0x3a, 0x31, 0x7d, 0xf7, 0x7a, 0xa5, 0xb6 };

static int feed_all(fm_link_rx_t *rx, const uint8_t *bytes, uint32_t n, fm_link_frame_t *frames, int max)
{
    int count = 0;
    uint32_t i;
    fm_link_frame_t f;
    for (i = 0; i < n; i++)
        if (fm_link_feed(rx, bytes[i], &f) && count < max) {
            frames[count] = f;
            count++;
            if (count == 1 && max > 1) { static uint8_t keep[FM_LINK_MAX_PAYLOAD]; memcpy(keep, f.payload, f.len); frames[0].payload = keep; }
        }
    return count;
}

static void test_link(void)
{
    static fm_link_rx_t rx;
    uint8_t out[64], stream[256], payload[8] = { 0, '{', '"', 'v', '"', ':', '1', '}' };
    fm_link_frame_t frames[4];
    uint32_t n = fm_link_encode(FM_LINK_MESSAGE, 7, payload, 8, out, sizeof out), k = 0;
    CHECK(n == sizeof vector && memcmp(out, vector, n) == 0, "link: encoder reproduces the spec's example frame");
    fm_link_rx_init(&rx);
    CHECK(feed_all(&rx, vector, sizeof vector, frames, 1) == 1 && frames[0].type == FM_LINK_MESSAGE && frames[0].seq == 7 && frames[0].len == 8
          && memcmp(frames[0].payload, payload, 8) == 0, "link: decoder reads the spec's example frame");
    /* garbage, a false start (magic + huge length), a frame with a damaged payload, then a good frame, twice */
    stream[k++] = 0x00; stream[k++] = 0xf1; stream[k++] = 0x13; stream[k++] = 0xf1; stream[k++] = 0xee; stream[k++] = 0x02; stream[k++] = 0; stream[k++] = 0xff; stream[k++] = 0xff;
    memcpy(stream + k, vector, sizeof vector); stream[k + 9] ^= 0x20; k += sizeof vector;
    memcpy(stream + k, vector, sizeof vector); k += sizeof vector;
    memcpy(stream + k, vector, sizeof vector); k += sizeof vector;
    fm_link_rx_init(&rx);
    CHECK(feed_all(&rx, stream, k, frames, 4) == 2 && frames[1].seq == 7 && rx.dropped > 0, "link: garbage and a damaged frame are skipped, the next frames are found");
    CHECK(fm_link_encode(FM_LINK_MESSAGE, 0, out, FM_LINK_MAX_PAYLOAD + 1, stream, sizeof stream) == 0, "link: an oversized payload is not encoded");
}

int main(int argc, char **argv)
{
    uint32_t vlen, slen;
    uint8_t *voc, *saf;
    if (argc != 3) { fprintf(stderr, "usage: fm_unit VOCODER.fmi SAFETY.fmi\n"); return 2; }
    voc = read_file(argv[1], &vlen);
    saf = read_file(argv[2], &slen);
    test_crc();
    test_ln();
    test_json();
    test_image(voc, vlen, "vocoder image opens");
    test_image(saf, slen, "safety image opens");
    test_agent(voc, vlen, saf, slen);
    test_link();
    printf("%d passed, %d failed\n", passed, failed);
    free(voc); free(saf);
    return failed ? 1 : 0;
}
