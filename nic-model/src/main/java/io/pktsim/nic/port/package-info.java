/**
 * A NIC port as the MediaTek frame engine driver mtk_eth_soc presents it (drivers/net/ethernet/mediatek/
 * mtk_eth_soc.c, Linux 6.18), generalised to N RX queues: a frame fully arrived from the link is hashed
 * (RSS), assigned a queue, written by DMA into the queue's RX ring or dropped when the ring is full, and
 * signalled by the queue's coalesced interrupt on its own line or on the one shared line
 * ({@code MTK_SHARED_INT}). The stack's NAPI polls an {@link io.pktsim.nic.port.RxQueue} with a budget,
 * masks its interrupt source while it runs ({@code mtk_rx_irq_disable()}) and unmasks it at the end
 * ({@code mtk_rx_irq_enable()}). Transmit goes through the TX ring and the link; TX completion frees the
 * descriptors when the frame has left. Counters follow ethtool -S and {@code ndo_get_stats64}.
 *
 * <p>Simplifications: DMA takes a fixed time plus a time per byte and keeps frames in order per queue; the RX
 * checksum offload marks an IP frame {@code CHECKSUM_UNNECESSARY} unless the frame is flagged corrupt;
 * ring-full drops count as {@code rx_fifo_errors} (the GDM FIFO overflow the mtk MIB reports when the PDMA
 * has no descriptor); RX buffer refill never fails; the TX completion interrupt is not coalesced.
 */
package io.pktsim.nic.port;
