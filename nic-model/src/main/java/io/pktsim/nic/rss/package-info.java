/**
 * Receive-side scaling, Linux 6.18: the Toeplitz hash of a NIC over the flow's addresses and ports with a
 * 40-byte key ({@code netdev_rss_key_fill()} gives a random key per boot; the Microsoft verification key is
 * the default here so results are reproducible), the indirection table from hash to RX queue with the
 * kernel's default spread ({@code ethtool_rxfh_indir_default()}, include/linux/ethtool.h: entry i -> i mod
 * queues), and the hash stored in the packet with its type ({@code skb_set_hash()}, L4 when the ports were
 * hashed) for GRO buckets, RPS and ECMP.
 *
 * <p>Simplifications: the hashed fields follow Microsoft's RSS rules (TCP 4-tuple; UDP 4-tuple only when
 * enabled, as {@code ethtool -N rx-flow-hash udp4 sdfn}; 2-tuple otherwise; non-IP frames are not hashed and
 * go to queue 0); the outer header is hashed for tunnels; IPv6 extension headers are walked by the flow
 * extractor.
 */
package io.pktsim.nic.rss;
