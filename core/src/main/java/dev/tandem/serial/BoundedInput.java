package dev.tandem.serial;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo input over one attribute's bytes that refuses a length larger than the bytes left. Kryo
 * allocates a string's, an array's or a collection's storage from the length it reads, before
 * reading the elements, so a corrupt length would otherwise ask for gigabytes; every element takes
 * at least one byte, so a longer length can only be corruption.
 *
 * <p>Strings and primitive arrays are read through this class's own methods and checked here;
 * collections, maps and object arrays read their count as a plain varint, which is checked when
 * {@link CountCheckedSerializer} announces it.
 */
final class BoundedInput extends Input {

    private boolean countIsNext;

    BoundedInput() {
        super(0);
    }

    /** Fails unless {@code count} elements of at least one byte each can follow. */
    static void requireRemaining(Input input, long count, String what) {
        int remaining = input.limit() - input.position();
        if (count > remaining) {
            throw new KryoException(what + " of " + count + " elements where only " + remaining + " bytes remain");
        }
    }

    /** The next varint read is an element count (+ 1 for null, as Kryo writes it): check it. */
    void checkNextCount() {
        countIsNext = true;
    }

    @Override
    public int readVarInt(boolean optimizePositive) {
        int value = super.readVarInt(optimizePositive);
        if (countIsNext) {
            countIsNext = false;
            requireRemaining(this, (long) value - 1, "a collection or array");
        }
        return value;
    }

    @Override
    public int readVarIntFlag(boolean optimizePositive) {
        int value = super.readVarIntFlag(optimizePositive);
        if (countIsNext) {
            countIsNext = false;
            requireRemaining(this, (long) value - 1, "a collection");
        }
        return value;
    }

    @Override
    public void setBuffer(byte[] bytes, int offset, int count) {
        countIsNext = false;
        super.setBuffer(bytes, offset, count);
    }

    @Override
    public String readString() {
        checkStringLength();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkStringLength();
        return super.readStringBuilder();
    }

    // ASCII strings are read byte by byte and need no check; a UTF-8 one starts with its char count + 1.
    private void checkStringLength() {
        if (position < limit && readVarIntFlag()) {
            int start = position;
            int count = readVarIntFlag(true);
            position = start;
            requireRemaining(this, (long) count - 1, "a string");
        }
    }

    @Override
    public byte[] readBytes(int length) {
        requireRemaining(this, length, "a byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) {
        requireRemaining(this, length, "an int array");
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        requireRemaining(this, length, "an int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        requireRemaining(this, length, "a long array");
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        requireRemaining(this, length, "a long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
        requireRemaining(this, length, "a float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        requireRemaining(this, length, "a double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
        requireRemaining(this, length, "a short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
        requireRemaining(this, length, "a char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        requireRemaining(this, length, "a boolean array");
        return super.readBooleans(length);
    }
}
