package io.pktsim.stack.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Linux 6.18's handshake timers with the default sysctls. */
class HandshakeTimersTest {

    private static final long S = 1_000_000_000L;

    /** The SYNs a connect into a black hole sends, and when it fails: 1 s five times, then doubling. */
    @Test
    void shouldSendElevenSynsAndFailAt131Seconds() {
        final List<Long> syns = new ArrayList<>();
        long t = 0;
        syns.add(t);
        int retransmissions = 0;
        int timeouts = 0;
        while (true) {
            t += HandshakeTimers.synWaitNs(timeouts);
            if (HandshakeTimers.synExpired(retransmissions)) {
                break;
            }
            syns.add(t);
            retransmissions++;
            timeouts++;
        }
        assertThat(syns).containsExactly(0L, 1 * S, 2 * S, 3 * S, 4 * S, 5 * S, 7 * S, 11 * S, 19 * S, 35 * S, 67 * S);
        assertThat(t).as("the connect fails").isEqualTo(131 * S);
    }

    /** The SYN-ACKs a listener sends when the handshake's last ACK never comes, and when the request expires. */
    @Test
    void shouldSendSixSynAcksAndExpireAt63Seconds() {
        final List<Long> synAcks = new ArrayList<>();
        long t = 0;
        synAcks.add(t);
        int timeouts = 0;
        while (true) {
            t += HandshakeTimers.synAckWaitNs(timeouts);
            if (HandshakeTimers.synAckExpired(timeouts)) {
                break;
            }
            synAcks.add(t);
            timeouts++;
        }
        assertThat(synAcks).containsExactly(0L, 1 * S, 3 * S, 7 * S, 15 * S, 31 * S);
        assertThat(t).isEqualTo(63 * S);
    }

    @Test
    void shouldGiveTheFirstRtoFromTheHandshakeRtt() {
        final long ms = 1_000_000L;
        // rtt + max(2 rtt, 200 ms)
        assertThat(HandshakeTimers.firstRtoNs(20 * ms)).isEqualTo(220 * ms);
        assertThat(HandshakeTimers.firstRtoNs(0)).isEqualTo(200 * ms);
        assertThat(HandshakeTimers.firstRtoNs(150 * ms)).isEqualTo(450 * ms);
        assertThat(HandshakeTimers.firstRtoNs(100 * S)).isEqualTo(120 * S);
        assertThat(HandshakeTimers.backoffNs(220 * ms, 3)).isEqualTo(1760 * ms);
        assertThat(HandshakeTimers.backoffNs(220 * ms, 10)).isEqualTo(120 * S);
        assertThat(HandshakeTimers.backoffNs(S, 200)).isEqualTo(120 * S);
        assertThatThrownBy(() -> HandshakeTimers.backoffNs(S, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HandshakeTimers.firstRtoNs(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
