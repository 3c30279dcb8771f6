/**
 * Hash functions of the Linux kernel, bit for bit: SipHash-2-4 as {@code siphash()} (lib/siphash.c,
 * Linux 6.18) with a 128-bit key and little-endian 64-bit message words, and Bob Jenkins' lookup3 hash as
 * {@code jhash()}, {@code jhash2()}, {@code jhash_1word()}, {@code jhash_2words()} and
 * {@code jhash_3words()} (include/linux/jhash.h, 6.18), and the Toeplitz hash of receive-side scaling
 * ({@code toeplitz_hash()}-style, Microsoft's RSS specification; used by {@code io.pktsim.nic.rss}).
 *
 * <p>All arithmetic is unsigned 32/64-bit, carried in {@code int}/{@code long} with logical shifts. The
 * word-wise SipHash entry points take the message as the words a little-endian CPU loads, which is what
 * the kernel hashes on x86-64, arm64 and the MT7621's mipsel.
 *
 * <p>Simplifications: {@code hsiphash} (HalfSipHash, used by
 * other subsystems on 32-bit kernels) is not modelled: the flow hash uses the full SipHash everywhere.
 */
package io.pktsim.core.hash;
