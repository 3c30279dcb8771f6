package io.pktsim.core.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Microsoft's "Verifying the RSS Hash Calculation" vectors with the default key 6d5a56da...01fa. */
class ToeplitzTest {

    private final Toeplitz t = Toeplitz.microsoftKey();

    private static byte[] addr(final String text) throws Exception {
        return InetAddress.getByName(text).getAddress();
    }

    private int hashBytes(final byte[] src, final byte[] dst, final int sport, final int dport,
        final boolean ports) {
        final ByteBuffer b = ByteBuffer.allocate(36);
        b.put(src).put(dst);
        if (ports) {
            b.putShort((short) sport).putShort((short) dport);
        }
        return t.hash(b.array(), b.position());
    }

    @ParameterizedTest
    @CsvSource({
        "161.142.100.80, 1766, 66.9.149.187, 2794, 323e8fc2, 51ccc178",
        "65.69.140.83, 4739, 199.92.111.2, 14230, d718262a, c626b0ea",
        "12.22.207.184, 38024, 24.19.198.95, 12898, d2d0a5de, 5c2b394a",
        "209.142.163.6, 2217, 38.27.205.30, 48228, 82989176, afc7327f",
        "202.188.127.2, 1303, 153.39.163.191, 44251, 5d1809c5, 10e828a2",
    })
    void shouldMatchTheIpv4Vectors(final String dst, final int dport, final String src, final int sport,
        final String l3, final String l4) throws Exception {
        final int s = ByteBuffer.wrap(addr(src)).getInt();
        final int d = ByteBuffer.wrap(addr(dst)).getInt();
        assertThat(t.hashIpv4(s, d, sport, dport, false)).isEqualTo(Integer.parseUnsignedInt(l3, 16));
        assertThat(t.hashIpv4(s, d, sport, dport, true)).isEqualTo(Integer.parseUnsignedInt(l4, 16));
        assertThat(hashBytes(addr(src), addr(dst), sport, dport, false)).isEqualTo(Integer.parseUnsignedInt(l3, 16));
        assertThat(hashBytes(addr(src), addr(dst), sport, dport, true)).isEqualTo(Integer.parseUnsignedInt(l4, 16));
    }

    @ParameterizedTest
    @CsvSource({
        "3ffe:2501:200:3::1, 1766, 3ffe:2501:200:1fff::7, 2794, 2cc18cd5, 40207d3d",
        "ff02::1, 4739, 3ffe:501:8::260:97ff:fe40:efab, 14230, 0f0c461c, dde51bbf",
        "fe80::200:f8ff:fe21:67cf, 38024, 3ffe:1900:4545:3:200:f8ff:fe21:67cf, 44251, 4b61e985, 02d1feef",
    })
    void shouldMatchTheIpv6Vectors(final String dst, final int dport, final String src, final int sport,
        final String l3, final String l4) throws Exception {
        final ByteBuffer s = ByteBuffer.wrap(addr(src));
        final ByteBuffer d = ByteBuffer.wrap(addr(dst));
        final long sHi = s.getLong();
        final long sLo = s.getLong();
        final long dHi = d.getLong();
        final long dLo = d.getLong();
        assertThat(t.hashIpv6(sHi, sLo, dHi, dLo, sport, dport, false)).isEqualTo(Integer.parseUnsignedInt(l3, 16));
        assertThat(t.hashIpv6(sHi, sLo, dHi, dLo, sport, dport, true)).isEqualTo(Integer.parseUnsignedInt(l4, 16));
        assertThat(hashBytes(addr(src), addr(dst), sport, dport, true)).isEqualTo(Integer.parseUnsignedInt(l4, 16));
    }
}
