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
    FM_LINK_ACK = 0x03,       /* MCU -> hub: u8 type, u8 seq, i8 status (0 or FM_E_*) of an IMAGE_DATA / IMAGE_END frame */
    FM_LINK_DESIRED = 0x10,   /* hub -> MCU: the link's flat desired-state JSON */
    FM_LINK_COMMAND = 0x11,   /* hub -> MCU: command JSON */
    FM_LINK_TIME = 0x12,      /* hub -> MCU: u64 LE milliseconds since 1970, sent in answer to every hello */
    FM_LINK_IMAGE_DATA = 0x13,/* hub -> MCU: u32 LE offset + image bytes (acknowledged) */
    FM_LINK_IMAGE_END = 0x14, /* hub -> MCU: the image is complete: verify and install (acknowledged) */
    FM_LINK_SYNC = 0x15       /* hub -> MCU: say HELLO (the port), then status and report (the hub (re)attached or (re)connected) */
};

typedef struct { uint8_t type, seq; const uint8_t *payload; uint32_t len; } fm_link_frame_t;
typedef struct { uint8_t buf[FM_LINK_MAX_PAYLOAD + FM_LINK_OVERHEAD]; uint32_t n, dropped; uint8_t complete; } fm_link_rx_t;

/* Writes one frame into out (cap >= len + FM_LINK_OVERHEAD); returns its size, 0 when it does not fit. */
uint32_t fm_link_encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint32_t len, uint8_t *out, uint32_t cap);
void fm_link_rx_init(fm_link_rx_t *rx);
/* Feeds one received byte; returns 1 when a valid frame is complete (valid until the next call). */
int fm_link_feed(fm_link_rx_t *rx, uint8_t byte, fm_link_frame_t *frame);
/* Handles one hub -> MCU frame for the agent: DESIRED, COMMAND, IMAGE_DATA, IMAGE_END (answered with ACK through
 * send_frame) and SYNC. Other types are ignored. */
void fm_link_dispatch(fm_agent_t *a, const fm_link_frame_t *f,
                      void (*send_frame)(void *ctx, uint8_t type, const uint8_t *payload, uint32_t len), void *ctx);
#endif
