/**
 * The packet store: every packet is an {@code int} handle into fixed-size slots of one Agrona
 * {@link org.agrona.concurrent.UnsafeBuffer}, each slot holding the metadata the kernel keeps in a
 * {@code struct sk_buff} (length, gso_size, gso_segs, hash and hash type, ingress device, timestamps, mark,
 * checksum state, flags) and the real header bytes of the frame.
 *
 * <p>Follows {@code struct sk_buff} (include/linux/skbuff.h, Linux 6.18) for the meaning of each field.
 * Simplifications: payload beyond the bytes a slot stores is counted, not stored, and reads as zeros (so
 * checksums and pcap records stay exact for a zero-filled payload); there are no shared or cloned data
 * areas: {@link io.pktsim.core.packet.PacketStore#copy(int)} copies the stored bytes.
 */
package io.pktsim.core.packet;
