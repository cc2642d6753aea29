#include "fm_link.h"

uint32_t fm_link_encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint32_t len, uint8_t *out, uint32_t cap)
{
    uint32_t crc;
    if (len > FM_LINK_MAX_PAYLOAD || cap < len + FM_LINK_OVERHEAD) return 0;
    out[0] = FM_LINK_M0; out[1] = FM_LINK_M1; out[2] = type; out[3] = seq;
    out[4] = (uint8_t)(len & 0xffu); out[5] = (uint8_t)(len >> 8);
    fm_memcpy(out + 6, payload, len);
    crc = fm_crc32c(0, out + 2, len + 4);
    out[6 + len] = (uint8_t)crc; out[7 + len] = (uint8_t)(crc >> 8); out[8 + len] = (uint8_t)(crc >> 16); out[9 + len] = (uint8_t)(crc >> 24);
    return len + FM_LINK_OVERHEAD;
}

void fm_link_rx_init(fm_link_rx_t *rx) { rx->n = 0; rx->dropped = 0; rx->complete = 0; }

static void slide(fm_link_rx_t *rx)
{
    uint32_t i;
    for (i = 1; i < rx->n; i++) rx->buf[i - 1] = rx->buf[i];
    rx->n--;
    rx->dropped++;
}

int fm_link_feed(fm_link_rx_t *rx, uint8_t byte, fm_link_frame_t *frame)
{
    if (rx->complete) { rx->n = 0; rx->complete = 0; }
    rx->buf[rx->n++] = byte;
    for (;;) {
        uint32_t len, crc;
        if (rx->n >= 1 && rx->buf[0] != FM_LINK_M0) { slide(rx); continue; }
        if (rx->n >= 2 && rx->buf[1] != FM_LINK_M1) { slide(rx); continue; }
        if (rx->n < 6) return 0;
        len = (uint32_t)rx->buf[4] | ((uint32_t)rx->buf[5] << 8);
        if (len > FM_LINK_MAX_PAYLOAD) { slide(rx); continue; }
        if (rx->n < len + FM_LINK_OVERHEAD) return 0;
        crc = (uint32_t)rx->buf[6 + len] | ((uint32_t)rx->buf[7 + len] << 8) | ((uint32_t)rx->buf[8 + len] << 16) | ((uint32_t)rx->buf[9 + len] << 24);
        if (crc != fm_crc32c(0, rx->buf + 2, len + 4)) { slide(rx); continue; } /* a false start: rescan what followed it */
        frame->type = rx->buf[2]; frame->seq = rx->buf[3]; frame->payload = rx->buf + 6; frame->len = len;
        rx->complete = 1;
        return 1;
    }
}

static void ack(const fm_link_frame_t *f, int status, void (*send_frame)(void *, uint8_t, const uint8_t *, uint32_t), void *ctx)
{
    uint8_t p[3];
    p[0] = f->type; p[1] = f->seq; p[2] = (uint8_t)(int8_t)status;
    send_frame(ctx, FM_LINK_ACK, p, 3);
}

void fm_link_dispatch(fm_agent_t *a, const fm_link_frame_t *f,
                      void (*send_frame)(void *ctx, uint8_t type, const uint8_t *payload, uint32_t len), void *ctx)
{
    switch (f->type) {
    case FM_LINK_DESIRED: fm_agent_desired(a, (const char *)f->payload, f->len); break;
    case FM_LINK_COMMAND: fm_agent_command(a, (const char *)f->payload, f->len); break;
    case FM_LINK_SYNC: fm_agent_send_status(a); fm_agent_send_report(a); break;
    case FM_LINK_IMAGE_DATA:
        if (f->len < 4) { ack(f, FM_E_FORMAT, send_frame, ctx); break; }
        ack(f, fm_agent_image_data(a, (uint32_t)f->payload[0] | ((uint32_t)f->payload[1] << 8) | ((uint32_t)f->payload[2] << 16) | ((uint32_t)f->payload[3] << 24),
                                   f->payload + 4, f->len - 4), send_frame, ctx);
        break;
    case FM_LINK_IMAGE_END: ack(f, fm_agent_image_end(a), send_frame, ctx); break;
    default: break;
    }
}
