package com.intellidial.gateway.scheduling;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A chore runs every interval while started, survives a failing run, and stops with the application. */
class PeriodicChoreTests {

    @Test
    void runsEveryIntervalKeepsGoingAfterAFailureAndStops() {
        AtomicInteger runs = new AtomicInteger();
        PeriodicChore chore = new PeriodicChore("test chore", Duration.ofMillis(20), () -> Mono.defer(() -> {
            int run = runs.incrementAndGet();
            return (run == 2) ? Mono.error(new IllegalStateException("database down")) : Mono.just((long) run);
        }));
        assertThat(chore.isRunning()).isFalse();
        chore.start();
        assertThat(chore.isRunning()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 4);
        chore.stop();
        assertThat(chore.isRunning()).isFalse();
        int stoppedAt = runs.get();
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
        assertThat(runs.get()).as("no run after stop").isLessThanOrEqualTo(stoppedAt + 1);
    }
}
