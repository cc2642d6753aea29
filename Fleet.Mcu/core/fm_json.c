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
