package io.pktsim.cli.sweep;

/** Bad usage or bad input of {@code pktsim sweep}: one line, exit code 2, nothing run or written. */
public final class SweepException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the option or file, the key, the value and what is allowed
     */
    public SweepException(final String message) {
        super(message);
    }
}
