package dev.tandem.serial;

/**
 * The class filter refused what was being read. Thrown from deep inside Kryo or an
 * ObjectInputStream, where the attribute name is unknown; the codec finds it in the cause chain
 * and prefixes the attribute.
 */
final class RefusedByFilterException extends RuntimeException {

    private RefusedByFilterException(String message) {
        super(message);
    }

    static RefusedByFilterException forClass(String className, ClassFilter filter) {
        return new RefusedByFilterException(
                "class " + className + " is not allowed by " + filter.describe() + "; " + filter.advice());
    }

    static RefusedByFilterException forLimit(String what, ClassFilter filter) {
        return new RefusedByFilterException(what + " exceeds a limit of " + filter.describe());
    }

    static RefusedByFilterException corrupt(String what) {
        return new RefusedByFilterException(what + "; the bytes are corrupt");
    }

    /** The refusal that caused {@code failure}, if any. */
    static RefusedByFilterException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RefusedByFilterException refused) {
                return refused;
            }
        }
        return null;
    }
}
