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
        assertThat(HandshakeTimers.connectFailsAfterNs(HandshakeTimers.SYN_RETRIES)).isEqualTo(t);
    }

    /**
     * With fewer retries {@code retransmits_timed_out()}'s time ends the connect before the count does: 2 retries
     * fail at the expiry at 7 s ({@code tcp_model_timeout(2, 1 s)} = 7 s since the first SYN; the count of 6 would
     * wait for 11 s), 3 at 19 s (15 s passed at that expiry), 1 at 3 s. This kernel shows 7.1 s for 2 retries
     * ({@code HandshakeTimersLiveTest}).
     */
    @Test
    void shouldFailAConnectWithFewerSynRetriesByTheTimeCheck() {
        assertThat(HandshakeTimers.connectFailsAfterNs(2)).isEqualTo(7 * S);
        assertThat(HandshakeTimers.connectFailsAfterNs(3)).isEqualTo(19 * S);
        assertThat(HandshakeTimers.connectFailsAfterNs(1)).isEqualTo(3 * S);
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

    /**
     * {@code tcp_model_timeout()}: 15 retransmissions from 200 ms take 1023 x 0.2 s while below 120 s (nine
     * doublings) and 120 s for each of the six others, 924.6 s; the handshake's six from 1 s, 127 s.
     */
    @Test
    void shouldModelTheKernelsRetransmissionTimeouts() {
        assertThat(HandshakeTimers.modelTimeoutMs(HandshakeTimers.RETRIES2, HandshakeTimers.RTO_MIN_NS))
                .isEqualTo(924_600L);
        assertThat(HandshakeTimers.modelTimeoutMs(HandshakeTimers.SYN_RETRIES, HandshakeTimers.TIMEOUT_INIT_NS))
                .isEqualTo(127_000L);
        assertThat(HandshakeTimers.modelTimeoutMs(3, HandshakeTimers.RTO_MIN_NS)).as("tcp_retries1")
                .isEqualTo(3_000L);
        assertThat(HandshakeTimers.modelTimeoutMs(9, HandshakeTimers.RTO_MIN_NS)).isEqualTo(204_600L);
        assertThat(HandshakeTimers.modelTimeoutMs(10, HandshakeTimers.RTO_MIN_NS)).isEqualTo(324_600L);
        assertThatThrownBy(() -> HandshakeTimers.modelTimeoutMs(-1, HandshakeTimers.RTO_MIN_NS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A sender that hears nothing from 200 ms on: its timeouts expire 0.2, 0.4, ... s apart up to 120 s, and it
     * gives up at the first expiry 924.6 s or more after its first retransmission, on the ms clock: 1044.4 s
     * after it (the expiry before came at 924.4 s).
     */
    @Test
    void shouldGiveUpAtTheFirstTimeoutAfterTheModelledTime() {
        final long ms = 1_000_000L;
        final long first = 1_000 * ms + 200 * ms;
        long t = first;
        int backoff = 1;
        while (!HandshakeTimers.retransmitsTimedOut(first, t)) {
            t += HandshakeTimers.backoffNs(HandshakeTimers.RTO_MIN_NS, backoff++);
        }
        assertThat(t - first).isEqualTo(1_044_400 * ms);
        assertThat(backoff - 1).as("timeouts after the first").isEqualTo(16);
        assertThat(HandshakeTimers.retransmitsTimedOut(first, first + 924_600 * ms)).isTrue();
        assertThat(HandshakeTimers.retransmitsTimedOut(first, first + 924_600 * ms - 1)).isFalse();
        // the ms clock: a stamp late in its ms counts from that ms
        assertThat(HandshakeTimers.retransmitsTimedOut(first + ms - 1, first + 924_600 * ms)).isTrue();
    }

    /**
     * In SYN_SENT the time check (127 s from the first SYN, {@code retrans_stamp}, which {@code tcp_connect()} sets;
     * this kernel gives up 7 s after the first SYN with 2 retries, {@code HandshakeTimersLiveTest}) agrees with the
     * count at the default 6: 131 s.
     */
    @Test
    void shouldFailTheConnectByTimeAtTheSameExpiryAsByCount() {
        final long limitNs = HandshakeTimers.modelTimeoutMs(HandshakeTimers.SYN_RETRIES,
                HandshakeTimers.TIMEOUT_INIT_NS) * 1_000_000L;
        long t = 0;
        int retransmissions = 0;
        while (t < limitNs || t == 0) {
            t += HandshakeTimers.synWaitNs(retransmissions);
            retransmissions++;
        }
        assertThat(t).isEqualTo(131 * S);
        assertThat(HandshakeTimers.synExpired(retransmissions - 1)).as("ten sent again").isTrue();
        assertThat(HandshakeTimers.synExpired(retransmissions - 2)).as("not at the expiry before, 67 s").isFalse();
    }

    /** A sender's give-up after its first retransmission, for other {@code tcp_retries2} (the live test's 3). */
    @Test
    void shouldGiveUpSixSecondsAfterTheFirstRetransmissionWithThreeRetries() {
        assertThat(HandshakeTimers.writeTimeoutAfterNs(3, HandshakeTimers.RTO_MIN_NS)).isEqualTo(6_000 * S / 1000);
        assertThat(HandshakeTimers.writeTimeoutAfterNs(HandshakeTimers.RETRIES2, HandshakeTimers.RTO_MIN_NS))
                .isEqualTo(1_044_400L * 1_000_000L);
    }
}
