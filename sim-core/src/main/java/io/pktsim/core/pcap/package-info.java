/**
 * pcap files: a writer of nanosecond pcap ({@link io.pktsim.core.pcap.PcapWriter}) and a reader of
 * microsecond and nanosecond pcap in either byte order ({@link io.pktsim.core.pcap.PcapReader}), for link
 * types Ethernet (1) and raw IP (101), and {@link io.pktsim.core.pcap.PcapReorderBuffer}, which writes records
 * produced ahead of a watermark to their files in time order.
 *
 * <p>Follows the pcap file format as libpcap writes and reads it ({@code sf-pcap.c}, libpcap 1.10) and as
 * draft-ietf-opsawg-pcap describes it: a 24-byte file header (magic {@code 0xa1b2c3d4} for microsecond or
 * {@code 0xa1b23c4d} for nanosecond timestamps, version 2.4, snapshot length, link type) followed by
 * records of a 16-byte header (seconds, fraction, captured length, original length) and the captured bytes.
 * What the model writes is what the simulated wire carried: the real header bytes of each packet, then
 * zeros for the payload the packet store counts but does not hold, up to the snapshot length, so that
 * Wireshark and tshark decode exactly what the model saw. This models no kernel mechanism; it is the
 * simulator's equivalent of a {@code tcpdump -w} tap ({@code AF_PACKET}, net/packet/af_packet.c, Linux 6.18).
 *
 * <p>Simplifications: pcapng is not read or written; the writer always writes little-endian files (so a
 * run's outputs are byte-identical on every machine); link-type FCS bits are ignored when reading.
 */
package io.pktsim.core.pcap;
