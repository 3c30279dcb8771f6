/**
 * Interrupts of a NIC, Linux 6.18: interrupt lines with mask and unmask (an assert while masked is latched
 * and delivered on unmask, as a level-triggered line with its status bit set), the stack's hard-IRQ handler
 * interface, RX interrupt coalescing with ethtool -C semantics ({@code rx-usecs}, {@code rx-frames},
 * include/uapi/linux/ethtool.h struct ethtool_coalesce) including the MediaTek PDMA delay-interrupt time
 * unit of 20 us ({@code MTK_PDMA_DELAY_RX_PINT}/{@code _PTIME}, drivers/net/ethernet/mediatek/mtk_eth_soc.h),
 * and adaptive moderation after {@code net_dim()} (lib/dim/net_dim.c, lib/dim/dim.c).
 *
 * <p>Simplifications: the coalescing counter counts completions since the last interrupt and is not reset by
 * a poll; a new DIM profile is applied at once (the kernel applies it from a work item a little later);
 * interrupt delivery latency (APIC/GIC) is zero: the CPU model charges the hard-IRQ cost.
 */
package io.pktsim.nic.irq;
