package io.pktsim.stack.netdev;

/**
 * The outcomes of an rx_handler ({@code enum rx_handler_result}, include/linux/netdevice.h, Linux 6.18) as
 * {@code int} return values: a non-negative value is {@code RX_HANDLER_ANOTHER} with the interface index of
 * the device that receives the frame next ({@code skb->dev} changed); the negative constants are the others.
 */
public final class RxHandler {

    /** {@code RX_HANDLER_PASS}: the frame continues on the lower device as if there were no upper device. */
    public static final int PASS = -1;
    /** {@code RX_HANDLER_CONSUMED}: the frame was taken (dropped, counted on a device). */
    public static final int CONSUMED = -2;

    private RxHandler() {
    }
}
