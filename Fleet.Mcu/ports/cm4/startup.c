/* Cortex-M4 start-up: vector table, .data copy, .bss clear, FPU on, main. */
#include <stdint.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
int main(void);
void fm_reset(void);
void fm_fault(void);
void fm_semihost_exit(int code);

#define V(f) ((uintptr_t)(f))
__attribute__((section(".vectors"), used)) static const uintptr_t vectors[16] = {
    V(&__stack_top), V(fm_reset), V(fm_fault), V(fm_fault), V(fm_fault), V(fm_fault), V(fm_fault), 0, 0, 0, 0,
    V(fm_fault), V(fm_fault), 0, V(fm_fault), V(fm_fault),
};

void fm_fault(void) { fm_semihost_exit(3); for (;;) {} }

void fm_reset(void)
{
    uint32_t *src = &__data_load, *dst = &__data_start;
    while (dst < &__data_end) *dst++ = *src++;
    for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10, CP11 full access (the FPU) */
    __asm__ volatile("dsb\n isb");
    fm_semihost_exit(main());
    for (;;) {}
}
