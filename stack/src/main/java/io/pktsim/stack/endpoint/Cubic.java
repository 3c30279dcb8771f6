package io.pktsim.stack.endpoint;

/**
 * CUBIC (RFC 9438) as Linux's {@code tcp_cubic.c} (6.18) does it with its defaults: {@code beta} 717/1024,
 * C = 0.4 ({@code bic_scale} 41), {@code fast_convergence} 1, {@code tcp_friendliness} 1, and HyStart on
 * ({@code hystart=1}) with both detectors ({@code hystart_detect=3}). The window follows
 * {@code W(t) = C (t - K)^3 + W_max} with {@code t} the time since the epoch began plus the minimum RTT
 * ({@code bictcp_update}), reached through {@code tcp_cong_avoid_ai} at one segment per {@code cnt} ACKed.
 *
 * <p>HyStart ({@code hystart_update}) ends slow start by setting ssthresh to cwnd when, in a round (from the
 * ACK that passes the {@code snd_nxt} recorded at the round's start to the next such ACK), either detector
 * fires, from a cwnd of {@code hystart_low_window} (16) on: the ACK train, when ACKs spaced at most
 * {@code hystart_ack_delta_us} (2 ms) apart keep arriving for longer than half of {@code delay_min} plus
 * {@link #hystartAckDelayUs the ACK delay} after the round began; the delay, when the smallest RTT of the
 * round's first eight samples and on exceeds {@code delay_min} by {@code clamp(delay_min / 8, 4 ms, 16 ms)}.
 * Rounds are tracked below the low window too (upstream 25c1a9ca53db, in 6.13 and later). The threshold is
 * halved because the socket is not paced ({@code sk_pacing_status == SK_PACING_NONE}: no fq qdisc, and CUBIC
 * does not ask for pacing as BBR does). Times are Linux's: 32-bit microsecond clocks from {@code tcp_mstamp},
 * RTTs in whole microseconds.
 *
 * <p>Simplifications: the target is computed in double precision from nanoseconds instead of Linux's
 * jiffies and fixed-point cube root, and it is recomputed on every ACK (Linux at most once per jiffy); the
 * idle-restart shift of the epoch ({@code CA_EVENT_TX_START}) is not modelled. HyStart sees the RTT sample
 * the endpoint takes (the oldest newly acknowledged segment) where Linux passes the newest
 * ({@code ca_rtt_us}).
 */
public final class Cubic implements CongestionControl {

    /** Linux's {@code BICTCP_BETA_SCALE}. */
    public static final int BETA_SCALE = 1024;
    /** Linux's default {@code beta}: the window is multiplied by 717/1024 (about 0.7) on a loss. */
    public static final int BETA = 717;
    /** The cubic constant C, in segments per second cubed (Linux {@code bic_scale} 41 / 102.4). */
    public static final double C = 0.4;
    /** Linux's default {@code hystart_detect}: both detectors. */
    public static final int HYSTART_DETECT_DEFAULT = HYSTART_ACK_TRAIN | HYSTART_DELAY;
    /** {@code hystart_low_window}: HyStart watches from this congestion window on, in segments. */
    public static final int HYSTART_LOW_WINDOW = 16;
    /** {@code hystart_ack_delta_us}: the largest gap between two ACKs of one train, in microseconds. */
    public static final int HYSTART_ACK_DELTA_US = 2000;
    /**
     * {@code sk_gso_max_size} of the socket, in bytes: {@code sk_dst_gso_max_size()} (net/core/sock.c, 6.18)
     * gives {@code GSO_LEGACY_MAX_SIZE} (65536, include/linux/netdevice.h) less {@code MAX_TCP_HEADER + 1},
     * taking {@code MAX_TCP_HEADER = L1_CACHE_ALIGN(128 + MAX_HEADER)} (include/net/tcp.h) as 320, its value on
     * x86-64 with a distribution's configuration ({@code MAX_HEADER} 176: {@code LL_MAX_HEADER} 128 plus 48 for
     * tunnels). It only matters when the pacing rate is above 65215 x 4 bytes per millisecond (about 2 Gbit/s,
     * paced at twice the delivery rate in slow start: about 1 Gbit/s of one connection).
     */
    public static final long GSO_MAX_SIZE_BYTES = 65_536 - (320 + 1);

    private static final double NS_PER_S = 1e9;
    private static final long NS_PER_US = 1000;
    private static final long USEC_PER_SEC = 1_000_000L;
    /** {@code USEC_PER_MSEC}: the cap of {@link #hystartAckDelayUs}. */
    private static final long USEC_PER_MSEC = 1000;
    /** {@code beta_scale = 8 * (BETA_SCALE + beta) / 3 / (BETA_SCALE - beta)}, Linux's integer arithmetic. */
    private static final int FRIENDLY_BETA_SCALE = 8 * (BETA_SCALE + BETA) / 3 / (BETA_SCALE - BETA);

