/**
 * Header views: flyweights over the real header bytes of a packet, in network byte order, in the manner
 * of Aeron's {@code HeaderFlyweight}: a bit diagram, offset constants and accessors. Wrapping a view and
 * reading or writing a field allocates nothing; {@code describe(StringBuilder)} renders a header in text
 * for traces and students (it allocates, off the hot path). Wrapping checks the fixed header's whole range
 * against the buffer once ({@link io.pktsim.core.header.FrameBytes#address}, Agrona's own bounds check, the
 * same {@code IndexOutOfBoundsException}); the fixed fields are then read and written without a check each.
 * Options and extension headers, whose length the header gives, keep Agrona's checked accessors.
 *
 * <p>Formats: Ethernet II (IEEE 802.3), 802.1Q, PPPoE session (RFC 2516) with the PPP protocol field
 * (RFC 1661), IPv4 (RFC 791) with options and checksum, IPv6 (RFC 8200) with extension headers, TCP
 * (RFC 9293) with options, UDP (RFC 768); checksums as RFC 1071 and RFC 1624, as the kernel's
 * {@code csum_partial()}/{@code csum_fold()} compute them (lib/checksum.c, Linux 6.18).
 */
package io.pktsim.core.header;
