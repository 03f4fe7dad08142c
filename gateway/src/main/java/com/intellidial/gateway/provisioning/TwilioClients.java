package com.intellidial.gateway.provisioning;

import java.util.concurrent.Callable;

import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.routing.UpstreamProperties;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * twilio-java for provisioning: one shared {@link TwilioHttpClient}, a small client per account,
 * and every (blocking) call run on a dedicated bounded scheduler, never on an event loop.
 */
@Component
class TwilioClients implements DisposableBean {

    /** Matches HC5's pool of 20 connections per route: more threads would only queue for a connection. */
    private static final int THREADS = 20;

    private final TwilioHttpClient http;

    private final Scheduler scheduler = Schedulers.newBoundedElastic(THREADS, 1000, "twilio-provisioning");

    TwilioClients(UpstreamProperties upstreams) {
        this.http = new TwilioHttpClient(new NetworkHttpClient(), upstreams.twilio().baseUrl().toString());
    }

    /** A client acting on {@code accountSid} with a username (AC or SK SID) and its password. */
    TwilioRestClient client(String username, String password, String accountSid) {
        return new TwilioRestClient.Builder(username, password).accountSid(accountSid).httpClient(this.http).build();
    }

    /** A client for the account a stored secret describes ({@code auth_token} or API key). */
    TwilioRestClient client(Secret secret) {
        String accountSid = secret.field("account_sid");
        String token = secret.field("auth_token");
        String keySid = secret.field("api_key_sid");
        String keySecret = secret.field("api_key_secret");
        if (accountSid != null && token != null) {
            return client(accountSid, token, accountSid);
        }
        if (accountSid != null && keySid != null && keySecret != null) {
            return client(keySid, keySecret, accountSid);
        }
        throw new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE, "The Twilio credential is not configured");
    }

    /** Runs a blocking twilio-java call off the event loop; Twilio errors become a 502 problem. */
    <T> Mono<T> call(String what, Callable<T> blocking) {
        return Mono.fromCallable(blocking)
            .subscribeOn(this.scheduler)
            .onErrorMap(ApiException.class, (ex) -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE,
                    "Twilio refused to " + what + " (" + ((ex.getStatusCode() != null) ? ex.getStatusCode() : "no status")
                            + ((ex.getCode() != null) ? ", code " + ex.getCode() : "") + ")", ex));
    }

    @Override
    public void destroy() {
        this.scheduler.dispose();
    }
}