    private static final int HYSTART_MIN_SAMPLES = 8;
    /** {@code HYSTART_DELAY_MIN}, in microseconds. */
    private static final int HYSTART_DELAY_MIN_US = 4000;
    /** {@code HYSTART_DELAY_MAX}, in microseconds. */
    private static final int HYSTART_DELAY_MAX_US = 16000;

    private final boolean fastConvergence;
    private final boolean tcpFriendliness;
    private final boolean hystart;
    private final int hystartDetect;

    // struct bictcp's HyStart part; the u32 fields as int, compared as Linux compares them
    /** {@code delay_min}: the smallest RTT seen, in microseconds (0: none yet). */
    private int delayMinUs;
    private boolean found;
    /** {@code end_seq}: the round ends when snd_una passes it (a stream offset here). */
    private long endSeq;
    /** {@code round_start}, a 32-bit microsecond clock. */
    private int roundStartUs;
    /** {@code last_ack}: the last ACK of the current train, a 32-bit microsecond clock. */
    private int lastAckUs;
    /** {@code curr_rtt}: the smallest RTT of the round, in microseconds, unsigned ({@code ~0U} = -1: none). */
    private int currRttUs;
    private int sampleCnt;

    // the MIBs TCPHystartTrainDetect, TCPHystartTrainCwnd, TCPHystartDelayDetect, TCPHystartDelayCwnd
    private long trainDetects;
    private long trainCwndSegments;
    private long delayDetects;
    private long delayCwndSegments;

    private int lastMaxCwnd;
    private long epochStartNs;
    private boolean epochOn;
    private double kSeconds;
    private int originPoint;
    private int ackCnt;
    private int tcpCwnd;
    private int cnt;

    /** CUBIC with Linux's defaults (fast convergence, TCP friendliness and HyStart with both detectors on). */
    public Cubic() {
        this(true, true, true);
    }

    /**
     * CUBIC with the switches of tcp_cubic.c and HyStart's default detectors ({@code hystart_detect=3}).
     *
     * @param fastConvergence {@code fast_convergence}
     * @param tcpFriendliness {@code tcp_friendliness}
     * @param hystart {@code hystart}
     */
    public Cubic(final boolean fastConvergence, final boolean tcpFriendliness, final boolean hystart) {
        this(fastConvergence, tcpFriendliness, hystart, HYSTART_DETECT_DEFAULT);
    }

    /**
     * CUBIC with the switches of tcp_cubic.c.
     *
     * @param fastConvergence {@code fast_convergence}
     * @param tcpFriendliness {@code tcp_friendliness}
     * @param hystart {@code hystart}
     * @param hystartDetect {@code hystart_detect}: {@link #HYSTART_ACK_TRAIN} (1), {@link #HYSTART_DELAY} (2)
     *     or both (3); 0 leaves HyStart watching rounds with no detector
     * @throws IllegalArgumentException if {@code hystartDetect} is not 0 to 3
     */
    public Cubic(final boolean fastConvergence, final boolean tcpFriendliness, final boolean hystart,
        final int hystartDetect) {
        if (hystartDetect < 0 || hystartDetect > HYSTART_DETECT_DEFAULT) {
            throw new IllegalArgumentException("cubic: hystart_detect = " + hystartDetect
                + ", allowed 0 to 3 (1 ACK train, 2 delay, 3 both)");
        }
        this.fastConvergence = fastConvergence;
        this.tcpFriendliness = tcpFriendliness;
        this.hystart = hystart;
        this.hystartDetect = hystartDetect;
        reset();
    }

    /**
     * {@code cubictcp_init}: {@code bictcp_reset}, then {@code bictcp_hystart_reset} (with the clocks at 0 and
     * {@code end_seq} 0: the first ACK of data passes it and starts a round, as the {@code snd_nxt} of the
     * established connection would be passed). The HyStart counters start again too (a new connection).
     */
    @Override
    public void reset() {
        bictcpReset();
        hystartReset(0, 0);
        trainDetects = 0;
        trainCwndSegments = 0;
        delayDetects = 0;
        delayCwndSegments = 0;
    }

    /** {@code bictcp_reset}: clears everything up to {@code unused} in {@code struct bictcp}, and found. */
    private void bictcpReset() {
        cnt = 0;
        lastMaxCwnd = 0;
        kSeconds = 0;
        originPoint = 0;
        delayMinUs = 0;
        epochOn = false;
        epochStartNs = 0;
        ackCnt = 0;
        tcpCwnd = 0;
        found = false;
    }

