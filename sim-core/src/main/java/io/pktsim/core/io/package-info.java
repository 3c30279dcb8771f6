/**
 * Output files written the safe way: into a temporary file beside the target, then moved into place, so that
 * a failed run never leaves a half-written result (STYLE.md, "Errors at the edges"). Not a kernel mechanism.
 */
package io.pktsim.core.io;
