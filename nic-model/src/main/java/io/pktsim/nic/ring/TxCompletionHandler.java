package io.pktsim.nic.ring;

/**
 * Receives each packet whose descriptor TX completion frees ({@code mtk_poll_tx()} →
 * {@code mtk_tx_unmap()}, drivers/net/ethernet/mediatek/mtk_eth_soc.c, 6.18): typically frees the packet.
 */
@FunctionalInterface
public interface TxCompletionHandler {

    /**
     * One completed descriptor.
     *
     * @param packet the packet handle it carried
     * @param nowNs the completion time, in nanoseconds
     */
    void onCompleted(int packet, long nowNs);
}
