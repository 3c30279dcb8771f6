package io.pktsim.stack.driver;

import io.pktsim.nic.irq.IrqHandler;

/**
 * One interrupt line shared by several sources, as the MT7621 frame engine's single IRQ
 * ({@code MTK_SHARED_INT}): {@code mtk_handle_irq()} hands it to the RX and the TX handler, each of which takes
 * it only if its own source is enabled and asserted.
 */
public final class SharedIrq implements IrqHandler {

    private final IrqHandler[] handlers;

    /**
     * @param handlers the handlers, in the order {@code mtk_handle_irq()} calls them (RX, then TX)
     */
    public SharedIrq(final IrqHandler... handlers) {
        this.handlers = handlers.clone();
    }

    @Override
    public void onIrq(final int line, final long nowNs) {
        for (final IrqHandler h : handlers) {
            h.onIrq(line, nowNs);
        }
    }
}
