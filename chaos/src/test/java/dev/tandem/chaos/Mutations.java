package dev.tandem.chaos;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded mutations of a length-prefixed frame ({@code [4-byte length][version][type][...]}) or of
 * any record of bytes, counted by family for RELIABILITY.md.
 */
public final class Mutations {
    public record Mutant(String family, byte[] bytes) {}

    private final SplittableRandom random;
    private final Map<String, Integer> counts = new TreeMap<>();

    public Mutations(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One mutation of a frame, its family chosen at random. */
    public Mutant frame(byte[] frame) {
        byte[] b = frame.clone();
        return switch (random.nextInt(8)) {
            case 0 -> count("bit flips", flipBits(b));
            case 1 -> count("bytes overwritten", overwrite(b));
            case 2 -> count("truncated", Arrays.copyOf(b, random.nextInt(b.length)));
            case 3 -> {
                // 2^31 and up, or merely more than any frame may be.
                int huge = random.nextBoolean() ? 0x80000000 | random.nextInt() : (64 << 20) + random.nextInt(1 << 30);
                ByteBuffer.wrap(b).putInt(0, huge);
                yield count("huge length", b);
            }
            case 4 -> {
                int length = ByteBuffer.wrap(b).getInt(0);
                int wrong = length + (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(16));
                ByteBuffer.wrap(b).putInt(0, wrong);
                yield count("wrong length", b);
            }
            case 5 -> count("trailing garbage", concat(b, bytes(1 + random.nextInt(64))));
            case 6 -> {
                if (b.length > 5) {
                    b[5] = (byte) random.nextInt(256);
                }
                yield count("wrong type", b);
            }
            default -> {
                // A well-framed message whose body is noise.
                byte[] body = bytes(random.nextInt(200));
                byte[] framed = ByteBuffer.allocate(14 + body.length).put(b, 0, Math.min(14, b.length))
                        .position(14).put(body).array();
                ByteBuffer.wrap(framed).putInt(0, 10 + body.length);
                yield count("random body", framed);
            }
        };
    }

    /** One mutation of a stored record (a session file or a database row's bytes). */
    public Mutant record(byte[] record) {
        byte[] b = record.clone();
        return switch (random.nextInt(5)) {
            case 0 -> count("bit flips", flipBits(b));
            case 1 -> count("bytes overwritten", overwrite(b));
            case 2 -> count("truncated", Arrays.copyOf(b, random.nextInt(Math.max(1, b.length))));
            case 3 -> count("trailing garbage", concat(b, bytes(1 + random.nextInt(64))));
            default -> count("random bytes", bytes(random.nextInt(2 * b.length + 1)));
        };
    }

    /** Noise of the given size. */
    public byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private byte[] flipBits(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private byte[] overwrite(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private Mutant count(String family, byte[] bytes) {
        counts.merge(family, 1, Integer::sum);
        return new Mutant(family, bytes);
    }

    /** How many of each family were made so far. */
    public Map<String, Integer> counts() {
        return new TreeMap<>(counts);
    }
}
