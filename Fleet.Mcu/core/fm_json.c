/* A bounded JSON writer for the device protocol's payloads: no allocation, truncation flagged, never overrun. */
#include "fm_core.h"

void fm_json_init(fm_json_t *j, char *buf, uint32_t cap) { j->buf = buf; j->cap = cap; j->len = 0; j->overflow = 0; }

static void put(fm_json_t *j, char c)
{
    if (j->len + 1 < j->cap) j->buf[j->len++] = c; else j->overflow = 1;
}

void fm_json_raw(fm_json_t *j, const char *s) { while (*s) put(j, *s++); }

void fm_json_key(fm_json_t *j, const char *key)
{
    char last = j->len ? j->buf[j->len - 1] : '{';
    if (last != '{' && last != '[') put(j, ',');
    put(j, '"'); fm_json_raw(j, key); put(j, '"'); put(j, ':');
}

void fm_json_uint(fm_json_t *j, uint32_t v)
{
    char digits[10];
    int n = 0;
    do { digits[n++] = (char)('0' + v % 10u); v /= 10u; } while (v);
    while (n) put(j, digits[--n]);
}

void fm_json_str(fm_json_t *j, const char *key, const char *value)
{
    if (key) fm_json_key(j, key);
    put(j, '"');
    for (; *value; value++) {
        char c = *value;
        if (c == '"' || c == '\\') { put(j, '\\'); put(j, c); }
        else if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e) put(j, '?');
        else put(j, c);
    }
    put(j, '"');
}

void fm_json_u32(fm_json_t *j, const char *key, uint32_t value) { fm_json_key(j, key); fm_json_uint(j, value); }

void fm_json_fixed(fm_json_t *j, const char *key, float value)
{
    uint32_t whole, frac;
    int i;
    char d[6];
    fm_json_key(j, key);
    if (!(value == value)) { fm_json_raw(j, "null"); return; }
    if (value < 0) { put(j, '-'); value = -value; }
    if (value > 4e9f) value = 4e9f;
    whole = (uint32_t)value;
    frac = (uint32_t)((value - (float)whole) * 1000000.0f + 0.5f);
    if (frac >= 1000000u) { whole++; frac -= 1000000u; }
    fm_json_uint(j, whole);
    put(j, '.');
    for (i = 5; i >= 0; i--) { d[i] = (char)('0' + frac % 10u); frac /= 10u; }
    for (i = 0; i < 6; i++) put(j, d[i]);
}

/* ---- reading flat JSON (commands and the link's desired-state frame): a bounded scan for "key": value ---- */

/* Index just past `"key":` (and spaces), or -1. Keys are matched whole: "version" does not match "modelVersion". */
static int32_t value_at(const char *json, uint32_t len, const char *key)
{
    uint32_t k = fm_strlen(key), i;
    for (i = 0; i + k + 2 < len; i++) {
        if (json[i] != '"' || fm_memcmp(json + i + 1, key, k) != 0 || json[i + 1 + k] != '"') continue;
        i += k + 2;
        while (i < len && (json[i] == ' ' || json[i] == ':')) i++;
        return i < len ? (int32_t)i : -1;
    }
    return -1;
}

int fm_json_has(const char *json, uint32_t len, const char *key) { return value_at(json, len, key) >= 0; }

int fm_json_get_str(const char *json, uint32_t len, const char *key, char *out, uint32_t cap)
{
    int32_t at = value_at(json, len, key);
    uint32_t i, n;
    if (at < 0 || json[at] != '"' || cap == 0) return -1;
    for (n = 0, i = (uint32_t)at + 1; i < len && json[i] != '"'; i++, n++) {
        if (json[i] < 0x20 || json[i] > 0x7e || json[i] == '\\' || n + 1 >= cap) return -1;
        out[n] = json[i];
    }
    if (i >= len) return -1;
    out[n] = 0;
    return (int)n;
}

int fm_json_get_u32(const char *json, uint32_t len, const char *key, uint32_t *out)
{
    int32_t at = value_at(json, len, key);
    uint32_t i, v = 0, digits = 0;
    if (at < 0) return 0;
    for (i = (uint32_t)at; i < len && json[i] >= '0' && json[i] <= '9'; i++, digits++) {
        uint32_t d = (uint32_t)(json[i] - '0');
        if (v > (0xFFFFFFFFu - d) / 10u) return -1; /* overflow */
        v = v * 10u + d;
    }
    if (!digits || (i < len && (json[i] == '.' || json[i] == 'e' || json[i] == 'E' || json[i] == '-'))) return -1;
    *out = v;
    return 1;
}

int fm_json_get_decimal(const char *json, uint32_t len, const char *key, float *out)
{
    int32_t at = value_at(json, len, key);
    uint32_t i, whole = 0, frac = 0, scale = 1, digits = 0;
    if (at < 0) return 0;
    for (i = (uint32_t)at; i < len && json[i] >= '0' && json[i] <= '9'; i++, digits++) {
        if (whole > 100000u) return -1;
        whole = whole * 10u + (uint32_t)(json[i] - '0');
    }
    if (i < len && json[i] == '.') {
        for (i++; i < len && json[i] >= '0' && json[i] <= '9'; i++, digits++)
            if (scale < 1000000u) { frac = frac * 10u + (uint32_t)(json[i] - '0'); scale *= 10u; }
    }
    if (!digits || (i < len && (json[i] == 'e' || json[i] == 'E' || json[i] == '-' || json[i] == '.'))) return -1;
    *out = (float)whole + (float)frac / (float)scale;
    return 1;
}
