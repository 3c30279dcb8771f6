package io.pktsim.nic.irq;

/**
 * The hard-IRQ handler of an {@link InterruptLine}: the stack's {@code mtk_handle_irq()} equivalent, which
 * masks the RX source and schedules NAPI ({@code napi_schedule()}, net/core/dev.c, 6.18).
 */
@FunctionalInterface
public interface IrqHandler {

    /**
     * The line fired.
     *
     * @param line the line's id
     * @param nowNs the time, in nanoseconds
     */
    void onIrq(int line, long nowNs);
}