    /** {@code bictcp_hystart_reset}: a new round starts now and ends once snd_una passes snd_nxt. */
    private void hystartReset(final long sndNxt, final int nowUs) {
        roundStartUs = nowUs;
        lastAckUs = nowUs;
        endSeq = sndNxt;
        currRttUs = -1;
        sampleCnt = 0;
    }

    /**
     * {@code cubictcp_acked}: keeps {@code delay_min} and runs {@code hystart_update} in slow start (samples
     * within a second of the epoch's start are dropped, as after fast recovery).
     */
    @Override
    public int pktsAcked(final TcpWindow w, final long rttNs, final long sndUna, final long sndNxt,
        final long nowNs) {
        if (epochOn && nowNs - epochStartNs < 1_000_000_000L) {
            return 0;
        }
        // rtt_us: the difference of the two microsecond stamps (tcp_stamp_us_delta), at least 1
        final long nowUs = Math.floorDiv(nowNs, NS_PER_US);
        final int delayUs = (int) Math.max(nowUs - Math.floorDiv(nowNs - rttNs, NS_PER_US), 1);
        if (delayMinUs == 0 || delayMinUs > delayUs) {
            delayMinUs = delayUs;
        }
        if (found || !w.inSlowStart() || !hystart) {
            return 0;
        }
        return hystartUpdate(w, delayUs, sndUna, sndNxt, (int) nowUs);
    }

    /** {@code hystart_update}: returns the detectors that fired. */
    private int hystartUpdate(final TcpWindow w, final int delayUs, final long sndUna, final long sndNxt,
        final int nowUs) {
        if (sndUna > endSeq) {
            hystartReset(sndNxt, nowUs);
        }
        if (w.cwnd < HYSTART_LOW_WINDOW) {
            return 0;
        }
        int fired = 0;
        if ((hystartDetect & HYSTART_ACK_TRAIN) != 0 && nowUs - lastAckUs <= HYSTART_ACK_DELTA_US) {
            lastAckUs = nowUs;
            final int thresholdUs = (delayMinUs + (int) hystartAckDelayUs(w.pacingRateBytesPerSec)) >>> 1;
            // (s32)(now - round_start) > threshold: C compares it as unsigned against the u32 threshold
            if (Integer.compareUnsigned(nowUs - roundStartUs, thresholdUs) > 0) {
                fired = exitSlowStart(w, HYSTART_ACK_TRAIN);
            }
        }
        if ((hystartDetect & HYSTART_DELAY) != 0) {
            if (Integer.compareUnsigned(currRttUs, delayUs) > 0) {
                currRttUs = delayUs;
            }
            if (sampleCnt < HYSTART_MIN_SAMPLES) {
                sampleCnt++;
            } else if (Integer.compareUnsigned(currRttUs, delayMinUs
                + Math.min(Math.max(delayMinUs >>> 3, HYSTART_DELAY_MIN_US), HYSTART_DELAY_MAX_US)) > 0) {
                fired |= exitSlowStart(w, HYSTART_DELAY);
            }
        }
        return fired;
    }

    /**
     * A detector fired: {@code found = 1}, {@code snd_ssthresh = cwnd}, and its MIBs ({@code TCPHystart*Detect}
     * plus one, {@code TCPHystart*Cwnd} plus cwnd). Both may fire on one ACK, as in Linux.
     */
    private int exitSlowStart(final TcpWindow w, final int detector) {
        found = true;
        if (detector == HYSTART_ACK_TRAIN) {
            trainDetects++;
            trainCwndSegments += w.cwnd;
        } else {
            delayDetects++;
            delayCwndSegments += w.cwnd;
        }
        w.ssthresh = w.cwnd;
        return detector;
    }

    /**
     * {@code hystart_ack_delay} (net/ipv4/tcp_cubic.c, 6.18): the cushion added to {@code delay_min} for
     * TSO/GRO aggregation, the time four GSO packets of {@link #GSO_MAX_SIZE_BYTES} take at the pacing rate,
     * at most 1 ms; 0 without a rate.
     *
     * @param pacingRateBytesPerSec {@code sk_pacing_rate}, in bytes per second
     *     ({@link TcpWindow#UNLIMITED_PACING_RATE} gives 0)
     * @return the ACK delay, in microseconds (0 to 1000)
     */
    public static long hystartAckDelayUs(final long pacingRateBytesPerSec) {
        if (pacingRateBytesPerSec <= 0) {
            return 0;
        }
        return Math.min(USEC_PER_MSEC, GSO_MAX_SIZE_BYTES * 4 * USEC_PER_SEC / pacingRateBytesPerSec);
    }

    /** @return whether HyStart ended slow start in this connection (since the last reset or timeout) */
    public boolean hystartFound() {
        return found;
    }

