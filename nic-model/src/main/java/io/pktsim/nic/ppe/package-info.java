/**
 * The MediaTek Packet Processing Engine (PPE, "HWNAT") of the MT7621 frame engine, after
 * drivers/net/ethernet/mediatek/mtk_ppe.c, mtk_ppe.h and mtk_ppe_offload.c of Linux 6.18 (and, as an option,
 * the 4K table of OpenWrt 19.07's 4.14 driver): the hardware flow table, learning, the bind rate and the
 * driver's per-hash bind check, ageing, and what the driver refuses to offload.
 *
 * <p>This package knows nothing of the stack: the flowtable integration passes tuples and the facts of the
 * forward path (NAT, VLAN pushes, whether the egress is a frame-engine port). Simplifications are listed on
 * {@link io.pktsim.nic.ppe.PpeFlowTable}.
 */
package io.pktsim.nic.ppe;
