/* Flash image parsing, int8 inference, the sensor stand-in and freestanding helpers. */
#include "fm_core.h"

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static float rdf(const uint8_t *p) { union { uint32_t u; float f; } v; v.u = rd32(p); return v.f; }

void fm_memcpy(void *dst, const void *src, uint32_t n)
{
    uint8_t *d = (uint8_t *)dst; const uint8_t *s = (const uint8_t *)src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3u) == 0) {
        uint32_t *d4 = (uint32_t *)dst; const uint32_t *s4 = (const uint32_t *)src;
        for (n >>= 2; n; n--) *d4++ = *s4++;
        return;
    }
    while (n--) *d++ = *s++;
}

int fm_memcmp(const void *a, const void *b, uint32_t n)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (; n; n--, x++, y++) if (*x != *y) return *x < *y ? -1 : 1;
    return 0;
}

uint32_t fm_strlen(const char *s) { uint32_t n = 0; while (s[n]) n++; return n; }

static int name_ok(const uint8_t *field, uint32_t cap)
{
    uint32_t i;
    if (field[0] == 0) return 0;
    for (i = 0; i < cap; i++) if (field[i] == 0) return 1;
    return 0;
}

static uint32_t layer_bytes(uint32_t in, uint32_t out)
{
    return ((in * out + 3u) & ~3u) + 8u * out + ((out + 3u) & ~3u);
}

int fm_image_open(fm_image_t *img, const uint8_t *f, uint32_t len)
{
    uint32_t i, need, meta;
    if (len < 128 || rd32(f) != 0x31494D46u) return FM_E_MAGIC;
    if (rd16(f + 4) != 1 || rd16(f + 6) != 128) return FM_E_FORMAT;
    img->base = f;
    img->size = rd32(f + 64);
    if (img->size > len || img->size < 128) return FM_E_BOUNDS;
    if (!name_ok(f + 8, 24) || !name_ok(f + 32, 16)) return FM_E_FORMAT;
    img->id = (const char *)(f + 8);
    img->version = (const char *)(f + 32);
    img->layers = f[48]; img->hidden_act = f[49]; img->output_act = f[50]; img->bins = f[51];
    if (img->layers == 0 || img->layers > FM_MAX_LAYERS || img->bins == 0 || img->hidden_act > 1 || img->output_act > 1) return FM_E_SHAPE;
    for (i = 0; i <= FM_MAX_LAYERS; i++) img->sizes[i] = rd16(f + 52 + 2 * i);
    img->params_off = rd32(f + 68); img->params_size = rd32(f + 72);
    img->chunk_size = rd32(f + 76); img->chunk_count = rd32(f + 80); img->digests_off = rd32(f + 84);
    img->golden_off = rd32(f + 88); img->golden_count = rd16(f + 92); img->window = rd16(f + 94);
    img->lut_off = rd32(f + 96); img->baseline_off = rd32(f + 100); img->binmap_off = rd32(f + 104); img->inbox_off = rd32(f + 108);
    img->out_scale = rdf(f + 112); img->kl_max = rdf(f + 116); img->params_crc = rd32(f + 124);
    /* shape */
    need = 0;
    if (img->sizes[0] == 0 || img->sizes[0] > FM_MAX_INPUTS) return FM_E_SHAPE;
    for (i = 0; i < img->layers; i++) {
        if (img->sizes[i + 1] == 0 || img->sizes[i + 1] > FM_MAX_WIDTH) return FM_E_SHAPE;
        need += layer_bytes(img->sizes[i], img->sizes[i + 1]);
    }
    if (need != img->params_size || img->params_off != 128 || img->chunk_size != 1024 || img->window == 0) return FM_E_SHAPE;
    if (img->chunk_count != (img->params_size + 1023u) / 1024u || img->chunk_count > FM_MAX_CHUNKS) return FM_E_SHAPE;
    /* every section inside the image, in order */
    if (img->digests_off != 128 + img->params_size
        || img->golden_off != img->digests_off + 4 * img->chunk_count
        || img->lut_off < img->golden_off + (uint32_t)img->golden_count * (img->sizes[0] + img->sizes[img->layers])
        || img->baseline_off != img->lut_off + 2048
        || img->binmap_off != img->baseline_off + 4u * img->bins
        || img->inbox_off != img->binmap_off + 256
        || img->inbox_off + 2u * img->sizes[0] > img->size) return FM_E_BOUNDS;
    meta = fm_crc32c(0, f, 120);
    meta = fm_crc32c(meta, f + img->digests_off, img->size - img->digests_off);
    if (meta != rd32(f + 120)) return FM_E_CRC;
    return FM_OK;
}

