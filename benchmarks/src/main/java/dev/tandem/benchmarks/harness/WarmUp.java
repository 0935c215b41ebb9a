package dev.tandem.benchmarks.harness;

import java.util.List;
import java.util.Locale;

/**
 * Load before measuring, until the servers' JIT compilers are done with it: a JVM keeps compiling
 * for tens of seconds on a busy machine, and a round measured meanwhile pays for the compiler's
 * CPU, which HAProxy (no JIT) or a server with less code to compile does not. Rounds of load run
 * until the compiler threads of the server JVMs used under {@value #QUIET_SHARE} of a round's wall
 * time, or for at most {@value #MAX_ROUNDS} rounds.
 */
public final class WarmUp {
    static final double QUIET_SHARE = 0.05;
    public static final int MAX_ROUNDS = 4;

    /** One round of load. */
    public interface Round {
        void run() throws Exception;
    }

    private WarmUp() {}

    /** @return the number of rounds it took */
    public static int untilCompiled(String what, List<Long> pids, Round round) throws Exception {
        for (int i = 1; ; i++) {
            long compilerBefore = Proc.compilerCpuMicros(pids);
            long start = System.nanoTime();
            round.run();
            long wallMicros = (System.nanoTime() - start) / 1000;
            long compiler = Proc.compilerCpuMicros(pids) - compilerBefore;
            boolean quiet = compiler < QUIET_SHARE * wallMicros;
            if (quiet || i == MAX_ROUNDS) {
                RunContext.log(String.format(Locale.ROOT, "warm-up %s: %d round(s), JIT compilers %.0f%% of the last%s",
                        what, i, 100.0 * compiler / wallMicros, quiet ? "" : " (still compiling; went on anyway)"));
                return i;
            }
        }
    }
}
