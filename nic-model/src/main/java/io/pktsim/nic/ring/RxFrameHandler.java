package io.pktsim.nic.ring;

/**
 * Receives the frames a NAPI poll takes from an {@link RxRing}: the driver's per-descriptor work in
 * {@code mtk_poll_rx()} (drivers/net/ethernet/mediatek/mtk_eth_soc.c, 6.18) up to {@code napi_gro_receive()}.
 */
@FunctionalInterface
public interface RxFrameHandler {

    /**
     * One received frame.
     *
     * @param packet the packet handle
     * @param arrivalNs the time the frame landed in the ring (DMA done), in nanoseconds
     * @param slot the ring slot (descriptor index) it occupied
     */
    void onFrame(int packet, long arrivalNs, int slot);
}
