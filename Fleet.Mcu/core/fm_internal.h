/* Shared between the core's files (not part of the port API). */
#ifndef FM_INTERNAL_H
#define FM_INTERNAL_H
#include "fm_core.h"

void fm_i_header(fm_agent_t *a, fm_json_t *j);                  /* {"v":1,"seq":next,"epoch":e */
void fm_i_send(fm_agent_t *a, fm_json_t *j, fm_topic_t topic);  /* closes the object and hands it to the port */
int fm_i_load(fm_agent_t *a, const fm_image_t *img, fm_source_t source); /* parameters to SRAM, the running model */
void fm_i_store(fm_agent_t *a);                                 /* the persist record (reserves the next seq block) */
#endif
