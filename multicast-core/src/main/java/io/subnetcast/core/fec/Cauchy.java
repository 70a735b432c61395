package io.subnetcast.core.fec;

/**
 * The coefficients of the code: parity {@code j} of a group of {@code k} sources is
 * {@code sum over t of coefficient(k, j, t) * source[t]}.
 *
 * <p>The matrix is a Cauchy matrix {@code 1 / (x_j + y_t)} with {@code y_t = t} for the sources
 * ({@code 0 <= t < k}) and {@code x_j = k + j} for the parity chunks ({@code 0 <= j < 256 - k}):
 * the x and y are 256 distinct field elements, so {@code x_j + y_t} (XOR) is never zero. Every
 * square submatrix of a Cauchy matrix is again a Cauchy matrix and so invertible, which makes the
 * systematic code {@code [I; C]} MDS: any k of the k sources and parity chunks determine the rest.
 */
final class Cauchy {
    private Cauchy() {
    }

    /**
     * @param sources k, the group's number of sources
     * @param parityIndex j, below 256 - k
     * @param position t, below k
     * @return the coefficient of source t in parity j
     */
    static int coefficient(int sources, int parityIndex, int position) {
        return Gf256.inv((sources + parityIndex) ^ position);
    }
}
