package io.pktsim.core.flow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Text forms of IPv4 and IPv6 addresses, both ways. Off the hot path: these allocate.
 */
public final class InetText {

    private InetText() {
    }

    /**
     * Formats an IPv4 address.
     *
     * @param addr the address as a big-endian int
     * @return dotted quad
     */
    public static String ipv4(final int addr) {
        return ((addr >>> 24) & 0xFF) + "." + ((addr >>> 16) & 0xFF) + "."
            + ((addr >>> 8) & 0xFF) + "." + (addr & 0xFF);
    }

    /**
     * Formats an IPv6 address in the RFC 5952 short form.
     *
     * @param hi high 64 bits
     * @param lo low 64 bits
     * @return the text form
     */
    public static String ipv6(final long hi, final long lo) {
        final byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        final int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (words[i] == 0) {
                int j = i;
                while (j < 8 && words[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        final StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString();
    }

    /**
     * Parses a literal IPv4 address (no name lookup).
     *
     * @param text dotted quad
     * @return the address as a big-endian int
     * @throws IllegalArgumentException if the text is not an IPv4 literal
     */
    public static int parseIpv4(final String text) {
        final String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int v = 0;
        for (final String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            final int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "' (octet " + octet + " > 255)");
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    /**
     * Parses a literal IPv6 address (no name lookup) into 16 bytes.
     *
     * @param text the address text, without brackets or zone
     * @return the 16 address bytes
     * @throws IllegalArgumentException if the text is not an IPv6 literal
     */
    public static byte[] parseIpv6(final String text) {
        final String t = text.trim();
        if (t.indexOf(':') < 0 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        try {
            final InetAddress a = InetAddress.getByName(t);
            if (a instanceof Inet6Address) {
                return a.getAddress();
            }
            if (a instanceof Inet4Address) {
                // An IPv4-mapped literal (::ffff:a.b.c.d) collapses to IPv4 in Java; rebuild it.
                final byte[] out = new byte[16];
                out[10] = (byte) 0xFF;
                out[11] = (byte) 0xFF;
                System.arraycopy(a.getAddress(), 0, out, 12, 4);
                return out;
            }
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'", e);
        }
        throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
    }

    /**
     * The high 64 bits of a 16-byte address.
     *
     * @param addr 16 bytes
     * @return the big-endian high half
     */
    public static long hi(final byte[] addr) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (addr[i] & 0xFF);
        }
        return v;
    }

    /**
     * The low 64 bits of a 16-byte address.
     *
     * @param addr 16 bytes
     * @return the big-endian low half
     */
    public static long lo(final byte[] addr) {
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = (v << 8) | (addr[i] & 0xFF);
        }
        return v;
    }
}