    /** @return {@code hystart_detect}: {@link #HYSTART_ACK_TRAIN}, {@link #HYSTART_DELAY} or both */
    public int hystartDetect() {
        return hystartDetect;
    }

    /** @return {@code delay_min}, in microseconds (0 before a sample) */
    public int delayMinUs() {
        return delayMinUs;
    }

    /** @return ACK-train detections since the last {@link #reset} (Linux's MIB {@code TCPHystartTrainDetect}) */
    public long hystartTrainDetects() {
        return trainDetects;
    }

    /** @return the sum of cwnd at ACK-train detections, in segments ({@code TCPHystartTrainCwnd}) */
    public long hystartTrainCwndSegments() {
        return trainCwndSegments;
    }

    /** @return delay detections since the last {@link #reset} (Linux's MIB {@code TCPHystartDelayDetect}) */
    public long hystartDelayDetects() {
        return delayDetects;
    }

    /** @return the sum of cwnd at delay detections, in segments ({@code TCPHystartDelayCwnd}) */
    public long hystartDelayCwndSegments() {
        return delayCwndSegments;
    }

    @Override
    public void congAvoid(final TcpWindow w, final int acked, final long nowNs, final long minRttNs) {
        int left = acked;
        if (w.inSlowStart()) {
            left = w.slowStart(acked);
            if (left == 0) {
                return;
            }
        }
        update(w.cwnd, left, nowNs, minRttNs);
        w.congAvoidAi(cnt, left);
    }

    /** {@code bictcp_update}: sets {@link #cnt}. */
    private void update(final int cwnd, final int acked, final long nowNs, final long minRttNs) {
        ackCnt += acked;
        if (!epochOn) {
            epochOn = true;
            epochStartNs = nowNs;
            ackCnt = acked;
            tcpCwnd = cwnd;
            if (lastMaxCwnd <= cwnd) {
                kSeconds = 0;
                originPoint = cwnd;
            } else {
                kSeconds = Math.cbrt((lastMaxCwnd - cwnd) / C);
                originPoint = lastMaxCwnd;
            }
        }
        final double t = (nowNs - epochStartNs + minRttNs) / NS_PER_S;
        final double offs = t - kSeconds;
        final long target = (long) Math.floor(originPoint + C * offs * offs * offs);
        if (target > cwnd) {
            cnt = (int) (cwnd / (target - cwnd));
        } else {
            cnt = 100 * cwnd;
        }
        if (lastMaxCwnd == 0 && cnt > 20) {
            cnt = 20;
        }
        if (tcpFriendliness) {
            final int delta = (cwnd * FRIENDLY_BETA_SCALE) >> 3;
            if (delta > 0) {
                while (ackCnt > delta) {
                    ackCnt -= delta;
                    tcpCwnd++;
                }
            }
            if (tcpCwnd > cwnd) {
                final int maxCnt = cwnd / (tcpCwnd - cwnd);
                if (cnt > maxCnt) {
                    cnt = maxCnt;
                }
            }
        }
        cnt = Math.max(cnt, 2);
    }

    @Override
    public int ssthresh(final int cwnd) {
        epochOn = false;
        if (cwnd < lastMaxCwnd && fastConvergence) {
            lastMaxCwnd = (cwnd * (BETA_SCALE + BETA)) / (2 * BETA_SCALE);
        } else {
            lastMaxCwnd = cwnd;
        }
        return Math.max((cwnd * BETA) / BETA_SCALE, 2);
    }

    /**
     * {@code cubictcp_state(TCP_CA_Loss)}: {@code bictcp_reset} (W_max, the epoch and {@code delay_min} are
     * forgotten, found is cleared) and {@code bictcp_hystart_reset} (a round from now to snd_nxt).
     */
    @Override
    public void onTimeout(final long sndNxt, final long nowNs) {
        bictcpReset();
        hystartReset(sndNxt, (int) Math.floorDiv(nowNs, NS_PER_US));
    }

    @Override
    public String name() {
        return "cubic";
    }

    /** @return {@code last_max_cwnd}: W_max, in segments */
    public int lastMaxCwnd() {
        return lastMaxCwnd;
    }

    /** @return K of the current epoch, in seconds (0 when no epoch runs) */
    public double kSeconds() {
        return kSeconds;
    }

    /** @return the origin point of the current epoch, in segments */
    public int originPoint() {
        return originPoint;
    }

    /** @return the time the current epoch began, in nanoseconds */
    public long epochStartNs() {
        return epochStartNs;
    }

    /**
     * Sets W_max, as after a loss at that window (for tests and warm starts).
     *
     * @param segments W_max, in segments
     */
    public void lastMaxCwnd(final int segments) {
        lastMaxCwnd = segments;
        epochOn = false;
    }
}