uint32_t fm_image_digest(const fm_image_t *img, uint32_t chunk) { return rd32(img->base + img->digests_off + 4 * chunk); }

uint32_t fm_chunk_len(const fm_image_t *img, uint32_t chunk)
{
    uint32_t start = chunk * img->chunk_size, left = img->params_size - start;
    return left < img->chunk_size ? left : img->chunk_size;
}

/* Applies a Q31 multiplier and right shift: (acc * m + 2^(s-1)) >> s, arithmetic shift (GCC and Clang define
 * >> of a negative signed value as arithmetic; so does C#, whose exporter computes the same). */
static int32_t requant(int32_t acc, int32_t m, uint8_t s)
{
    int64_t p;
    if (s < 1) s = 1; else if (s > 62) s = 62; /* only a damaged shift byte is out of range: stay defined until healed */
    p = (int64_t)acc * (int64_t)m + ((int64_t)1 << (s - 1));
    return (int32_t)(p >> s);
}

void fm_infer(const fm_image_t *img, const uint8_t *params, const int8_t *in, int8_t *out, int8_t *scratch)
{
    const int8_t *lut = (const int8_t *)(img->base + img->lut_off);
    const int8_t *x = in;
    const uint8_t *p = params;
    uint32_t l;
    for (l = 0; l < img->layers; l++) {
        uint32_t n = img->sizes[l], m = img->sizes[l + 1], j, k;
        const int8_t *w = (const int8_t *)p;
        const int32_t *bias = (const int32_t *)(p + ((n * m + 3u) & ~3u));
        const int32_t *mult = bias + m;
        const uint8_t *shift = (const uint8_t *)(mult + m);
        int last = l + 1 == img->layers;
        int act = last ? img->output_act : img->hidden_act;
        int8_t *y = last ? out : scratch + ((l & 1u) ? FM_MAX_WIDTH : 0);
        for (j = 0; j < m; j++) {
            /* Unsigned accumulation wraps instead of overflowing: a healthy image never comes near 2^31 (|bias| <
             * 2^30, |sum| < 256 * 127 * 127), a damaged one must not make the behaviour undefined. */
            uint32_t acc = (uint32_t)bias[j];
            const int8_t *row = w + j * n;
            for (k = 0; k + 4 <= n; k += 4)
                acc += (uint32_t)(row[k] * x[k] + row[k + 1] * x[k + 1] + row[k + 2] * x[k + 2] + row[k + 3] * x[k + 3]);
            for (; k < n; k++) acc += (uint32_t)(row[k] * x[k]);
            {
                int32_t v = requant((int32_t)acc, mult[j], shift[j]);
                if (act == 1) {
                    if (v < -1024) v = -1024; else if (v > 1023) v = 1023;
                    y[j] = lut[v + 1024];
                } else {
                    if (v < -127) v = -127; else if (v > 127) v = 127;
                    y[j] = (int8_t)v;
                }
            }
        }
        x = y;
        p += layer_bytes(n, m);
    }
}

float fm_ln(float x)
{
    union { float f; uint32_t u; } v;
    int32_t e;
    float m, t, t2;
    if (!(x > 0.0f)) return -1e30f;
    v.f = x;
    e = (int32_t)((v.u >> 23) & 0xffu) - 127;
    v.u = (v.u & 0x007fffffu) | 0x3f800000u; /* mantissa in [1, 2) */
    m = v.f;
    if (m > 1.41421356f) { m *= 0.5f; e++; }   /* centre on 1 for a faster series */
    t = (m - 1.0f) / (m + 1.0f);
    t2 = t * t;
    return (float)e * 0.69314718f + 2.0f * t * (1.0f + t2 * (0.33333333f + t2 * (0.2f + t2 * (0.14285714f + t2 * 0.11111111f))));
}

void fm_sensor_seed(fm_sensor_t *s, uint32_t seed) { s->state = seed ? seed : 1u; }

uint32_t fm_sensor_next(fm_sensor_t *s)
{
    uint32_t x = s->state;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return s->state = x;
}

void fm_sensor_sample(fm_sensor_t *s, const fm_image_t *img, int8_t *in)
{
    const int8_t *lo = (const int8_t *)(img->base + img->inbox_off), *hi = lo + img->sizes[0];
    uint32_t i;
    for (i = 0; i < img->sizes[0]; i++) {
        uint32_t span = (uint32_t)(hi[i] - lo[i] + 1);
        in[i] = (int8_t)(lo[i] + (int32_t)(fm_sensor_next(s) % span));
    }
}
