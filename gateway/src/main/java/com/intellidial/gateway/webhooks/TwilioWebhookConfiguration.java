package com.intellidial.gateway.webhooks;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.intellidial.gateway.metering.MeteringProperties;
import com.intellidial.gateway.scheduling.PeriodicChore;

/** Keeps the Twilio status callbacks' dedupe records as long as the ledger keeps its idempotency keys. */
@Configuration(proxyBeanMethods = false)
class TwilioWebhookConfiguration {

    @Bean
    PeriodicChore twilioStatusEventPurge(TwilioStatusEvents events, MeteringProperties metering) {
        return new PeriodicChore("Forgot Twilio status callbacks older than " + metering.eventKeyRetention(),
                metering.purgeInterval(), () -> events.purge(metering.eventKeyRetention()));
    }
}
