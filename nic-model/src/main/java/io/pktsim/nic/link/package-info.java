/**
 * Ethernet links: a full-duplex wire of a given rate in bits/s and propagation delay, each direction a
 * serialisation point busy until the last bit of its frame (and the inter-frame gap after it) has left.
 * Framing follows IEEE 802.3 as Linux 6.18 drivers see it: the frame length a driver hands over
 * ({@code skb->len}) excludes the FCS; on the wire a frame is padded to 60 bytes, gets a 4-byte FCS, an
 * 8-byte preamble and start-of-frame delimiter, and is followed by a 12-byte inter-frame gap, so a 1500-byte
 * frame costs 1538 byte times.
 *
 * <p>Simplifications: no bit errors, no pause frames (802.3x flow control), no autonegotiation; arithmetic
 * is exact in integers (nanoseconds plus a remainder), with no drift over any number of frames.
 */
package io.pktsim.nic.link;
