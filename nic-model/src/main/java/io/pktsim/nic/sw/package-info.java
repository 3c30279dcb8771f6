/**
 * The MediaTek MT7530 gigabit switch inside the MT7621 (drivers/net/dsa/mt7530.c under DSA in Linux 6.18;
 * swconfig in OpenWrt up to 19.07): five front ports and the CPU port 6 on GMAC0, with port-based VLAN
 * membership. OpenWrt's default on a single-GMAC MT7621 router puts LAN1-4 in VLAN 1 and WAN in VLAN 2,
 * both tagged towards the CPU, which sees them as {@code eth0.1} and {@code eth0.2}.
 *
 * <p>Forwarding: each frame is classified into a VLAN (the port's PVID, or its 802.1Q tag on a tagged
 * member), its source MAC is learned, and its destination is looked up in a small address table per VLAN;
 * unknown unicast, broadcast and multicast are flooded to the VLAN's other members. Frames leave tagged on
 * tagged members (the CPU port) and untagged elsewhere, through the 802.1Q header view.
 *
 * <p>Simplifications: switching costs no time and no CPU (the switch is wire-speed hardware); no ageing, no
 * STP, no QoS queues, no MTK special tag (the swconfig-era 802.1Q tagging is modelled, not DSA's tag);
 * flooding returns a port mask and copies are the caller's.
 */
package io.pktsim.nic.sw;
