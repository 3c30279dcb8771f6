package io.pktsim.cli.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?": the nearest word by edit distance. */
public final class Suggest {

    private Suggest() {
    }

    /**
     * The candidate nearest to a word, if near enough to be a likely typo.
     *
     * @param word what was written
     * @param candidates what is allowed
     * @return the nearest candidate, or null if none is within max(2, length/3) edits
     */
    public static String nearest(final String word, final Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        final String w = word.toLowerCase(Locale.ROOT);
        for (final String c : candidates) {
            final int d = distance(w, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    /**
     * The Damerau-Levenshtein (optimal string alignment) distance.
     *
     * @param a one word
     * @param b the other
     * @return the number of edits
     */
    public static int distance(final String a, final String b) {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
