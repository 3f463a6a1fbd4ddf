package dev.surge.core.tensor;

import java.util.Arrays;

/** Shape arithmetic and checks with messages that name the shapes at fault. */
public final class Shapes {
    private Shapes() {
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            }
            n *= d;
        }
        return n;
    }

    public static int checkedSize(int[] shape) {
        long n = size(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + str(shape) + " has " + n
                    + " elements, more than one float[] can hold");
        }
        return (int) n;
    }

    /** Normalises a possibly negative axis. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    public static void requireSame(String op, int[] a, int[] b) {
        if (!Arrays.equals(a, b)) {
            throw new IllegalArgumentException(op + ": shapes differ: " + str(a) + " vs " + str(b));
        }
    }

    /** Product of the dimensions before {@code axis}. */
    public static int outer(int[] shape, int axis) {
        int n = 1;
        for (int i = 0; i < axis; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Product of the dimensions after {@code axis}. */
    public static int inner(int[] shape, int axis) {
        int n = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    static int[] resolveReshape(int[] from, int[] to) {
        int[] s = to.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape " + str(to) + ": only one dimension may be -1");
                }
                infer = i;
            } else {
                known *= s[i];
            }
        }
        long n = size(from);
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + str(from) + " to " + str(to));
            }
            s[infer] = (int) (n / known);
        }
        if (size(s) != n) {
            throw new IllegalArgumentException("cannot reshape " + str(from) + " (" + n + " elements) to " + str(to));
        }
        return s;
    }

    /** NumPy broadcasting of two shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * For every element of the broadcast output shape, the flat index into an operand of shape {@code in}.
     */
    public static int[] broadcastIndex(int[] in, int[] out) {
        int r = out.length;
        int[] strides = new int[r];
        int s = 1;
        for (int i = r - 1; i >= 0; i--) {
            int j = i - (r - in.length);
            int d = j >= 0 ? in[j] : 1;
            strides[i] = d == 1 ? 0 : s;
            s *= d;
        }
        int n = checkedSize(out);
        int[] idx = new int[n];
        int[] counter = new int[r];
        int cur = 0;
        for (int e = 0; e < n; e++) {
            idx[e] = cur;
            for (int i = r - 1; i >= 0; i--) {
                counter[i]++;
                cur += strides[i];
                if (counter[i] < out[i]) {
                    break;
                }
                cur -= strides[i] * counter[i];
                counter[i] = 0;
            }
        }
        return idx;
    }
}
