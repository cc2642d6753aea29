/* Commands from the gateway (docs/PROTOCOL.md#commands), as the hub forwards them over the link: a bounded scan
 * for "id" and "name" (the MCU needs no JSON parser for these), answered on cmd-result. */
#include "fm_core.h"

static int same(const char *a, const char *b) { return fm_strlen(a) == fm_strlen(b) && fm_memcmp(a, b, fm_strlen(a)) == 0; }

int fm_agent_command(fm_agent_t *a, const char *json, uint32_t len)
{
    char id[48], name[32], fault[32];
    const char *error = 0;
    char result[96];
    fm_json_t r;
    fm_json_init(&r, result, sizeof result);
    fm_json_raw(&r, "{");
    if (fm_json_get_str(json, len, "id", id, sizeof id) <= 0) return -1; /* unanswerable: no id */
    if (fm_json_get_str(json, len, "name", name, sizeof name) <= 0) error = "command without a name";
    else if (same(name, "reportNow")) fm_agent_send_report(a);
    else if (same(name, "validate")) {
        int pass = fm_agent_validate(a);
        fm_json_str(&r, "verdict", pass ? "pass" : "fail");
        fm_json_u32(&r, "cases", a->running->golden_count);
    } else if (same(name, "injectFault")) {
        if (fm_json_get_str(json, len, "fault", fault, sizeof fault) <= 0 || !(same(fault, "bitflip") || fm_memcmp(fault, "bitflip:", 8) == 0))
            error = "this MCU injects only bitflip faults";
        else {
            uint32_t x = a->inferences * 2654435761u + a->seq, byte = x % a->running->params_size, bit = (x >> 27) & 7u;
            a->active[byte] ^= (uint8_t)(1u << bit);
            fm_json_u32(&r, "byte", byte);
            fm_json_u32(&r, "bit", bit);
        }
    } else error = "unknown command";
    fm_json_raw(&r, "}");
    result[r.len] = 0; /* the writer always leaves room for the terminator */
    fm_agent_send_cmd_result(a, id, error == 0, error ? "{}" : result, error);
    return error ? 0 : 1;
}
