/**
 * NIC descriptor rings, after the MediaTek frame engine's PDMA/QDMA rings in mtk_eth_soc
 * (drivers/net/ethernet/mediatek/mtk_eth_soc.c, Linux 6.18). The RX ring is an LMAX Disruptor
 * {@code RingBuffer} of preallocated descriptors that the NIC (producer) fills and the NAPI poll (consumer)
 * drains through an {@code EventPoller} stopped at the budget; the poller's sequence gates the ring, and a
 * frame that finds no free descriptor is refused (the NIC drops it and counts it) rather than waiting. The TX
 * ring stops the queue below a threshold of free descriptors ({@code netif_tx_stop_queue()} in
 * {@code mtk_start_xmit()}) and wakes it when TX completion has freed enough ({@code mtk_wake_queue()} in
 * {@code mtk_poll_tx()}).
 *
 * <p>Simplifications: one frame per descriptor (no scatter-gather, no multi-descriptor TSO); refill is
 * immediate (a polled descriptor is free again at once: buffer allocation failures are not modelled here);
 * the TX ring is a plain array ring, because nothing consumes it across threads or by poll and the Disruptor
 * would add a sequence barrier for no benefit.
 */
package io.pktsim.nic.ring;
