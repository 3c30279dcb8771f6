package io.pktsim.core.random;

import java.nio.charset.StandardCharsets;

import io.pktsim.core.hash.SipHash;

/**
 * One named stream of pseudo-random numbers: a xoshiro256** generator (Blackman and Vigna, 2018; period
 * 2<sup>256</sup>-1, passes BigCrush) whose initial state is derived from (seed, run number, name).
 *
 * <p>The same (seed, run, name) always gives the same sequence, on every machine and JVM; a different name
 * or run gives a statistically independent one. Every draw is a few arithmetic operations on four
 * {@code long} fields: nothing allocates. A stream belongs to one simulation thread.
 *
 * <p>Obtain streams from {@link RandomStreams#stream(String)} so that a name is used once per simulation;
 * {@link #derive(long, long, String)} makes one directly (tests, tools).
 */
public final class RandomStream {

    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final String name;
    private final long seed;
    private final long run;
    private final long init0;
    private final long init1;
    private final long init2;
    private final long init3;
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    RandomStream(final String name, final long seed, final long run, final long state0, final long state1,
        final long state2, final long state3) {
        if ((state0 | state1 | state2 | state3) == 0) {
            throw new IllegalArgumentException("RandomStream '" + name + "': the all-zero state is not allowed");
        }
        this.name = name;
        this.seed = seed;
        this.run = run;
        this.init0 = state0;
        this.init1 = state1;
        this.init2 = state2;
        this.init3 = state3;
        reset();
    }

    /**
     * Derives a stream from (seed, run, name): SipHash-2-4 keyed with (seed, run) over the name's UTF-8
     * bytes followed by a domain byte (1, then 2) gives two 64-bit values; each seeds SplitMix64, whose
     * first two outputs make two of the four state words.
     *
     * @param seed the scenario's seed
     * @param run the run (replication) number
     * @param name the stream's name, unique within the simulation
     * @return a new stream at the start of its sequence
     */
    public static RandomStream derive(final long seed, final long run, final String name) {
        final byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        final byte[] msg = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, msg, 0, utf8.length);
        msg[utf8.length] = 1;
        final long h1 = SipHash.hash(seed, run, msg, 0, msg.length);
        msg[utf8.length] = 2;
        final long h2 = SipHash.hash(seed, run, msg, 0, msg.length);
        final long a = h1 + GOLDEN_GAMMA;
        final long b = a + GOLDEN_GAMMA;
        final long c = h2 + GOLDEN_GAMMA;
        final long d = c + GOLDEN_GAMMA;
        long s0 = splitMix64(a);
        final long s1 = splitMix64(b);
        final long s2 = splitMix64(c);
        final long s3 = splitMix64(d);
        if ((s0 | s1 | s2 | s3) == 0) {
            s0 = GOLDEN_GAMMA;
        }
        return new RandomStream(name, seed, run, s0, s1, s2, s3);
    }

    /**
     * The SplitMix64 output function (Steele, Lea and Flood, 2014): a bijective 64-bit mixer.
     *
     * @param z the value to mix
     * @return the mixed value
     */
    static long splitMix64(final long z) {
        long x = z;
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    /** @return the stream's name */
    public String name() {
        return name;
    }

    /** @return the seed the stream was derived from */
    public long seed() {
        return seed;
    }

    /** @return the run number the stream was derived from */
    public long run() {
        return run;
    }

    /** Goes back to the start of the sequence. */
    public void reset() {
        s0 = init0;
        s1 = init1;
        s2 = init2;
        s3 = init3;
    }

    /**
     * The next 64 uniformly distributed bits (xoshiro256** {@code next()}).
     *
     * @return a value uniform over all longs
     */
    public long nextLong() {
        final long result = Long.rotateLeft(s1 * 5, 7) * 9;
        final long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /**
     * The next 32 uniformly distributed bits (the high half of {@link #nextLong()}, the better half).
     *
     * @return a value uniform over all ints
     */
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /**
     * A uniform int in [0, bound), without modulo bias (Lemire's multiply-and-reject, 2019).
     *
     * @param bound the exclusive upper bound, at least 1
     * @return a value in [0, bound)
     * @throws IllegalArgumentException if bound is not positive (a broken invariant of the caller)
     */
    public int nextInt(final int bound) {
        if (bound <= 0) {
            throw badBound(bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFF_FFFFL;
        if (low < bound) {
            final long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFF_FFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /**
     * A uniform long in [0, bound), without modulo bias (Lemire's method on the 128-bit product).
     *
     * @param bound the exclusive upper bound, at least 1
     * @return a value in [0, bound)
     * @throws IllegalArgumentException if bound is not positive
     */
    public long nextLong(final long bound) {
        if (bound <= 0) {
            throw badBound(bound);
        }
        long x = nextLong();
        long low = x * bound;
        if (Long.compareUnsigned(low, bound) < 0) {
            final long threshold = Long.remainderUnsigned(-bound, bound);
            while (Long.compareUnsigned(low, threshold) < 0) {
                x = nextLong();
                low = x * bound;
            }
        }
        return Math.multiplyHigh(x, bound) + ((x >> 63) & bound);
    }

    /**
     * A uniform long in [origin, bound).
     *
     * @param origin the inclusive lower bound
     * @param bound the exclusive upper bound, greater than origin (the difference must fit a long)
     * @return a value in [origin, bound)
     */
    public long nextLong(final long origin, final long bound) {
        return origin + nextLong(bound - origin);
    }

    /**
     * A uniform double in [0, 1) with 53 random bits.
     *
     * @return a value in [0, 1)
     */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /**
     * A Bernoulli trial.
     *
     * @param probability the chance of true, in [0, 1]
     * @return true with the given probability
     */
    public boolean nextBoolean(final double probability) {
        return nextDouble() < probability;
    }

    /**
     * An exponentially distributed value (inversion: {@code -mean * ln(1 - u)}).
     *
     * @param mean the mean (1/rate), in the caller's unit
     * @return a value in [0, +inf)
     */
    public double nextExponential(final double mean) {
        return -mean * Math.log(1.0 - nextDouble());
    }

    /**
     * An exponentially distributed duration, rounded to the nearest nanosecond: the gap between arrivals
     * of a Poisson process of mean gap {@code meanNs}.
     *
     * @param meanNs the mean, in nanoseconds
     * @return a duration in nanoseconds, at least 0
     */
    public long nextExponentialNs(final double meanNs) {
        return Math.round(nextExponential(meanNs));
    }

    private IllegalArgumentException badBound(final long bound) {
        return new IllegalArgumentException("RandomStream '" + name + "': bound " + bound + " is not positive");
    }

    @Override
    public String toString() {
        return "RandomStream[" + name + ", seed " + seed + ", run " + run + "]";
    }
}
