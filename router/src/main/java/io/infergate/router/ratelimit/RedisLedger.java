package io.infergate.router.ratelimit;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts in Redis (limits of scope {@code Global}), shared by every router: one {@code EVALSHA}
 * per request checks every window and increments them all or none, atomically (a Lua script runs
 * alone on the server), so concurrent routers cannot both take the last room of a window.
 *
 * <p>Bounded: connect and read time out after {@link RateLimitSettings#redisTimeout()}, at most
 * {@link RateLimitSettings#redisConnections()} connections (a request waits no longer than the
 * timeout for one). After a failure the store is not asked again for
 * {@link RateLimitSettings#redisRetryInterval()}: every request in between gets the failure mode
 * at once instead of each paying the timeout against a dead server.
 */
public final class RedisLedger implements Ledger, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisLedger.class.getName());

    /**
     * KEYS: one counter per draw; ARGV: cost, limit, time to live (ms) per draw. Returns
     * {1, used...} when taken, {0, index, used} when draw {@code index} (1-based) did not fit.
     */
    static final String TAKE = """
            for i = 1, #KEYS do
              local used = tonumber(redis.call('GET', KEYS[i]) or '0')
              if used + tonumber(ARGV[3 * i - 2]) > tonumber(ARGV[3 * i - 1]) then
                return {0, i, used}
              end
            end
            local out = {1}
            for i = 1, #KEYS do
              out[i + 1] = redis.call('INCRBY', KEYS[i], ARGV[3 * i - 2])
              redis.call('PEXPIRE', KEYS[i], ARGV[3 * i], 'NX')
            end
            return out
            """;

    /** KEYS[1]: a counter; ARGV: delta, time to live (ms). A refund changes only an existing counter. */
    static final String ADJUST = """
            local delta = tonumber(ARGV[1])
            if delta < 0 and redis.call('EXISTS', KEYS[1]) == 0 then
              return false
            end
            local used = redis.call('INCRBY', KEYS[1], delta)
            if delta > 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
            end
            return used
            """;

    /** How long a counter outlives its window: late settlements still find it. */
    private static final long GRACE_MILLIS = 60_000;

    private final RedisClient client;
    private final String address;
    private final long retryNanos;
    private final LongSupplier nanoTime;
    private final Runnable onError;
    private volatile String takeSha;
    private volatile String adjustSha;
    private volatile long downUntil;
    private volatile boolean down;

    /**
     * @param settings where Redis is and how long to wait for it
     * @param nanoTime a monotonic clock for the retry interval
     * @param onError  called on every failed call (a metric)
     */
    public RedisLedger(RateLimitSettings settings, LongSupplier nanoTime, Runnable onError) {
        RateLimitSettings.RedisAddress a =
                settings.redis().orElseThrow(() -> new IllegalArgumentException("no Redis address configured"));
        this.address = a.host() + ":" + a.port();
        int timeout = (int) Math.max(1, settings.redisTimeout().toMillis());
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(settings.redisConnections());
        pool.setMaxIdle(settings.redisConnections());
        pool.setMaxWait(Duration.ofMillis(timeout));
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        this.client = RedisClient.builder()
                .hostAndPort(a.host(), a.port())
                .clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(timeout)
                        .socketTimeoutMillis(timeout)
                        .clientName("infergate-router")
                        .build())
                .poolConfig(pool)
                .build();
        this.retryNanos = settings.redisRetryInterval().toNanos();
        this.nanoTime = nanoTime;
        this.onError = onError;
    }

    @Override
    public Verdict take(List<Draw> draws) throws Unavailable {
        List<String> keys = new ArrayList<>(draws.size());
        List<String> args = new ArrayList<>(draws.size() * 3);
        for (Draw d : draws) {
            keys.add(d.key());
            args.add(Long.toString(d.cost()));
            args.add(Long.toString(d.limit()));
            args.add(Long.toString(d.resetMillis() + GRACE_MILLIS));
        }
        Object reply = call(TAKE, true, keys, args);
        if (!(reply instanceof List<?> list) || list.isEmpty() || !(list.getFirst() instanceof Long ok)) {
            throw new Unavailable("unexpected reply from Redis at " + address + ": " + reply, null);
        }
        if (ok == 0) {
            return new Verdict.Refused((int) ((Long) list.get(1) - 1), (Long) list.get(2));
        }
        List<Long> used = new ArrayList<>(draws.size());
        for (int i = 1; i < list.size(); i++) {
            used.add((Long) list.get(i));
        }
        return new Verdict.Taken(used);
    }

    @Override
    public void adjust(String key, long delta, long ttlMillis) throws Unavailable {
        call(ADJUST, false, List.of(key), List.of(Long.toString(delta), Long.toString(ttlMillis + GRACE_MILLIS)));
    }

    private Object call(String script, boolean take, List<String> keys, List<String> args) throws Unavailable {
        if (down && nanoTime.getAsLong() - downUntil < 0) {
            throw new Unavailable("Redis at " + address + " failed less than a retry interval ago", null);
        }
        try {
            Object reply;
            try {
                reply = client.evalsha(sha(script, take, false), keys, args);
            } catch (JedisNoScriptException e) { // Redis restarted or was flushed: load again, once
                reply = client.evalsha(sha(script, take, true), keys, args);
            }
            if (down) {
                down = false;
                LOG.info(() -> "Redis at " + address + " answers again: global rate limits are enforced");
            }
            return reply;
        } catch (JedisException | ClassCastException e) {
            onError.run();
            downUntil = nanoTime.getAsLong() + retryNanos;
            if (!down) {
                down = true;
                LOG.log(
                        Level.WARNING,
                        "Redis at " + address + " failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                                + "): global rate limits apply their failure mode until it answers",
                        e);
            }
            throw new Unavailable("Redis at " + address + " failed: " + e.getMessage(), e);
        }
    }

    private String sha(String script, boolean take, boolean reload) {
        String sha = take ? takeSha : adjustSha;
        if (sha == null || reload) {
            sha = client.scriptLoad(script);
            if (take) {
                takeSha = sha;
            } else {
                adjustSha = sha;
            }
        }
        return sha;
    }

    @Override
    public void close() {
        client.close();
    }
}
