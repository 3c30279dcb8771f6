package io.pktsim.stack.endpoint;

/**
 * CUBIC (RFC 9438) as Linux's {@code tcp_cubic.c} (6.18) does it with its defaults: {@code beta} 717/1024,
 * C = 0.4 ({@code bic_scale} 41), {@code fast_convergence} 1, {@code tcp_friendliness} 1; HyStart off
 * (the module parameter {@code hystart=0}). The window follows
 * {@code W(t) = C (t - K)^3 + W_max} with {@code t} the time since the epoch began plus the minimum RTT
 * ({@code bictcp_update}), reached through {@code tcp_cong_avoid_ai} at one segment per {@code cnt} ACKed.
 *
 * <p>Simplifications: the target is computed in double precision from nanoseconds instead of Linux's
 * jiffies and fixed-point cube root, and it is recomputed on every ACK (Linux at most once per jiffy); the
 * idle-restart shift of the epoch ({@code CA_EVENT_TX_START}) and HyStart's ACK-train detector are not
 * modelled.
 */
public final class Cubic implements CongestionControl {

    /** Linux's {@code BICTCP_BETA_SCALE}. */
    public static final int BETA_SCALE = 1024;
    /** Linux's default {@code beta}: the window is multiplied by 717/1024 (about 0.7) on a loss. */
    public static final int BETA = 717;
    /** The cubic constant C, in segments per second cubed (Linux {@code bic_scale} 41 / 102.4). */
    public static final double C = 0.4;

    private static final double NS_PER_S = 1e9;
    /** {@code beta_scale = 8 * (BETA_SCALE + beta) / 3 / (BETA_SCALE - beta)}, Linux's integer arithmetic. */
    private static final int FRIENDLY_BETA_SCALE = 8 * (BETA_SCALE + BETA) / 3 / (BETA_SCALE - BETA);

    private static final int HYSTART_MIN_SAMPLES = 8;
    private static final int HYSTART_LOW_WINDOW = 16;
    private static final long HYSTART_DELAY_MIN_NS = 4_000_000L;
    private static final long HYSTART_DELAY_MAX_NS = 16_000_000L;

    private final boolean fastConvergence;
    private final boolean tcpFriendliness;
    private final boolean hystart;

    private long delayMinNs;
    private boolean found;
    private long endSeq;
    private long currRttNs;
    private int sampleCnt;

    private int lastMaxCwnd;
    private long epochStartNs;
    private boolean epochOn;
    private double kSeconds;
    private int originPoint;
    private int ackCnt;
    private int tcpCwnd;
    private int cnt;

    /** CUBIC with Linux's defaults (fast convergence, TCP friendliness and HyStart on). */
    public Cubic() {
        this(true, true, true);
    }

    /**
     * CUBIC with the switches of tcp_cubic.c.
     *
     * @param fastConvergence {@code fast_convergence}
     * @param tcpFriendliness {@code tcp_friendliness}
     * @param hystart {@code hystart} (delay detection only)
     */
    public Cubic(final boolean fastConvergence, final boolean tcpFriendliness, final boolean hystart) {
        this.fastConvergence = fastConvergence;
        this.tcpFriendliness = tcpFriendliness;
        this.hystart = hystart;
    }

    @Override
    public void reset() {
        lastMaxCwnd = 0;
        epochOn = false;
        epochStartNs = 0;
        kSeconds = 0;
        originPoint = 0;
        ackCnt = 0;
        tcpCwnd = 0;
        cnt = 0;
        delayMinNs = 0;
        found = false;
        endSeq = 0;
        currRttNs = Long.MAX_VALUE;
        sampleCnt = 0;
    }

    @Override
    public void pktsAcked(final TcpWindow w, final long rttNs, final long sndUna, final long sndNxt,
        final long nowNs) {
        if (epochOn && nowNs - epochStartNs < 1_000_000_000L) {
            return;
        }
        final long delay = Math.max(rttNs, 1);
        if (delayMinNs == 0 || delayMinNs > delay) {
            delayMinNs = delay;
        }
        if (!hystart || found || !w.inSlowStart() || w.cwnd < HYSTART_LOW_WINDOW) {
            return;
        }
        if (sndUna > endSeq) {
            // bictcp_hystart_reset: a new round
            endSeq = sndNxt;
            currRttNs = Long.MAX_VALUE;
            sampleCnt = 0;
        }
        if (currRttNs > delay) {
            currRttNs = delay;
        }
        if (sampleCnt < HYSTART_MIN_SAMPLES) {
            sampleCnt++;
        } else if (currRttNs > delayMinNs
            + Math.min(Math.max(delayMinNs >> 3, HYSTART_DELAY_MIN_NS), HYSTART_DELAY_MAX_NS)) {
            found = true;
            w.ssthresh = w.cwnd;
        }
    }

    /** @return whether HyStart ended slow start in this connection (since the last reset) */
    public boolean hystartFound() {
        return found;
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

    @Override
    public void onTimeout() {
        // bictcp_state(TCP_CA_Loss): bictcp_reset and bictcp_hystart_reset; delay_min is kept
        final long keep = delayMinNs;
        reset();
        delayMinNs = keep;
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
