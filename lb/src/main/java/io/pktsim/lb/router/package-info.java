/**
 * The whole-router simulation of a PPPoE multi-dial home router (Linux 6.18 / OpenWrt): a LAN port behind the MT7530
 * switch on {@code eth0.1}, WAN lines as VLANs {@code eth0.N} with one macvlan and one PPPoE session device per dial
 * (or, with the switch under DSA, the user ports {@code lan1}, {@code wan}, {@code lan2}.. of the conduit eth0, a K2P's
 * {@code wan} on its own GMAC), the ISP access server's per-dial shaping and servers at an RTT; the NIC's rings,
 * interrupt coalescing and NAPI on the profile's CPUs; GRO; IP forwarding with the CPU cost of every stage from the
 * profile's cost table; the dial choice through {@code lb} (ECMP over the packet's real flow fields, mwan3's
 * per-connection choice, or per-packet round robin); software flow offload and the PPE; and the TCP/UDP workload
 * endpoints.
 *
 * <p>{@link io.pktsim.lb.router.RouterConfig} is the input contract, {@link io.pktsim.lb.router.RouterResults} the
 * output contract (plain data, deterministic order; the CLI renders it as JSON), and
 * {@link io.pktsim.lb.router.RouterSimulation} runs one configuration.
 *
 * <p>Simplifications: see {@link io.pktsim.lb.router.RouterSimulation}.
 */
package io.pktsim.lb.router;
