/* The MCU <-> hub serial link (normative spec: docs/MCU-LINK.md): frames of
 *   0xF1 0xEE | type | seq | length (u16 LE) | payload | CRC-32C (u32 LE) over type..payload
 * and a receiver that resynchronises after garbage by sliding one byte at a time. No allocation. */
#ifndef FM_LINK_H
#define FM_LINK_H
#include "fm_core.h"

#define FM_LINK_M0 0xF1u
#define FM_LINK_M1 0xEEu
#define FM_LINK_MAX_PAYLOAD 1024u
#define FM_LINK_OVERHEAD 10u

enum {
    FM_LINK_HELLO = 0x01,     /* MCU -> hub: device id (ASCII), once after boot */
    FM_LINK_MESSAGE = 0x02,   /* MCU -> hub: topic kind byte (fm_topic_t) + protocol JSON */
    FM_LINK_DESIRED = 0x10,   /* hub -> MCU: desired-state JSON */
    FM_LINK_COMMAND = 0x11,   /* hub -> MCU: command JSON */
    FM_LINK_TIME = 0x12       /* hub -> MCU: u64 LE milliseconds since 1970, sent in answer to every hello */
};

typedef struct { uint8_t type, seq; const uint8_t *payload; uint32_t len; } fm_link_frame_t;
typedef struct { uint8_t buf[FM_LINK_MAX_PAYLOAD + FM_LINK_OVERHEAD]; uint32_t n, dropped; uint8_t complete; } fm_link_rx_t;

/* Writes one frame into out (cap >= len + FM_LINK_OVERHEAD); returns its size, 0 when it does not fit. */
uint32_t fm_link_encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint32_t len, uint8_t *out, uint32_t cap);
void fm_link_rx_init(fm_link_rx_t *rx);
/* Feeds one received byte; returns 1 when a valid frame is complete (valid until the next call). */
int fm_link_feed(fm_link_rx_t *rx, uint8_t byte, fm_link_frame_t *frame);
#endif
