package dev.tandem.session.spi;

import java.util.regex.Pattern;

/**
 * A configuration value as it may be logged: credentials inside it masked. A JDBC URL can carry a
 * password as a parameter ({@code ?password=...}, {@code ;password=...}) or in its user info
 * ({@code //user:password@host}); either is replaced by {@code ****}.
 */
public final class LogSafe {
    private static final Pattern PARAMETER = Pattern.compile("(?i)\\b(password|passwd|pwd|secret)=[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]*:)[^/@\\s]*@");

    private LogSafe() {}

    public static String mask(String value) {
        return USER_INFO.matcher(PARAMETER.matcher(value).replaceAll("$1=****")).replaceAll("$1****@");
    }
}
