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

static int sha_is(const uint8_t *data, uint32_t len, const char *hex)
{
    uint8_t d[32];
    char got[65];
    uint32_t i;
    fm_sha256(data, len, d);
    for (i = 0; i < 32; i++) snprintf(got + 2 * i, 3, "%02x", d[i]);
    if (strcmp(got, hex) != 0) { printf("# sha256 = %s, want %s\n", got, hex); return 0; }
    return 1;
}

static void test_sha256(void)
{
    /* FIPS 180-4 / NIST CAVP examples */
    static uint8_t million[1000000];
    const char *two_block = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    fm_sha256_t s;
    uint8_t d[32], e[32];
    uint32_t i;
    CHECK(sha_is((const uint8_t *)"", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "SHA-256 of the empty string");
    CHECK(sha_is((const uint8_t *)"abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "SHA-256 of \"abc\"");
    CHECK(sha_is((const uint8_t *)two_block, 56, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "SHA-256 of the 448-bit two-block message");
    memset(million, 'a', sizeof million);
    CHECK(sha_is(million, sizeof million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), "SHA-256 of one million 'a'");
    /* streaming in odd pieces gives the one-shot digest */
    fm_sha256(million, 1000, d);
    fm_sha256_init(&s);
    for (i = 0; i < 1000; i += 37) fm_sha256_update(&s, million + i, i + 37 <= 1000 ? 37 : 1000 - i);
    fm_sha256_final(&s, e);
    CHECK(memcmp(d, e, 32) == 0, "SHA-256 streamed in 37-byte pieces equals the one-shot digest");
    CHECK(sha_is((const uint8_t *)two_block, 55, "aa353e009edbaebfc6e494c8d847696896cb8b398e0173a4b5c1b636292d87c7"), "SHA-256 at the 55-byte padding boundary");
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
    {
        static const char d[] = "{\"version\":12,\"klMax\":0.25,\"modelVersion\":\"1.0.1\",\"big\":4294967296,\"neg\":-1,\"esc\":\"a\\\"b\"}";
        uint32_t u = 0; float f = 0; char s[16];
        CHECK(fm_json_get_u32(d, sizeof d - 1, "version", &u) == 1 && u == 12, "JSON reader: \"version\" is not confused with \"modelVersion\"");
        CHECK(fm_json_get_decimal(d, sizeof d - 1, "klMax", &f) == 1 && f > 0.2499f && f < 0.2501f, "JSON reader: a decimal");
        CHECK(fm_json_get_str(d, sizeof d - 1, "modelVersion", s, sizeof s) == 5 && strcmp(s, "1.0.1") == 0, "JSON reader: a string");
        CHECK(fm_json_get_u32(d, sizeof d - 1, "big", &u) == -1 && fm_json_get_u32(d, sizeof d - 1, "neg", &u) == -1, "JSON reader: overflowing and negative u32 are malformed");
        CHECK(fm_json_get_str(d, sizeof d - 1, "esc", s, sizeof s) == -1 && fm_json_get_str(d, sizeof d - 1, "modelVersion", s, 4) == -1, "JSON reader: escapes and over-long strings are refused");
        CHECK(fm_json_get_u32(d, sizeof d - 1, "absent", &u) == 0 && fm_json_get_str(d, 20, "modelVersion", s, sizeof s) == -1, "JSON reader: absent key, and a value cut off by the length");
    }
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

/* An image of another version: the factory image with its version field changed and the header CRC redone. golden_damage
 * flips one expected golden output (the image stays well-formed, but fails validation on its golden inputs). */
static uint8_t *variant(const uint8_t *img, uint32_t len, const char *version, int golden_damage)
{
    uint8_t *v = malloc(len);
    fm_image_t h;
    uint32_t crc;
    memcpy(v, img, len);
    memset(v + 32, 0, 16);
    memcpy(v + 32, version, strlen(version));
    fm_image_open(&h, img, len);
    if (golden_damage) v[h.golden_off + h.sizes[0] + 3] ^= 0x01;
    crc = fm_crc32c(0, v, 120);
    crc = fm_crc32c(crc, v + h.digests_off, h.size - h.digests_off);
    v[120] = (uint8_t)crc; v[121] = (uint8_t)(crc >> 8); v[122] = (uint8_t)(crc >> 16); v[123] = (uint8_t)(crc >> 24);
    return v;
}

static void hex(const uint8_t *img, uint32_t len, char out[65])
{
    uint8_t d[32];
    uint32_t i;
    fm_sha256(img, len, d);
    for (i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Offers an image by a desired-state frame and sends it in 1000-byte pieces; returns fm_agent_image_end's code. */
static int offer(fm_agent_t *a, uint32_t version, const char *mv, const uint8_t *img, uint32_t len, const char *sha)
{
    char d[320];
    uint32_t off;
    snprintf(d, sizeof d, "{\"v\":1,\"version\":%u,\"modelId\":\"vocoder\",\"modelVersion\":\"%s\",\"imageSize\":%u,\"imageSha256\":\"%s\"}", version, mv, len, sha);
    if (fm_agent_desired(a, d, (uint32_t)strlen(d)) != 1) return 99;
    for (off = 0; off < len; off += 1000)
        if (fm_agent_image_data(a, off, img + off, len - off < 1000 ? len - off : 1000) != FM_OK) return 98;
    return fm_agent_image_end(a);
}

static void test_update(const uint8_t *voc, uint32_t vlen, const uint8_t *saf, uint32_t slen)
{
    static fm_agent_t a;
    static uint8_t factory_copy[64 * 1024];
    fm_policy_t p;
    fm_port_t port = { 0, on_send, p_load, p_store, f_write, f_epoch };
    uint8_t *good = variant(voc, vlen, "1.0.1", 0), *bad_golden = variant(voc, vlen, "1.0.2", 1), *tampered = variant(voc, vlen, "1.0.3", 0);
    char sha[65], sha_bad_golden[65], sha_tampered[65];
    const uint8_t *golden_before;
    fm_policy_default(&p);
    memcpy(factory_copy, voc, vlen);
    memset(bank, 0xff, sizeof bank);
    have_stored = 0;
    fm_agent_init(&a, &p, &port, bank, sizeof bank, factory_copy, vlen, saf, slen, active, sizeof active);
    CHECK(vlen <= fm_agent_bank_len(&a) && a.bank == 0 && strcmp(a.running->version, "1.0.0") == 0, "update: boots from bank 0 on the factory's 1.0.0; the image fits a bank");
    hex(good, vlen, sha); hex(bad_golden, vlen, sha_bad_golden); hex(tampered, vlen, sha_tampered);

    CHECK(fm_agent_desired(&a, "{\"v\":1,\"version\":3,\"klMax\":0.5}", 30) == 0 && a.desired_version == 3 && fm_agent_kl_max(&a) == 0.5f
          && last_topic == FM_TOPIC_REPORT && strstr(last_msg, "\"desiredVersion\":3") && strstr(last_msg, "\"klMax\":0.500000"),
          "desired thresholds: klMax applied, desiredVersion 3 reported");
    CHECK(fm_agent_desired(&a, "{\"v\":1,\"version\":2,\"klMax\":0.9}", 30) == 0 && fm_agent_kl_max(&a) == 0.5f, "desired: an older version is ignored");

    tampered[5000] ^= 0x10; /* one bit changed after the hub computed its SHA-256 */
    golden_before = a.running->base;
    CHECK(offer(&a, 4, "1.0.3", tampered, vlen, sha_tampered) == FM_E_CRC && a.running->base == golden_before && strcmp(a.running->version, "1.0.0") == 0
          && a.desired_version == 4 && a.cannot_version == 4 && strstr(last_msg, "\"cannotApply\":{\"version\":4,\"reason\":\"the image's SHA-256 does not match"),
          "update: a tampered image fails its SHA-256, is refused (cannotApply) and 1.0.0 keeps serving");
    CHECK(fm_agent_validate(&a) && a.source == FM_SRC_ACTIVE, "update: after the refusal the old model still validates");
    CHECK(offer(&a, 5, "1.0.2", bad_golden, vlen, sha_bad_golden) == FM_E_CRC && strcmp(a.running->version, "1.0.0") == 0 && fm_agent_validate(&a)
          && strstr(a.cannot_reason, "golden inputs"), "update: an image failing its golden inputs is refused before it serves; 1.0.0 reloaded and valid");
    CHECK(offer(&a, 6, "1.0.1", good, vlen, sha) == FM_OK && a.bank == 1 && strcmp(a.running->version, "1.0.1") == 0 && a.source == FM_SRC_ACTIVE
          && a.cannot_version == 0 && last_topic == FM_TOPIC_REPORT && strstr(last_msg, "\"version\":\"1.0.1\"") && !strstr(last_msg, "cannotApply"),
          "update: a good image is verified, validated and installed in the other bank; the report shows 1.0.1");
    CHECK(memcmp(factory_copy, voc, vlen) == 0 && memcmp(bank, voc, vlen) == 0, "update: the factory image and the previous golden bank are untouched");
    CHECK(fm_agent_init(&a, &p, &port, bank, sizeof bank, factory_copy, vlen, saf, slen, active, sizeof active) == FM_OK && a.bank == 1
          && strcmp(a.running->version, "1.0.1") == 0 && a.desired_version == 6 && fm_agent_kl_max(&a) == 0.5f,
          "update: after a reboot 1.0.1 serves from bank 1 with desiredVersion 6 and klMax 0.5 kept");
    CHECK(fm_agent_desired(&a, "{\"version\":7,\"modelId\":\"vocoder\",\"modelVersion\":\"1.0.1\"}", 63) == 0 && a.desired_version == 7 && !a.pending.active,
          "update: desiring the version already serving needs no image");
    CHECK(fm_agent_desired(&a, "{\"version\":8,\"modelId\":\"vocoder\",\"modelVersion\":\"2.0.0\",\"refused\":\"signature does not verify\"}", 94) == 0
          && a.cannot_version == 8 && strcmp(a.cannot_reason, "refused by the hub: signature does not verify") == 0, "update: the hub's refusal is reported as cannotApply");
    CHECK(fm_agent_desired(&a, "{\"version\":9,\"modelId\":\"other\",\"modelVersion\":\"2.0.0\",\"imageSize\":999,\"imageSha256\":\"00\"}", 87) == 0
          && a.cannot_version == 9 && strstr(a.cannot_reason, "this MCU runs model vocoder"), "update: another model id is refused");
    {
        char d[256];
        snprintf(d, sizeof d, "{\"version\":10,\"modelId\":\"vocoder\",\"modelVersion\":\"3.0.0\",\"imageSize\":%u,\"imageSha256\":\"%s\"}", 40000u, sha);
        CHECK(fm_agent_desired(&a, d, (uint32_t)strlen(d)) == 0 && a.cannot_version == 10, "update: an image larger than a bank is refused");
        snprintf(d, sizeof d, "{\"version\":11,\"modelId\":\"vocoder\",\"modelVersion\":\"1.0.2\",\"imageSize\":%u,\"imageSha256\":\"%s\"}", vlen, sha);
        CHECK(fm_agent_desired(&a, d, (uint32_t)strlen(d)) == 1 && fm_agent_image_data(&a, 1000, good, 10) == FM_E_BOUNDS && fm_agent_image_data(&a, 0, good, 1000) == FM_OK
              && fm_agent_image_data(&a, 0, good, 1000) == FM_OK && fm_agent_image_data(&a, vlen, good, 1) == FM_E_BOUNDS,
              "update: image data must arrive in order (a repeat is accepted, a gap and an overrun are not)");
        CHECK(fm_agent_image_end(&a) == FM_E_BOUNDS && strcmp(a.running->version, "1.0.1") == 0 && strstr(a.cannot_reason, "incomplete"), "update: an incomplete image is refused");
        CHECK(fm_agent_image_data(&a, 0, good, 10) == FM_E_FORMAT && fm_agent_image_end(&a) == FM_E_FORMAT, "update: image frames with no image expected are refused");
        CHECK(fm_agent_desired(&a, "{\"version\":12,\"klMax\":-1}", 26) == 0 && a.cannot_version == 12 && fm_agent_kl_max(&a) == 0.5f, "desired: a bad klMax is refused, the old one kept");
        CHECK(fm_agent_desired(&a, "{\"version\":\"x\"}", 15) == 0 && fm_agent_desired(&a, "garbage", 7) == 0 && a.desired_version == 12, "desired: a frame without a numeric version is ignored");
    }
    {
        static const char escaped[] = "{\"version\":13,\"modelId\":\"vocoder\",\"modelVersion\":\"2.0.0\",\"refused\":\"the artifact\\u0027s SHA-256\"}";
        CHECK(fm_agent_desired(&a, escaped, sizeof escaped - 1) == 0 && a.cannot_version == 13 && strcmp(a.cannot_reason, "refused by the hub: (reason unreadable)") == 0
              && strcmp(a.running->version, "1.0.1") == 0, "update: a refusal whose reason has an escape is still a refusal");
    }
    free(good); free(bad_golden); free(tampered);
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
    test_sha256();
    test_ln();
    test_json();
    test_image(voc, vlen, "vocoder image opens");
    test_image(saf, slen, "safety image opens");
    test_agent(voc, vlen, saf, slen);
    test_update(voc, vlen, saf, slen);
    test_link();
    printf("%d passed, %d failed\n", passed, failed);
    free(voc); free(saf);
    return failed ? 1 : 0;
}
